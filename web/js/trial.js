// Blinded N-of-1 trials of LDN against placebo (issue 16; docs/nof1.md "In the clinic"), for staff:
// the clinician's trial page of a patient (#/patient/{id}/trial: design with what the design can
// tell, the pharmacy's kits, the start that freezes the protocol, the schedule) and the pharmacy's
// trials (#/trials: give each pair a placebo-twin kit). Every rule is the server's; this page shows
// what it answers. Which pack holds naltrexone appears only on the pharmacy's page.
import {get, post} from './api.js';
import {say, setTitle} from './app.js';
import {field, h, mount, source, stackTable, uid, whereFrom} from './dom.js';
import {downloadLink} from './download.js';
import {itemInfo, ITEMS, loadItems} from './items.js';
import {formatInstant, formatLongDate, todayIn} from './time.js';

const MODELS = [
  ['ar1', 'AR(1) errors (nof1ins): the headline, allows for day-to-day carry'],
  ['mean', 'Model 1, mean (TrialistNof1): ignores autocorrelation, for comparison'],
  ['trend', 'Model 2, linear trend (TrialistNof1)'], ['lag', 'Model 4, yesterday\'s rating (TrialistNof1)']
];
const pct = (p) => `${Math.round(p * 100)}%`;
// The form's words for the fields the server names in a refusal.
const FIELD_LABELS = {
  'protocol.pairs': 'Pairs of periods',
  'protocol.period_days': 'Weeks per period',
  'protocol.run_in_days': 'Run-in days not analysed',
  'protocol.primary_outcome': 'Primary outcome',
  'protocol.mcid': 'Smallest important difference',
  'protocol.decision_rule.continue_probability': 'Continue LDN if',
  'protocol.decision_rule.stop_probability': 'Stop LDN if',
  'scenario.effect': 'True benefit of LDN',
  'scenario.sd': 'Day-to-day SD',
  'scenario.rho': 'Autocorrelation of days',
  'scenario.placebo_response': 'Placebo response',
  'scenario.missing_probability': 'Missing diary days',
  start_date: 'First day of period 1',
  reason: 'Why',
  password: 'Your password',
};
// A refusal as staff read it: the form's name of the field (or the server's), then the reason.
function errorText(err) {
  const message = String((err && err.message) || 'Something went wrong.');
  if (!err || !err.field) return message;
  return `${FIELD_LABELS[err.field] || err.field}: ${message}`;
}

function numberInput(value, attrs) {
  return h(
      'input', {id: uid('n'), type: 'number', inputmode: 'decimal', value: String(value), required: true, ...attrs});
}

