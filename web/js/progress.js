// Progress charts (uPlot): diary items over time with their 7-day means, the dose taken (steps, right
// axis) and the days a side effect was reported; then the response analysis of the API: for the
// patient "Is it working?" in plain words, and only once the plan's evaluation has opened; for the
// clinician every item's change with its interval and what it means (improvement or worsening).
import uPlot from '../vendor/uPlot.esm.js';

import {errorText, get} from './api.js';
import {session} from './app.js';
import {loadDiarySettings} from './diary_settings.js';
import {h, scrollAttrs, source, whereFrom} from './dom.js';
import {itemInfo, ITEMS, itemsSource, itemsSourcePlain, lifestyleFactors, loadItems} from './items.js';
import {addDays, chartTime, daysBetween, formatDate, formatLongDate, todayIn} from './time.js';

const COLORS = { pain: '#b3261e', fatigue: '#1f5fa8', sleep: '#6b4fa0', mood: '#2e7d32', anxiety: '#a35200',
  cognition: '#00696f', stiffness: '#7a5c00', sensitivity: '#8e3a73', stress: '#455a64' };
const MEAN_MIN_DAYS = 4;

let cssLoaded = false;
function loadCss() {
  if (cssLoaded) return;
  cssLoaded = true;
  document.head.append(h('link', { rel: 'stylesheet', href: 'vendor/uPlot.min.css' }));
}

// Mean of the days d-6..d with a value, when at least MEAN_MIN_DAYS of them have one.
export function sevenDayMeans(values) {
  return values.map((_, i) => {
    const win = values.slice(Math.max(0, i - 6), i + 1).filter((v) => v !== null && v !== undefined);
    return win.length >= MEAN_MIN_DAYS ? Math.round((win.reduce((a, b) => a + b, 0) / win.length) * 100) / 100 : null;
  });
}

// Calls draw() when `box` first gets a width and whenever it changes by more than 20 px.
export function drawWhenSized(box, draw) {
  let drawn = 0;
  const observer = new ResizeObserver(() => {
    const w = box.clientWidth;
    if (w > 0 && Math.abs(w - drawn) > 20) { drawn = w; draw(); }
  });
  observer.observe(box);
}

// The course's landmarks on the chart (issue 15, item 7): the baseline before LDN, the first dose
// and the evaluation window the analysis uses (its primary window); before the analysis can run,
// the day the evaluation opens (in the future: in words only). From the server's analysis and
// evaluation, never computed here. Marks wholly outside the chart are left out.
export function chartMarks(analysis, evaluation, from, to) {
  const a = analysis && !analysis.unavailable ? analysis : null;
  const ev = evaluation && !evaluation.unavailable ? evaluation : null;
  const inChart = (first, last) => first && last && last >= from && first <= to;
  const marks = [];
  if (a && a.baseline && inChart(a.baseline.first, a.baseline.last)) {
    marks.push({
      kind: 'baseline',
      first: a.baseline.first,
      last: a.baseline.last,
      text: `Before LDN (the baseline): ${formatDate(a.baseline.first)} to ${formatDate(a.baseline.last)}`,
      short: 'Before LDN'
    });
  }
  const start = (a && a.first_dose) || (ev && ev.first_dose);
  if (start && inChart(start, start)) {
    marks.push(
        {kind: 'start', first: start, last: start, text: `LDN started: ${formatDate(start)}`, short: 'LDN start'});
  }
  const primary = a ? (a.windows || []).find((w) => w.label === a.primary_window) : null;
  if (primary && inChart(primary.first, primary.last)) {
    marks.push({
      kind: 'window',
      first: primary.first,
      last: primary.last,
      text: `Compared with the baseline: ${formatDate(primary.first)} to ${formatDate(primary.last)}`,
      short: 'Compared'
    });
  } else if (ev && ev.opens_on && !ev.open) {
    // In the future, so after the chart's last day: said in words, not drawn.
    marks.push({
      kind: 'opens',
      first: ev.opens_on,
      last: ev.opens_on,
      text: `Your first evaluation: from ${formatDate(ev.opens_on)}`,
      short: 'Evaluation'
    });
  }
  return marks;
}

