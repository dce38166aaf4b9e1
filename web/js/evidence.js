// Evidence: the trials of LDN in fibromyalgia (positive and negative), the meta-analyses, the proposed
// mechanisms, and the PK / receptor-occupancy chart for a chosen dose and clock time.
// The trial and mechanism texts are taken from the project's reviewed fact sheets
// (/work/shared/docs/clinical-facts.md section 2 and pharmacology-facts.md A5); each row cites its paper.
// The texts are in the message catalogs (web/locales/src/evidence.json); the citations (authors,
// journals, years, pages) are not translated.
import {get} from './api.js';
import {setTitle} from './app.js';
import {field, h, mount, scrollAttrs, stackTable, uid, whereFrom} from './dom.js';
import {formatNumber, N_, serverText, serverTextIsTranslated, t} from './i18n.js';

// The model's notes on what it cannot tell (src/pharmacology/simulation.cpp ProfileNotes), which
// the server writes as message keys; listed here for the catalog check.
export const PK_NOTES = [
  N_('Concentrations below {mg} mg are a linear extrapolation: PK linearity is shown only for 50-200 mg (Meyer 1984) and no PK study at 0.5-6 mg was found.'),
  N_('The one-compartment parameters are derived (trust L) from the 50 mg Cmax/Tmax and the label\'s half-lives, not fitted to patients\' data.'),
  N_('Occupancy beyond 8 h after a dose is unvalidated: PET data (Rabiner 2011) and the Troestheim 2022 dose curve cover < 8 h. The direct model is a lower bound; the effect-compartment ke0 and its EC50 calibration are assumptions. 6beta-naltrexol is not counted toward brain occupancy.'),
  N_('Between-subject variability CVs are assumptions (no oral naltrexone popPK model found).'),
];


export const TRIALS = [
  {
    name: N_('Younger & Mackey 2009'),
    design: N_('Single-blind: 2 wk baseline, 2 wk placebo, 8 wk LDN, 2 wk washout; daily diary; 10 women, no opioids'),
    dose: N_('4.5 mg, 8 weeks'),
    result: N_(
        'More than 30% symptom reduction over placebo; about 6 of 10 responded. Baseline ESR predicted over 80% of the response variance (n=10: a hypothesis only).'),
    adverse: N_('Rare, transient: vivid dreams, insomnia, nausea'),
    direction: 'positive',
    cite: 'Younger J, Mackey S. Pain Med 2009;10:663'
  },
  {
    name: N_('Younger et al. 2013'),
    design: N_('Randomised, double-blind, counterbalanced crossover: 12 wk LDN vs 4 wk placebo; 31 women'),
    dose: N_('4.5 mg'),
    result: N_(
        'Pain fell 28.8% on LDN vs 18.0% on placebo (p=0.016); better mood and life satisfaction, no effect on fatigue or sleep; composite responders 32% vs 11% (p=0.05).'),
    adverse: N_('Vivid dreams 37% vs 13%, headache 16% vs 3%; no serious adverse events'),
    direction: 'positive',
    cite: 'Younger J et al. Arthritis Rheum 2013;65:529 (NCT00568555)'
  },
  {
    name: N_('Bruun-Plesner et al. 2020'),
    design: N_('Single-blind up-and-down dose finding; 25 patients'),
    dose: N_('0.75-6 mg, 2 weeks per dose'),
    result: N_('ED50 3.88 mg, ED95 5.40 mg (response: 30% less pain or PGI-I 1-3).'),
    adverse: N_('Mostly mild, gastrointestinal'),
    direction: 'dose-finding',
    cite: 'Bruun-Plesner K et al. Pain Med 2020;21:2253'
  },
  {
    name: N_('FINAL (Bruun et al. 2024)'),
    design: N_('Parallel double-blind RCT; 99 women (49 LDN / 50 placebo)'),
    dose: N_('Titrated to 6 mg; 12 weeks'),
    result: N_(
        'Pain change -1.3 vs -0.9; difference -0.34 (95% CI -0.95 to 0.27), p=0.27: no clear benefit. 30% responders 45% vs 28% (not powered).'),
    adverse: N_('Adverse events 84% vs 86%'),
    direction: 'negative',
    cite: 'Bruun KD et al. Lancet Rheumatol 2024;6(1):e31-e39 (NCT04270877)'
  },
  {
    name: N_('INNOVA (Rodríguez-Freire et al., about 2025)'),
    design: N_('Add-on double-blind RCT; 98 women (48 / 50); ACR 2016 criteria'),
    dose: N_('4.5 mg at bedtime; 12 months'),
    result:
        N_('Pain change at 3 months -0.33 on LDN vs -0.64 on placebo (p=0.236); FIQR and PGIC: no meaningful benefit.'),
    adverse: N_('Adverse events 68.8% vs 72%'),
    direction: 'negative',
    cite: 'Rodríguez-Freire C et al. (journal and year not confirmed ⚠)'
  },
];

// How a trial's result points, shown as its flag (the value picks the flag's colour).
const DIRECTION = {
  positive: N_('positive'),
  negative: N_('negative'),
  'dose-finding': N_('dose-finding')
};