// The form's protocol and scenario controls, starting from the server's defaults (GET
// /trial-designs/defaults: the protocol's and the simulated patient's; none are held here).
function designControls(d) {
  const p = d.protocol;
  const s = d.scenario;
  const outcomes = ITEMS.filter((k) => (itemInfo(k) || {}).kind !== 'yes_no' && (itemInfo(k) || {}).core);
  const c = {
    pairs: numberInput(p.pairs, {min: 1, max: 12, step: 1, 'data-field': 'pairs'}),
    weeks: numberInput(p.period_days / 7, {min: 1, max: 26, step: 1, 'data-field': 'period_weeks'}),
    runIn: numberInput(p.run_in_days, {min: 0, max: 175, step: 1, 'data-field': 'run_in_days'}),
    outcome:
        h('select', {id: uid('o'), 'data-field': 'primary_outcome'},
          outcomes.map(
              (k) =>
                  h('option', {value: k, selected: k === p.primary_outcome ? true : null},
                    `${(itemInfo(k) || {}).label || k} (${
                        (itemInfo(k) || {}).higher_is === 'better' ? 'higher is better' : 'lower is better'})`))),
    mcid: numberInput(p.mcid, {min: 0.1, max: 10, step: 0.1, 'data-field': 'mcid'}),
    cont: numberInput(
        p.decision_rule.continue_probability, {min: 0.5, max: 0.99, step: 0.01, 'data-field': 'continue_probability'}),
    stop: numberInput(
        p.decision_rule.stop_probability, {min: 0.01, max: 0.95, step: 0.01, 'data-field': 'stop_probability'}),
    model:
        h('select', {id: uid('m'), 'data-field': 'model'},
          MODELS.map(([v, t]) => h('option', {value: v, selected: v === p.model ? true : null}, t))),
    effect: numberInput(s.effect, {min: 0, max: 10, step: 0.1, 'data-field': 'effect'}),
    sd: numberInput(s.sd, {min: 0.1, max: 5, step: 0.1, 'data-field': 'sd'}),
    rho: numberInput(s.rho, {min: -0.9, max: 0.95, step: 0.05, 'data-field': 'rho'}),
    placebo: numberInput(s.placebo_response, {min: 0, max: 5, step: 0.1, 'data-field': 'placebo_response'}),
    missing: numberInput(s.missing_probability * 100, {min: 0, max: 50, step: 5, 'data-field': 'missing_percent'}),
  };
  c.protocol = () => ({
    pairs: Number(c.pairs.value),
    period_days: Number(c.weeks.value) * 7,
    run_in_days: Number(c.runIn.value),
    primary_outcome: c.outcome.value,
    mcid: Number(c.mcid.value),
    decision_rule: {continue_probability: Number(c.cont.value), stop_probability: Number(c.stop.value)},
    model: c.model.value,
  });
  c.scenario = () => ({
    effect: Number(c.effect.value),
    sd: Number(c.sd.value),
    rho: Number(c.rho.value),
    placebo_response: Number(c.placebo.value),
    missing_probability: Number(c.missing.value) / 100,
  });
  return c;
}

// What the design can tell, in the server's words (analysis ConsequencesOf: the randomization
// test's floor, the days analysed, the pairs AHRQ advises).
function allowsList(a) { return h('ul', {'data-allows': ''}, a.notes.map((n) => h('li', n))); }

function characteristics(oc, scenario) {
  const row = (title, s) => ({
    attrs: {'data-scenario': title.startsWith('If LDN does nothing') ? 'null' : 'effect'},
    cells: [title, pct(s.p_continue), pct(s.p_stop), pct(s.p_uncertain)],
  });
  const rows = [row(`If LDN truly improves it by ${scenario.effect} point(s)`, oc)];
  if (oc.under_null) rows.push(row('If LDN does nothing (placebo only)', oc.under_null));
  return h(
      'div', {'data-characteristics': ''},
      stackTable('What the decision rule would say', ['Truth', 'Continue LDN', 'Stop LDN', 'Uncertain'], rows),
      h('p.small',
        `${oc.trials} simulated trials of this design (each share within about ±${
            pct(2 * oc.monte_carlo_se_max)}, 95%); day-to-day SD ${scenario.sd}, autocorrelation ${
            scenario.rho}, placebo response ${scenario.placebo_response}.`));
}