const MARK_FILL = {
  baseline: 'rgba(120, 120, 120, 0.16)',
  window: 'rgba(46, 125, 50, 0.18)'
};

// A uPlot plugin that shades the marks' days behind the series and draws the single-day marks as
// vertical lines, each with its short name at the top. The position of each mark, in CSS pixels of
// the canvas, goes to box.dataset.marks (the browser test reads the canvas there).
function marksPlugin(marks, ink, box) {
  const half = 12 * 3600;  // a day's band runs from midnight to midnight around its noon
  const xs = (u, date, edge) => u.valToPos(chartTime(date) + edge * half, 'x', true);
  let spans = [];  // the marks on the canvas at this draw, clipped to the plot: [{m, x0, x1}]
  return {
    hooks: {
      drawClear: [(u) => {
        const {left, top, width, height} = u.bbox;
        const ctx = u.ctx;
        spans =
            marks
                .map((m) => ({m, x0: Math.max(left, xs(u, m.first, -1)), x1: Math.min(left + width, xs(u, m.last, 1))}))
                .filter((s) => s.x1 > s.x0);
        ctx.save();
        for (const {m, x0, x1} of spans) {
          if (!MARK_FILL[m.kind]) continue;
          ctx.fillStyle = MARK_FILL[m.kind];
          ctx.fillRect(x0, top, x1 - x0, height);
        }
        ctx.restore();
        box.dataset.marks = JSON.stringify(spans.map(({m, x0, x1}) => ({
                                                       kind: m.kind,
                                                       x0: x0 / uPlot.pxRatio,
                                                       x1: x1 / uPlot.pxRatio,
                                                       y: (top + height / 2) / uPlot.pxRatio
                                                     })));
      }],
      draw: [(u) => {
        const {left, top, width, height} = u.bbox;
        const ctx = u.ctx;
        ctx.save();
        ctx.font = `${Math.round(11 * uPlot.pxRatio)}px sans-serif`;
        ctx.fillStyle = ink;
        ctx.strokeStyle = ink;
        ctx.textBaseline = 'top';
        for (const {m, x0, x1} of spans) {
          if (!MARK_FILL[m.kind]) {
            const x = Math.round(u.valToPos(chartTime(m.first), 'x', true));
            ctx.lineWidth = 2 * uPlot.pxRatio;
            ctx.setLineDash([]);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.fillText(
                m.short, Math.min(x + 4 * uPlot.pxRatio, left + width - ctx.measureText(m.short).width),
                top + 2 * uPlot.pxRatio);
          } else if (ctx.measureText(m.short).width < x1 - x0 - 4) {
            ctx.fillText(m.short, x0 + 3 * uPlot.pxRatio, top + height - 14 * uPlot.pxRatio);
          }
        }
        ctx.restore();
      }],
    },
  };
}