export const META = [
  [N_('Vatvani et al. 2024 (4 RCTs): pain mean difference -0.86 favouring LDN.'), 'Korean J Pain 2024'],
  [N_('Standardised mean difference -0.61; vivid dreams relative risk 2.41.'), 'Ann Med Surg 2025'],
  [N_('Not significant versus placebo.'), 'Ologunowa 2025'],
];

export const MECHANISMS = [
  {
    title: N_('Brief opioid-receptor blockade, then rebound'),
    text: N_(
        'A few hours of mu-opioid and opioid-growth-factor receptor blockade at bedtime is proposed to up-regulate endorphins, met-enkephalin and their receptors. Human evidence is indirect.'),
    cite: 'Toljan K, Vrooman B. Med Sci 2018;6:82; Younger J et al. Clin Rheumatol 2014;33:451'
  },
  {
    title: N_('Microglia: TLR4 antagonism'),
    text: N_(
        '(+)-naltrexone, which has no opioid activity, also blocks TLR4/MD-2 and lowers NO and TNF-alpha in cells. But the cell studies use micromolar concentrations, about 1000 times the ~3.5 nM peak of LDN in plasma, and in human blood cells 1-200 µM naltrexone did not affect TLR4: whether this matters at low dose is unresolved.'),
    cite:
        'Hutchinson MR et al. Eur J Neurosci 2008;28:20; Wang X et al. Br J Pharmacol 2016;173:856; Cant R et al. Front Immunol 2017'
  },
  {
    title: N_('Dose bands'),
    text: N_(
        'Low dose 1-5 mg; very low dose 1 µg-1 mg; ultra-low dose below 1 µg (filamin A): different proposed actions.'),
    cite: 'Toljan & Vrooman 2018'
  },
];

export async function evidence(main) {
  setTitle(t('Evidence'));
  const pkBox = h('div');
  mount(main,
    h('h1', t('What the evidence says')),
    h('p', t('LDN for fibromyalgia is off-label. Small early studies were positive; the two largest placebo-controlled trials (FINAL, INNOVA) found no clear benefit, and placebo responses were large. That is why ldn measures your own response carefully, and can run a blinded trial for one person.')),
    h('section.card', { 'aria-labelledby': 'tr-h' }, h('h2', { id: 'tr-h' }, t('Trials in fibromyalgia')),
      h('div.tablewrap', scrollAttrs(), h('table.stack', h('caption.sr', t('Trials of LDN in fibromyalgia')),
        h('thead', h('tr', [t('Trial'), t('Design'), t('Dose'), t('Result'), t('Side effects'), t('Source')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', TRIALS.map((tr) => h('tr',
          h('th', { scope: 'row' }, t(tr.name), h('br'), h('span.flag', { class: tr.direction === 'negative' ? 'red' : tr.direction === 'positive' ? 'none' : null }, DIRECTION[tr.direction] ? t(DIRECTION[tr.direction]) : tr.direction)),
          h('td', { 'data-label': t('Design') }, t(tr.design)), h('td', { 'data-label': t('Dose') }, t(tr.dose)),
          h('td', { 'data-label': t('Result') }, t(tr.result)), h('td', { 'data-label': t('Side effects') }, t(tr.adverse)),
          h('td.small', { 'data-label': t('Source') }, tr.cite)))))),
      h('h3', t('Meta-analyses disagree')),
      h('ul', META.map(([text, cite]) => h('li', t(text), ' ', h('span.muted.small', `(${cite})`)))),
      whereFrom(t('The project\'s record of clinical facts (section 2) lists each trial with its journal, year and page; ⚠ marks what could not be confirmed.'))),
    h('section.card', { 'aria-labelledby': 'me-h' }, h('h2', { id: 'me-h' }, t('How it might work (hypotheses)')),
      MECHANISMS.map((m) => h('div', h('h3', t(m.title)), h('p', t(m.text)), whereFrom(m.cite)))),
    pkBox);
  pkBox.append(await pkSection());
}

// A number with exactly `digits` decimals (as toFixed) by the locale: "2.50" in English, "2,50" in
// Danish and Norwegian.
function fixed(x, digits) {
  return formatNumber(x, {minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false});
}