function designForm(id, orders, defaults, reload) {
  const c = designControls(defaults);
  const p = defaults.protocol;
  const order =
      h('select', {id: uid('rx'), 'data-field': 'prescription_id'},
        orders.map(
            (o) =>
                h('option', {value: String(o.id)},
                  `#${o.id}: ${o.formulation.strength_mg} mg capsules, ${o.status}${
                      o.pharmacy ? ` (${o.pharmacy})` : ''}`)));
  const result = h('div', {'aria-live': 'polite'});
  const error = h('p.error', {role: 'alert'});
  const simulate =
      h('button', {
        type: 'button',
        onclick: async () => {
          error.textContent = '';
          simulate.disabled = true;
          result.textContent = `Simulating ${defaults.trials} trials of this design…`;
          try {
            const scenario = c.scenario();
            const oc =
                await post('/trial-designs/simulate', {protocol: c.protocol(), scenario, trials: defaults.trials});
            mount(result, h('h3', 'What this design can tell'), allowsList(oc.allows), characteristics(oc, scenario));
          } catch (err) {
            result.textContent = '';
            error.textContent = errorText(err);
          } finally {
            simulate.disabled = false;
          }
        },
      },
        'What can this design tell?');
  const save =
      h('button.primary', {
        type: 'button',
        disabled: orders.length ? null : true,
        onclick: async () => {
          error.textContent = '';
          save.disabled = true;
          try {
            const t =
                await post(`/patients/${id}/trials`, {prescription_id: Number(order.value), protocol: c.protocol()});
            say(`Trial designed on a stable dose of ${t.stable_dose.mg} mg: the pharmacy now makes one kit per pair.`,
                'ok');
            reload();
          } catch (err) {
            error.textContent = errorText(err);
            save.disabled = false;
          }
        },
      },
        'Save the design');
  return h(
      'section.card', {'aria-labelledby': 'td'}, h('h2', {id: 'td'}, 'Design a blinded trial'),
      h('p',
        'LDN against an identical placebo, in pairs of periods; within each pair the pharmacy draws the order at random and keeps it. Neither you nor the patient knows which capsules are which until the analysis.'),
      orders.length ?
          field(
              'Order (capsules at the stable dose)', order,
              'The pharmacy makes each pair\'s active and placebo packs for this order.') :
          h('p.error', {'data-no-order': ''},
            'No signed capsule order of this patient: prescribe capsules at the stable dose first (there is no placebo twin of the liquid).'),
      h('div.row', field('Pairs of periods', c.pairs, `Default ${p.pairs} (AHRQ 2014: at least 3).`),
        field('Weeks per period', c.weeks, `Default ${p.period_days / 7}: LDN takes weeks to act.`)),
      h('div.row',
        field(
            'Run-in days not analysed', c.runIn,
            `Default ${p.run_in_days}: the analytic washout at the start of each period.`),
        field('Primary outcome', c.outcome)),
      h('div.row', field('Smallest important difference (points)', c.mcid, `Default ${p.mcid} point(s).`),
        field('Model', c.model)),
      h('div.row', field('Continue LDN if P(better by that much) is at least', c.cont),
        field('Stop LDN if P(better at all) is below', c.stop)),
      h('details', h('summary', 'The patient the simulation assumes'),
        h('div.row', field('True benefit of LDN (points)', c.effect), field('Day-to-day SD', c.sd)),
        h('div.row', field('Autocorrelation of days', c.rho), field('Placebo response (points)', c.placebo)),
        field('Missing diary days (%)', c.missing)),
      h('div.actions', simulate, save), error, result,
      whereFrom(source(
          'Design: AHRQ, Design and Implementation of N-of-1 Trials: A User\'s Guide (Kravitz & Duan, 2014); reporting: CENT 2015 (Vohra et al., BMJ 2015;350:h1738). Models: TrialistNof1 and nof1ins, computed exactly (docs/nof1.md).')));
}

function protocolTable(t) {
  const p = t.protocol;
  const rows = [
    ['Pairs of periods', String(p.pairs)],
    ['Period', `${p.period_days} days`],
    ['Run-in not analysed', `${p.run_in_days} days`],
    [
      'Primary outcome',
      `${p.primary_outcome} (${p.higher_is_better[p.primary_outcome] ? 'higher' : 'lower'} is better)`
    ],
    ['Secondary outcomes', p.secondary_outcomes.join(', ') || 'none'],
    ['Smallest important difference', `${p.mcid} point(s)`],
    [
      'Decision rule',
      `continue if P(LDN better by ≥ ${p.mcid}) ≥ ${p.decision_rule.continue_probability}; stop if P(LDN better) < ${
          p.decision_rule.stop_probability}; otherwise uncertain`
    ],
    ['Model', p.model],
  ];
  return h('dl.facts.stacked', {'data-protocol': ''}, rows.map(([k, v]) => [h('dt', k), h('dd', v)]));
}

function pairsTable(t) {
  return stackTable(
      'Kits by pair', ['Pair', 'Kit', 'Dispensed'],
      t.pairs.map((p) => ({
                    attrs: {'data-pair': String(p.pair)},
                    cells: [
                      String(p.pair), p.kit_code || 'waiting for the pharmacy',
                      p.kit_code ? (p.dispensed ? 'yes' : 'not yet') : '–'
                    ],
                  })));
}