export async function progressPanel(patientId, tz, { days = 90 } = {}) {
  loadCss();
  const to = todayIn(tz);
  const from = addDays(to, -(days - 1));
  const [diary, doses, analysis, evaluation, settings] = await Promise.all([
    get(`/patients/${patientId}/diary?from=${from}&to=${to}`),
    get(`/patients/${patientId}/doses?from=${from}&to=${to}`),
    get(`/patients/${patientId}/analysis`).catch((err) => ({unavailable: errorText(err)})),
    get(`/patients/${patientId}/evaluation`).catch((err) => ({unavailable: errorText(err)})),
    loadDiarySettings(patientId).catch(() => null),
    loadItems(),
  ]);
  const dates = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  const byDate = new Map(diary.entries.map((e) => [e.date, e.items]));
  const doseBy = new Map();
  for (const d of doses.doses) doseBy.set(d.date, d.taken ? d.dose_mg : 0);  // the last entry of a day counts
  let lastDose = null;
  const doseSeries = dates.map((d) => {
    if (doseBy.has(d)) lastDose = doseBy.get(d) || lastDose;
    return doseBy.has(d) ? lastDose : null;
  });
  const sideSeries = dates.map((d) => ((byDate.get(d) || {}).side_effects || []).length ? 10 : null);

  const selected = new Set(['pain', 'fatigue', 'sleep']);
  const marks = chartMarks(analysis, evaluation, from, to);
  const chartBox = h('div.chart', { role: 'img', 'aria-label': 'Chart of your diary items over time' });
  // The marks in words, for everyone (and for screen readers, which cannot see the chart).
  const markList = marks.length ?
      h('ul.chart-marks',
        marks.map((m) => h('li', {'data-mark': m.kind}, h('span.mark-key', {'aria-hidden': 'true'}), m.text))) :
      null;
  const summary = h('div');
  const toggles = h('div.chips', { role: 'group', 'aria-label': 'Items shown in the chart' });
  let plot = null;

  function values(key) { return dates.map((d) => { const v = (byDate.get(d) || {})[key]; return v === undefined ? null : v; }); }

  function draw() {
    if (plot) plot.destroy();
    const keys = ITEMS.filter((k) => selected.has(k));
    const x = dates.map(chartTime);
    const data = [x];
    const series = [{}];
    for (const k of keys) {
      const v = values(k);
      const label = (itemInfo(k) || { label: k }).label;
      data.push(v);
      series.push({ label: `${label} (day)`, scale: 'y', stroke: COLORS[k], width: 0, paths: () => null,
        points: { show: true, size: 5, stroke: COLORS[k], fill: COLORS[k] } });
      data.push(sevenDayMeans(v));
      series.push({ label: `${label} (7-day mean)`, scale: 'y', stroke: COLORS[k], width: 3, spanGaps: false, points: { show: false } });
    }
    // The theme's colours (app.css: light or dark) for the axes, the grid and the dose line.
    const css = getComputedStyle(document.documentElement);
    const ink = css.getPropertyValue('--text').trim() || '#333';
    const muted = css.getPropertyValue('--muted').trim() || '#5f6368';
    const gridLine = css.getPropertyValue('--line').trim() || '#e4e4e4';
    data.push(doseSeries);
    series.push({
      label: 'Dose taken (mg)',
      scale: 'mg',
      stroke: muted,
      width: 2,
      dash: [6, 4],
      paths: uPlot.paths.stepped({align: 1}),
      points: {show: false},
      spanGaps: true
    });
    data.push(sideSeries);
    series.push({
      label: 'Side effect reported',
      scale: 'y',
      stroke: '#c2185b',
      width: 0,
      paths: () => null,
      points:
          {show: true, size: 10, stroke: '#c2185b', fill: css.getPropertyValue('--card').trim() || '#ffffff', width: 2}
    });
    const maxDose = Math.max(1, ...doseSeries.filter((v) => v !== null));
    const width = Math.max(300, Math.min(chartBox.clientWidth || 320, 1100));
    plot = new uPlot(
        {
          width,
          height: width < 500 ? 260 : 340,
          scales: {x: {time: true}, y: {range: [0, 10.5]}, mg: {range: [0, Math.ceil(maxDose * 1.25)]}},
          axes: [
            {stroke: ink, grid: {stroke: gridLine}},
            {scale: 'y', label: '0-10', stroke: ink, grid: {stroke: gridLine}, size: 40},
            {scale: 'mg', side: 1, label: 'mg', stroke: muted, grid: {show: false}, size: 40},
          ],
          series,
          legend: {live: false},
          plugins: [marksPlugin(marks, ink, chartBox)],
        },
        data, chartBox);
    const last = (arr) => { for (let i = arr.length - 1; i >= 0; i -= 1) if (arr[i] !== null) return [dates[i], arr[i]]; return null; };
    summary.replaceChildren(h('ul.plain', keys.map((k) => {
      const m = last(sevenDayMeans(values(k)));
      const info = itemInfo(k) || { label: k, higher_is: 'worse' };
      return h('li', m ? `${info.label}: 7-day mean ${m[1]} on ${formatDate(m[0])} (higher is ${info.higher_is}).`
        : `${info.label}: not enough entries for a 7-day mean yet.`);
    })));
  }

  function renderToggles() {
    toggles.replaceChildren(...ITEMS.map((k) => h('button.chip', {
      type: 'button', 'aria-pressed': selected.has(k) ? 'true' : 'false',
      onclick: () => { if (selected.has(k)) selected.delete(k); else selected.add(k); renderToggles(); draw(); },
    }, (itemInfo(k) || { label: k }).label)));
  }
  renderToggles();

  const recent = dates.slice(-14).reverse();
  // The lifestyle factors the patient logged in these days (hours of sleep, activity, relaxation):
  // shown beside the ratings, never part of the analysis.
  const life =
      lifestyleFactors().filter((f) => recent.some((d) => ((byDate.get(d) || {}).lifestyle || {})[f.id] !== undefined));
  const lifeCell = (f, v) => (v === undefined ? '–' : (f.kind === 'yes_no' ? (v ? 'yes' : 'no') : String(v)));
  // The patient's own items (diary settings "custom", retired ones too) with a value in these days,
  // in the order they were added; a key the settings do not name (not readable) by its key.
  const customDefs = (settings && settings.custom) || [];
  const customKeys = [...new Set(recent.flatMap((d) => Object.keys((byDate.get(d) || {}).custom || {})))];
  const own = [
    ...customDefs.filter((c) => customKeys.includes(c.key)),
    ...customKeys.filter((k) => !customDefs.some((c) => c.key === k)).map((k) => ({key: k, label: k, kind: null}))
  ];
  const ownCell = (v) => (v === undefined ? '–' : v === true ? 'yes' : v === false ? 'no' : String(v));
  // Cards on a phone, a day each (table.stack.compact, app.css); a table on wider screens.
  const columns = [
    ...ITEMS.map((k) => (itemInfo(k) || {label: k}).label), 'Dose',
    ...life.map((f) => (f.kind === 'yes_no' ? f.label : `${f.label} (${f.unit})`)),
    ...own.map((c) => (c.kind === 'number' && c.unit ? `${c.label} (${c.unit})` : c.label))
  ];
  const table =
      h('details.card', h('summary', 'The last 14 days as a table'),
        h('div.tablewrap', scrollAttrs(),
          h('table.stack.compact', h('caption.sr', 'Diary, last 14 days'),
            h('thead', h('tr', h('th', {scope: 'col'}, 'Day'), columns.map((c) => h('th', {scope: 'col'}, c)))),
            h('tbody', recent.map((d) => {
              const e = byDate.get(d) || {};
              const cells = [
                ...ITEMS.map((k) => e[k] ?? '–'), doseBy.has(d) ? `${doseBy.get(d)} mg` : '–',
                ...life.map((f) => lifeCell(f, (e.lifestyle || {})[f.id])),
                ...own.map((c) => ownCell((e.custom || {})[c.key]))
              ];
              return h(
                  'tr', h('th', {scope: 'row'}, formatDate(d)),
                  cells.map((c, n) => h('td', {'data-label': columns[n]}, String(c))));
            })))));

  const section = h(
      'div',
      h('section.card', {'aria-labelledby': 'chart-h'}, h('h2', {id: 'chart-h'}, `The last ${days} days`), toggles,
        chartBox, markList, summary,
        h('p.small',
          `Dots are single days, thick lines the mean of the last 7 days (shown when at least ${
              MEAN_MIN_DAYS} of them have an entry), the dashed step line the dose taken (right axis), circles at the top the days a side effect was reported.`),
        whereFrom(
            'Your diary and your dose log. The words at the two ends of each scale are the ones the diary shows.')),
      table,
      session.me && session.me.role === 'clinician' ? clinicianAnalysisCard(analysis, evaluation) :
                                                      analysisCard(analysis, evaluation));
  // Drawn once the section is in the page and has a width, and again when the width changes.
  drawWhenSized(chartBox, draw);
  return section;
}