async function pkSection() {
  const { default: uPlot } = await import('../vendor/uPlot.esm.js');
  if (!document.querySelector('link[href="vendor/uPlot.min.css"]')) document.head.append(h('link', { rel: 'stylesheet', href: 'vendor/uPlot.min.css' }));
  const dose = h('input', { id: uid('dose'), type: 'number', min: '0.1', max: '50', step: '0.5', value: '4.5' });
  const time = h('input', { id: uid('at'), type: 'time', value: '22:00' });
  const chart = h('div.chart', {role: 'img', 'aria-label': t('Naltrexone receptor occupancy over 24 hours')});
  const summary = h('div', { 'aria-live': 'polite' });
  const notes = h('div');
  const error = h('p.error', { role: 'alert' });
  let plot = null;

  async function draw() {
    error.textContent = '';
    let pk;
    try {
      pk = await get(`/pharmacology/pk?dose_mg=${encodeURIComponent(dose.value)}&time=${encodeURIComponent(time.value || '22:00')}&days=7`);
    } catch (err) { error.textContent = err.message; return; }
    const x = pk.series.map((p) => p.t_h);
    const clock = pk.series.map((p) => p.clock);
    if (plot) plot.destroy();
    const width = Math.max(300, Math.min(chart.clientWidth || 320, 1000));
    plot =
        new uPlot(
            {
              width,
              height: width < 500 ? 240 : 320,
              scales: {
                x: {time: false},
                pct: {range: [0, 100]},
                ng: {range: (u, min, max) => [0, Math.max(0.5, max * 1.1)]}
              },
              axes: [
                {
                  label: t('clock time'),
                  values: (u, ticks) => ticks.map((tick) => clock[Math.round(tick * 4)] || ''),
                  stroke: '#333'
                },
                {scale: 'pct', label: t('receptor occupancy %'), stroke: '#333', size: 48},
                {scale: 'ng', side: 1, label: t('naltrexone ng/mL'), stroke: '#5f6368', grid: {show: false}, size: 52},
              ],
              series:
                  [
                    {label: t('hours after the dose')},
                    {label: t('Occupancy, effect site (%)'), scale: 'pct', stroke: '#1f5f8b', width: 3},
                    {label: t('Occupancy, direct (%)'), scale: 'pct', stroke: '#2e7d32', width: 2, dash: [6, 4]},
                    {label: t('Naltrexone (ng/mL)'), scale: 'ng', stroke: '#a35200', width: 2}
                  ],
              legend: {live: false},
            },
            [
              x, pk.series.map((p) => p.occupancy_effect_pct), pk.series.map((p) => p.occupancy_direct_pct),
              pk.series.map((p) => p.naltrexone_ng_ml)
            ],
            chart);
    const s = pk.summary;
    summary.replaceChildren(
        h('ul',
          h('li',
            t('Peak naltrexone {cmax} ng/mL, {tmax} h after the dose.',
              {cmax: fixed(s.cmax_ng_ml, 2), tmax: fixed(s.tmax_h, 1)})),
          h('li',
            t('Receptor occupancy (effect site) peaks at {peak}% and is above 50% for {hours} h.',
              {peak: fixed(s.occupancy_effect_peak_pct, 0), hours: fixed(s.occupancy_effect_hours_above_50, 1)})),
          h('li', t('At waking ({time}): {effect}% (effect site), {direct}% (direct).', {
              time: pk.wake_time,
              effect: fixed(s.occupancy_effect_at_wake_pct, 0),
              direct: fixed(s.occupancy_direct_at_wake_pct, 0)
            })),
          h('li',
            t('Dose-based peak blockade (Trøstheim 2022, valid within 8 h): {pct}%.',
              {pct: pk.trostheim_peak_block_pct}))));
    notes.replaceChildren(
        h('h3', t('How certain is this?')),
        pk.note_messages ?
            h('ul',
              pk.note_messages.map((m) => h('li', {lang: serverTextIsTranslated(m) ? null : 'en'}, serverText(m)))) :
            h('ul', {lang: 'en'}, pk.notes.map((n) => h('li', n))),
        h('details', h('summary', t('Model parameters and their sources')),
          stackTable(
              t('Model parameters'), [t('Parameter'), t('Value'), t('Unit'), t('Trust'), t('Source')],
              pk.parameters.map((p) => ({
                                  cells: [
                                    p.id,
                                    typeof p.value === 'number' ?
                                        formatNumber(p.value, {maximumFractionDigits: 6, useGrouping: false}) :
                                        String(p.value),
                                    p.unit, p.assumption ? t('{trust} (assumed)', {trust: p.trust}) : p.trust,
                                    h('span.small', {lang: 'en'}, p.source)
                                  ]
                                })))),
        whereFrom(t(
            'ldn\'s model of how the body takes up and clears naltrexone ({model}); a typical patient on day {days} of daily dosing.',
            {model: pk.model, days: pk.days})));
  }

  const form =
      h('form', {
        onsubmit: (e) => {
          e.preventDefault();
          draw();
        }
      },
        h('div.row', field(t('Dose, mg naltrexone HCl'), dose), field(t('Clock time of the daily dose'), time)),
        h('button.primary', {type: 'submit'}, t('Show')));
  const section = h(
      'section.card', {'aria-labelledby': 'pk-h'},
      h('h2', {id: 'pk-h'}, t('A day on LDN: blood level and receptor occupancy')),
      h('p',
        t('Why a low dose at bedtime: the receptors are blocked for a few hours at night and mostly free by the next day.')),
      form, error, chart, summary, notes);
  let drawn = 0;
  new ResizeObserver(() => {
    const w = chart.clientWidth;
    if (w > 0 && Math.abs(w - drawn) > 20) { drawn = w; draw(); }
  }).observe(chart);
  return section;
}