function scheduleTable(t) {
  return stackTable(
      'Schedule', ['Period', 'Pack', 'From', 'Analysed from', 'To'],
      t.schedule.map((s) => ({
                       attrs: {'data-period': String(s.period)},
                       cells: [
                         `${s.period} (pair ${s.pair})`, s.pack_code || '–', formatLongDate(s.first_day),
                         formatLongDate(s.analysed_from), formatLongDate(s.last_day)
                       ],
                     })));
}

function designedCard(id, t, today, reload) {
  const error = h('p.error', {role: 'alert'});
  const start = h('input', {id: uid('start'), type: 'date', min: today, value: today, required: true});
  const reason = h('textarea', {id: uid('why'), rows: 2});
  return h(
      'section.card', {'data-trial': String(t.id), 'data-status': t.status},
      h('h2', `Trial #${t.id}: designed, not started`), protocolTable(t), allowsList(t.allows), pairsTable(t),
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          try {
            const s = await post(`/patients/${id}/trials/${t.id}/start`, {start_date: start.value});
            say(`Trial started on ${formatLongDate(s.start_date)}: the protocol is frozen.`, 'ok');
            reload();
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
        h('h3', 'Start'),
        h('p',
          t.kits_complete ? 'Every pair has its kit. Starting freezes the protocol: it cannot change afterwards.' :
                            'The trial starts when the pharmacy has given every pair its kit.'),
        field('First day of period 1 (the patient\'s calendar)', start), error,
        h('button.primary', {type: 'submit'}, 'Start the trial')),
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          try {
            await post(`/patients/${id}/trials/${t.id}/cancel`, {reason: reason.value.trim()});
            say('The design was cancelled.', 'ok');
            reload();
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
        h('h3', 'Cancel the design'), field('Why', reason), h('button', {type: 'submit'}, 'Cancel the design')));
}

// Which pack held naltrexone, once the blind is lifted (the end, or an emergency for the care team).
function linkList(t) {
  return h(
      'ul', {'data-link': ''},
      t.pairs.map(
          (p) =>
              h('li',
                `Pair ${p.pair}, kit ${p.kit_code}: pack ${p.active_pack} held naltrexone (order ${p.order}: ${
                    p.order === 'AB' ? 'placebo first' : 'LDN first'})`)));
}

function startedCard(id, t, today, reload) {
  const error = h('p.error', {role: 'alert'});
  const over = today > t.end_date;
  const reason = h('textarea', {id: uid('stop'), rows: 2, required: true});
  const end = async (body) => {
    error.textContent = '';
    try {
      await post(`/patients/${id}/trials/${t.id}/end`, body);
      say('The trial has ended: the blind is lifted and the answer is below.', 'ok');
      reload();
    } catch (err) {
      error.textContent = errorText(err);
    }
  };
  const password = h('input', {id: uid('pw'), type: 'password', autocomplete: 'current-password', required: true});
  const why = h('textarea', {id: uid('ub'), rows: 2, required: true});
  const unblindError = h('p.error', {role: 'alert'});
  return h(
      'section.card', {'data-trial': String(t.id), 'data-status': t.status},
      h('h2', `Trial #${t.id}: running, ${formatLongDate(t.start_date)} to ${formatLongDate(t.end_date)}`),
      h('p',
        'The patient takes the pack of each period from its first day and keeps the diary as usual; which pack holds naltrexone stays with the pharmacy.'),
      t.emergency_unblinding ?
          h('div', {'data-emergency': ''},
            h('p.error',
              `Unblinded in an emergency on ${formatInstant(t.unblinded_at)}: ${
                  t.unblind_reason}. The patient stays blind unless you tell them; the report will say so.`),
            linkList(t)) :
          null,
      scheduleTable(t), protocolTable(t),
      h('p.small', {'data-sha': t.protocol_sha256},
        `Protocol frozen on ${formatInstant(t.started_at)}; SHA-256 ${t.protocol_sha256} (in the audit trail).`),
      over ?
          h('div', {'data-end': 'due'}, h('h3', 'The last period is over'),
            h('p', 'Ending the trial lifts the blind and analyses the diary by the frozen protocol.'), error,
            h('button.primary', {type: 'button', onclick: () => end({})}, 'End the trial and see the answer')) :
          h('form', {
            'data-end': 'early',
            onsubmit: (e) => {
              e.preventDefault();
              end({reason: reason.value.trim()});
            },
          },
            h('h3', 'Stop early'),
            h('p',
              `The trial runs until ${
                  formatLongDate(
                      t.end_date)}. Stopping now lifts the blind and analyses the days so far; the report says it stopped early and why.`),
            field('Why it stops early', reason), error, h('button', {type: 'submit'}, 'Stop the trial early')),
      t.emergency_unblinding ?
          null :
          h('details', {'data-unblind': ''}, h('summary', 'Emergency unblinding'),
            h('form', {
              onsubmit: async (e) => {
                e.preventDefault();
                unblindError.textContent = '';
                try {
                  await post(
                      `/patients/${id}/trials/${t.id}/unblind`, {password: password.value, reason: why.value.trim()});
                  say('The blind is broken for the care team; this is recorded.', 'ok');
                  reload();
                } catch (err) {
                  unblindError.textContent = errorText(err);
                }
              },
            },
              h('p',
                'Only when knowing whether the patient takes naltrexone changes what you do now (a serious adverse event, an operation needing opioids). The patient stays blind; the trial goes on, marked.'),
              field('Why the blind must be broken', why), field('Your password', password), unblindError,
              h('button', {type: 'submit'}, 'Break the blind'))));
}