function primaryWindow(a) {
  return (a.windows || []).find((w) => w.label === a.primary_window) || null;
}

function windowName(label) {
  if (!label) return 'the evaluation window';
  return label.startsWith('week_') ? `week ${label.slice(5)}` : `stable-dose window ${label.replace('stable_', '')}`;
}

// The patient's "Is it working?": nothing but the date before the plan's evaluation opens; from
// then every item with its interval in plain words (the server's `plain` sentences, judged with
// the interval and the item's direction), one sentence on what an open comparison cannot show,
// and the sources behind a disclosure.
export function analysisCard(a, ev = {}) {
  const title = h('h2', { id: 'an-h' }, 'Is it working?');
  const card = (...children) => h('section.card.verdict-card', { 'aria-labelledby': 'an-h' }, title, ...children);
  const opens = ev && !ev.unavailable ? ev.opens_on : a && a.evaluation && a.evaluation.opens_on;
  const open = ev && !ev.unavailable ? ev.open : a && a.evaluation && a.evaluation.open;
  if (!opens) {
    return card(
        h('p', 'There is nothing to evaluate yet', ev && ev.unavailable ? `: ${ev.unavailable}` : '.'),
        whereFrom(h(
            'p.small',
            'The evaluation compares your diary on LDN with your diary before LDN, from the first dose of your treatment course.')));
  }
  const weeks = ev && ev.first_dose ? Math.round(daysBetween(ev.first_dose, opens) / 7) : null;
  if (!open) {
    return card(
        h('p.big', {'data-evaluation': 'closed'}, `Evaluation opens on ${formatLongDate(opens)}`),
        h('p',
          `That is ${weeks ? `${weeks} weeks` : 'some weeks'} after your first dose${
              ev && ev.first_dose ?
                  ` (${formatLongDate(ev.first_dose)}${ev.first_dose_taken ? '' : ', as planned'})` :
                  ''}. Until then, keep filling in your diary every day: each day makes the comparison with your weeks before LDN more reliable.`),
        h('p',
          'Before that date no verdict is shown: early weeks mostly reflect finding your dose and the normal ups and downs of fibromyalgia.'),
        whereFrom(h(
            'p.small',
            `The first evaluation window is ${
                windowName(
                    ev &&
                    ev.window)} after the first dose (the 14 days before it opens); the LDN trials judged response at 8 to 12 weeks (Younger et al., Arthritis Rheum 2013;65:529; FINAL, Bruun et al., Lancet Rheumatol 2024).`)));
  }
  if (!a || a.unavailable) {
    return card(
        h('p', {'data-evaluation': 'open'}, 'The comparison cannot be made yet',
          a && a.unavailable ? `: ${a.unavailable}` : '.'),
        whereFrom(h(
            'p.small',
            'It needs at least 7 days with a pain rating in the 14 days before the first dose, and 7 in the evaluation window.')));
  }
  const w = primaryWindow(a);
  if (!w || w.kind !== 'fixed_week') {
    return card(
        h('p', {'data-evaluation': 'open'},
          'Not enough diary days in the evaluation window yet to compare with before LDN. Keep your diary going.'),
        whereFrom(h('p.small', 'The comparison needs 7 days with ratings in the 14-day evaluation window.')));
  }
  const span = `days ${w.first_day}-${w.first_day + 13} after your first dose (${formatDate(w.first)} to ${formatDate(w.last)})`;
  return card(
      h('p', {'data-evaluation': 'open'},
        `Your ${windowName(w.label)}, ${span}, compared with the 14 days before LDN:`),
      h('ul.items-plain',
        w.items.map(
            (i) =>
                h('li', {'data-item': i.item, 'data-change-is': i.change_is || 'none'},
                  i.plain || `${i.label}: not enough days with this rating to compare.`))),
      h('p', a.verdict && a.verdict.caveat),
      whereFrom(
          h('p.small',
            '"Somewhere between" is a 95% interval that allows for good and bad spells lasting several days. "Better" or "worse" is said only when the whole interval lies on one side of no change; otherwise "no clear change".'),
          h('p.small', `Scales: ${itemsSourcePlain()}; every item runs 0 = best, 10 = worst.`),
          h('ul.small', ((a.verdict && a.verdict.limits) || []).map((l) => h('li', l))),
          a.method ? h('p.small', `Method: ${a.method.description}.`) : null));
}

