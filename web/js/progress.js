// Progress charts (uPlot): diary items over time with their 7-day means, the dose taken (steps, right
// axis) and the days a side effect was reported; then the response analysis of the API.
import uPlot from '../vendor/uPlot.esm.js';
import { h, source } from './dom.js';
import { scrollAttrs } from './dom.js';
import { get } from './api.js';
import { addDays, chartTime, formatDate, todayIn } from './time.js';
import { ITEMS, itemInfo } from './patient.js';

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

export async function progressPanel(patientId, tz, { days = 90 } = {}) {
  loadCss();
  const to = todayIn(tz);
  const from = addDays(to, -(days - 1));
  const [diary, doses, analysis] = await Promise.all([
    get(`/patients/${patientId}/diary?from=${from}&to=${to}`),
    get(`/patients/${patientId}/doses?from=${from}&to=${to}`),
    get(`/patients/${patientId}/analysis`).catch((err) => ({ unavailable: err.message })),
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
  const chartBox = h('div.chart', { role: 'img', 'aria-label': 'Chart of your diary items over time' });
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
    data.push(doseSeries);
    series.push({ label: 'Dose taken (mg)', scale: 'mg', stroke: '#5f6368', width: 2, dash: [6, 4],
      paths: uPlot.paths.stepped({ align: 1 }), points: { show: false }, spanGaps: true });
    data.push(sideSeries);
    series.push({ label: 'Side effect reported', scale: 'y', stroke: '#c2185b', width: 0, paths: () => null,
      points: { show: true, size: 10, stroke: '#c2185b', fill: '#ffffff', width: 2 } });
    const maxDose = Math.max(1, ...doseSeries.filter((v) => v !== null));
    const width = Math.max(300, Math.min(chartBox.clientWidth || 320, 1100));
    plot = new uPlot({
      width, height: width < 500 ? 260 : 340,
      scales: { x: { time: true }, y: { range: [0, 10.5] }, mg: { range: [0, Math.ceil(maxDose * 1.25)] } },
      axes: [
        { stroke: '#333', grid: { stroke: '#e4e4e4' } },
        { scale: 'y', label: '0-10', stroke: '#333', grid: { stroke: '#e4e4e4' }, size: 40 },
        { scale: 'mg', side: 1, label: 'mg', stroke: '#5f6368', grid: { show: false }, size: 40 },
      ],
      series,
      legend: { live: false },
    }, data, chartBox);
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
  const table = h('details.card', h('summary', 'The last 14 days as a table'),
    h('div.tablewrap', scrollAttrs(), h('table', h('caption.sr', 'Diary, last 14 days'),
      h('thead', h('tr', h('th', { scope: 'col' }, 'Day'), ITEMS.map((k) => h('th', { scope: 'col' }, (itemInfo(k) || { label: k }).label)), h('th', { scope: 'col' }, 'Dose'))),
      h('tbody', recent.map((d) => {
        const e = byDate.get(d) || {};
        return h('tr', h('th', { scope: 'row' }, formatDate(d)), ITEMS.map((k) => h('td', e[k] ?? '–')), h('td', doseBy.has(d) ? `${doseBy.get(d)} mg` : '–'));
      })))));

  const section = h('div',
    h('section.card', { 'aria-labelledby': 'chart-h' },
      h('h2', { id: 'chart-h' }, `The last ${days} days`),
      toggles, chartBox, summary,
      source(`your diary and dose log. Dots are single days, thick lines the mean of the last 7 days (shown when at least ${MEAN_MIN_DAYS} of them have an entry), the dashed step line the dose taken (right axis), circles at the top the days a side effect was reported. Item anchors: data/diary_items.json.`)),
    table,
    analysisCard(analysis));
  // Drawn once the section is in the page and has a width, and again when the width changes.
  drawWhenSized(chartBox, draw);
  return section;
}

function pct(x) { return `${x > 0 ? '+' : ''}${Math.round(x * 10) / 10}%`; }

export function analysisCard(a) {
  if (!a || a.unavailable) {
    return h('section.card', h('h2', 'Is it working?'),
      h('p', 'Not enough data for an analysis yet', a && a.unavailable ? `: ${a.unavailable}` : '.'),
      source('response analysis of ldn (docs/analysis.md): it needs at least 7 baseline days with pain before the first dose.'));
  }
  const limits = (a.verdict && a.verdict.limits) || [];
  return h('section.card', { 'aria-labelledby': 'an-h' },
    h('h2', { id: 'an-h' }, 'Is it working?'),
    h('p.big', `Pain ${pct(a.pain_change_pct)} compared with before LDN`),
    h('p', `Response class: ${a.responder_class || 'none'} (IMMPACT: 30% or more is a moderate, 50% or more a substantial improvement).`),
    a.time_to_response_days !== null && a.time_to_response_days !== undefined ? h('p', `A 30% improvement was first reached after ${a.time_to_response_days} days.`) : null,
    h('h3', 'What this cannot tell'),
    h('ul', limits.map((l) => h('li', l))),
    source(`ldn's response analysis (docs/analysis.md): ${a.method ? a.method.description : ''}; responder levels from Dworkin et al., J Pain 2008;9:105 (IMMPACT).`));
}