const num = (x, d = 2) => (x === null || x === undefined ? '–' : Number(x).toFixed(d));

// The answer of an ended trial (GET P/trials/{id}/analysis).
function endedCard(t) {
  const a = t.analysis;
  const primary = a.primary;
  const r = primary.analysis;
  const direction = primary.higher_is_better ? 'higher is better' : 'lower is better';
  const answers = new Map((t.answers || []).map((x) => [x.period, x]));
  const periods = r ? new Map(r.periods.map((p) => [p.period, p])) : new Map();
  const guessText = {ldn: 'LDN', placebo: 'placebo', dont_know: 'don\'t know'};
  const outcomeRow = (o) => {
    const x = o.analysis;
    return {
      attrs: {'data-outcome': o.outcome},
      cells: x ?
          [
            `${o.outcome} (${o.higher_is_better ? 'higher' : 'lower'} is better)`, num(x.diff.mean),
            `${num(x.diff.q025)} to ${num(x.diff.q975)}`, num(x.p_b_better), num(x.p_b_better_by_mcid)
          ] :
          [o.outcome, o.error, '–', '–', '–'],
    };
  };
  return h(
      'section.card', {'data-trial': String(t.id), 'data-status': t.status},
      h('h2', `Trial #${t.id}: ended ${formatInstant(t.ended_at)}`),
      h('p',
        `Ended: ${t.end_reason}. ${
            a.stopped_early ? `Stopped early: analysed up to ${formatLongDate(a.until)}.` : ''}`),
      r ? h('div', {'data-decision': r.decision},
            h('h3',
              `The pre-specified rule says: ${
                  r.decision === 'continue' ? 'continue LDN' :
                      r.decision === 'stop' ? 'stop LDN' :
                                              'uncertain'}`),
            h('p', r.decision_meaning),
            h('p',
              `LDN − placebo on ${primary.outcome} (${direction}): ${num(r.diff.mean)} points, 95% credible interval ${
                  num(r.diff.q025)} to ${num(r.diff.q975)}; P(LDN better) ${num(r.p_b_better)}, P(LDN better by ≥ ${
                  t.protocol.mcid}) ${num(r.p_b_better_by_mcid)}, P(placebo better by ≥ ${t.protocol.mcid}) ${
                  num(r.p_a_better_by_mcid)} (${r.model || t.protocol.model} model).`),
            r.mean_model ? h('p.small',
                             `Model 1 (mean, ignores autocorrelation) for comparison with published Trialist results: ${
                                 num(r.mean_model.diff.mean)} (${num(r.mean_model.diff.q025)} to ${
                                 num(r.mean_model.diff.q975)}).`) :
                           null,
            r.randomization_test ? h('p.small',
                                     `Exact randomization test: two-sided p = ${
                                         num(r.randomization_test.p_two_sided,
                                             3)} (the smallest possible with ${r.randomization_test.pairs} pair(s) is ${
                                         num(r.randomization_test.smallest_possible_p_two_sided, 3)}).`) :
                                   null) :
          h('p.error', {'data-decision': 'none'}, `No analysis of ${primary.outcome}: ${primary.error}`),
      h('div.actions', {'data-trial-documents': ''}, downloadLink({
          href: `/api/v1/patients/${t.patient_id}/trials/${t.id}/report.pdf`,
          file: `ldn-trial-${t.id}-report.pdf`,
          label: 'Trial report (PDF, CENT 2015)',
          what: 'report',
        }),
        downloadLink({
          href: `/api/v1/patients/${t.patient_id}/trials/${t.id}/letter.pdf`,
          file: `ldn-trial-${t.id}-letter.pdf`,
          label: 'Letter for the patient (PDF)',
          what: 'report',
        })),
      h('h3', 'The blind, lifted'), linkList(t),
      stackTable(
          'Periods', ['Period', 'Pack', 'Took', `Mean ${primary.outcome}`, 'Days rated', 'Patient\'s guess', 'PGIC'],
          a.arms.map((arm, i) => {
            const n = i + 1;
            const s = (t.schedule || [])[i] || {};
            const p = periods.get(n) || {};
            const ans = answers.get(n);
            return {
              attrs: {'data-period': String(n)},
              cells: [
                String(n), s.pack_code || '–', arm === 'ldn' ? 'LDN' : 'placebo', num(p.mean),
                p.rated === undefined ? '–' : String(p.rated), ans ? guessText[ans.guess] : '–',
                ans && ans.pgic ? String(ans.pgic) : '–'
              ],
            };
          })),
      stackTable(
          'All outcomes: LDN − placebo',
          ['Outcome', 'Difference', '95% interval', 'P(LDN better)', 'P(better by MCID)'],
          [outcomeRow(primary), ...a.secondary.map(outcomeRow)]),
      stackTable(
          'How each period went',
          ['Period', 'Took', 'Doses taken', 'Missed', 'Not recorded', 'Side-effect days', 'Severe', 'Rescue days'],
          a.conduct.map(
              (c) => ({
                attrs: {'data-conduct': String(c.period)},
                cells: [
                  String(c.period), c.arm === 'ldn' ? 'LDN' : 'placebo', `${c.doses_taken} of ${c.days}`,
                  String(c.doses_missed), String(c.doses_unrecorded),
                  `${c.side_effect_days}${
                      Object.keys(c.side_effects).length ? ` (${
                                                               Object.entries(c.side_effects)
                                                                   .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`)
                                                                   .join(', ')})` :
                                                           ''}`,
                  String(c.severe_side_effect_days), String(c.rescue_days)
                ],
              }))),
      h('h3', 'What this trial cannot show'),
      h('ul', {'data-limits': ''}, [...a.limits, ...(r ? r.notes || [] : [])].map((x) => h('li', x))),
      whereFrom(source(
          'Analysis: the frozen protocol\'s model (TrialistNof1 and nof1ins, computed exactly; docs/nof1.md), the exact randomization test (Edgington 1980), Bang\'s blinding index (2004); reporting: CENT 2015.')));
}

// #/patient/{id}/trial: the clinician's page of the patient's trial.
export async function trialPage(main, id) {
  const [patient, trials, orders, defaults] = await Promise.all([
    get(`/patients/${id}`), get(`/patients/${id}/trials`), get(`/patients/${id}/prescriptions`),
    get('/trial-designs/defaults'), loadItems()
  ]);
  const today = todayIn(patient.time_zone);
  setTitle(`Blinded trial: ${patient.display_name}`);
  const reload = () => trialPage(main, id);
  const open = trials.trials.find((t) => t.status === 'designed' || t.status === 'started');
  const capsules = orders.prescriptions.filter(
      (o) => o.signed && o.formulation && o.formulation.form === 'capsule' && o.status !== 'cancelled' &&
          o.status !== 'dispensed');
  const ended = trials.trials.find((t) => t.status === 'ended');
  const answer = ended ? await get(`/patients/${id}/trials/${ended.id}/analysis`) : null;
  const past = trials.trials.filter((t) => t !== open && t !== ended);
  mount(
      main, h('h1', `Blinded trial: ${patient.display_name}`),
      h('div.actions', h('a.button', {href: `#/patient/${id}/chart`}, 'Chart'),
        h('a.button', {href: `#/patient/${id}`}, 'Patient page')),
      !open                          ? null :
          open.status === 'designed' ? designedCard(id, open, today, reload) :
                                       startedCard(id, open, today, reload),
      answer ? endedCard(answer) : null, !open ? designForm(id, capsules, defaults, reload) : null,
      past.length ? h('section.card', h('h2', 'Earlier trials'),
                      h('ul',
                        past.map(
                            (t) =>
                                h('li',
                                  `#${t.id}: ${t.status}${t.end_reason ? ` (${t.end_reason})` : ''}, designed ${
                                      formatInstant(t.designed_at)}`)))) :
                                                                         null);
}

// #/trials: the pharmacy's trials; each pair gets a kit made for the trial's order.
export async function pharmacyTrials(main) {
  setTitle('Trials');
  const [data, kits] = await Promise.all([get('/pharmacy/trials'), get('/kits')]);
  const used = new Set(data.trials.flatMap((t) => t.pairs.filter((p) => p.kit_id).map((p) => p.kit_id)));
  const cards = data.trials.map((t) => {
    const free = kits.kits.filter((k) => k.prescription_id === t.prescription_id && !used.has(k.id));
    const error = h('p.error', {role: 'alert'});
    const rows = t.pairs.map((p) => {
      if (p.kit_code) {
        return {
          attrs: {'data-pair': String(p.pair)},
          cells: [
            String(p.pair), h('a', {href: `#/kits/${p.kit_id}`}, p.kit_code), `pack ${p.active_pack} (order ${p.order})`
          ]
        };
      }
      const choice =
          h('select', {id: uid('kit'), 'aria-label': `Kit for pair ${p.pair}`},
            free.map((k) => h('option', {value: String(k.id)}, k.kit_code)));
      const give =
          h('button', {
            type: 'button',
            disabled: free.length && t.status === 'designed' ? null : true,
            onclick: async () => {
              error.textContent = '';
              try {
                await post(`/pharmacy/trials/${t.id}/kits`, {pair: p.pair, kit_id: Number(choice.value)});
                say(`Pair ${p.pair} of trial #${t.id} has its kit.`, 'ok');
                pharmacyTrials(main);
              } catch (err) {
                error.textContent = errorText(err);
              }
            },
          },
            `Give pair ${p.pair} this kit`);
      return {
        attrs: {'data-pair': String(p.pair)},
        cells: [String(p.pair), free.length ? h('div.actions', choice, give) : 'no free kit of this order yet', '–']
      };
    });
    return h(
        'section.card', {'data-trial': String(t.id), 'data-status': t.status},
        h('h2', `Trial #${t.id}: ${t.patient.display_name}, order #${t.prescription_id} (${t.status})`),
        h('p',
          `${t.protocol.pairs} pair(s) of ${
              t.protocol
                  .period_days}-day periods. Pack A is taken in each pair's first period, pack B in its second: the kit's random pack letters are the pair's order.`),
        stackTable('Kits by pair', ['Pair', 'Kit', 'Holds naltrexone (pharmacy only)'], rows), error,
        t.start_date ? h('p', `Started ${formatLongDate(t.start_date)}.`) : null);
  });
  mount(
      main, h('h1', 'Blinded trials'),
      h('p.muted',
        'Trials of your pharmacy\'s orders. Make one kit per pair (an active batch and its placebo twin, from a released batch\'s page), then give each pair its kit here.'),
      cards.length ? cards : h('section.card', h('p', 'No trial of your pharmacy\'s orders.')));
}