const CHANGE_TEXT = { improvement: 'improvement', worsening: 'worsening', none: 'no clear change' };

function fixed(x, d = 1) { return x === null || x === undefined ? '–' : (Math.round(x * 10 ** d) / 10 ** d).toFixed(d); }
function signed(x) { return x === null || x === undefined ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${fixed(Math.abs(x))}`; }

// The clinician's card: every item of the primary window with its direction, change, interval and
// what the change is for the patient (the analysis' change_is), the evaluation date, dose
// deviations and the limits.
export function clinicianAnalysisCard(a, ev = {}) {
  const title = h('h2', { id: 'an-h' }, 'Is it working?');
  const evText = ev && !ev.unavailable
    ? h('p', `Evaluation ${ev.open ? 'opened' : 'opens'} on ${formatLongDate(ev.opens_on)} (${windowName(ev.window)} after the first dose${ev.first_dose_taken ? '' : ', planned'}); the patient sees no verdict before it.`)
    : null;
  if (!a || a.unavailable) {
    return h('section.card', { 'aria-labelledby': 'an-h' }, title, evText,
      h('p', 'No analysis yet', a && a.unavailable ? `: ${a.unavailable}` : '.'),
      source('response analysis of ldn (docs/analysis.md): it needs at least 7 baseline days with pain before the first dose.'));
  }
  const w = primaryWindow(a);
  const deviations = a.dose_deviations || [];
  return h('section.card', { 'aria-labelledby': 'an-h' }, title, evText,
    h('p', a.verdict.summary),
    w ? h('div.tablewrap', scrollAttrs('Items'), h('table.items-table.stack',
      h('caption', `Every item, ${windowName(w.label)} (${formatDate(w.first)} to ${formatDate(w.last)}) against the baseline`),
      h('thead', h('tr', ['Item', 'Change is', 'Change', '95% interval', 'Baseline', 'Window', 'Higher is'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', w.items.map((i) => h('tr', { 'data-item': i.item },
        h('th', { scope: 'row' }, i.label),
        h('td', { class: `change-${i.change_is || 'none'}`, 'data-label': 'Change is', 'data-change-is': i.change_is || 'none' }, CHANGE_TEXT[i.change_is] || '–'),
        h('td', { 'data-label': 'Change' }, signed(i.change)),
        h('td', { 'data-label': '95% interval' }, i.interval ? `${signed(i.interval.lower)} to ${signed(i.interval.upper)}` : '–'),
        h('td', { 'data-label': 'Baseline' }, fixed(i.baseline_mean)),
        h('td', { 'data-label': 'Window' }, fixed(i.window_mean)),
        h('td', { 'data-label': 'Higher is', 'data-higher-is': i.higher_is }, i.higher_is))))))
      : h('p', 'No evaluation window with enough data yet.'),
    deviations.length ? h('div', h('h3', 'Doses taken differently from the plan'),
      h('ul', deviations.map((d) => h('li', `${formatDate(d.date)} (day ${d.day}): planned ${d.planned_mg} mg, taken ${d.taken_mg} mg`))),
      h('p.small', 'The analysis uses the doses as taken.')) : null,
    h('h3', 'What this cannot tell'),
    h('ul', (a.verdict.limits || []).map((l) => h('li', l))),
    source(`ldn's response analysis (docs/analysis.md): ${a.method ? a.method.description : ''}. Change is "improvement" or "worsening" only when the 95% interval excludes no change, read with each item's direction from ${itemsSource()}. Responder levels: Dworkin et al., J Pain 2008;9:105 (IMMPACT).`));
}
