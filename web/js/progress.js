// Progress charts (uPlot): diary items over time with their 7-day means, the dose taken (steps, right
// axis) and the days a side effect was reported; then the response analysis of the API: for the
// patient "Is it working?" in plain words, and only once the plan's evaluation has opened; for the
// clinician every item's change with its interval and what it means (improvement or worsening).
import uPlot from '../vendor/uPlot.esm.js';

import {errorText, get} from './api.js';
import {session} from './app.js';
import {mg} from './clinical.js';
import {loadDiarySettings} from './diary_settings.js';
import {h, scrollAttrs, source, whereFrom} from './dom.js';
import {formatNumber, N_, pick, serverText, t} from './i18n.js';
import {itemInfo, ITEMS, itemsSource, itemsSourcePlain, lifestyleFactors, loadItems} from './items.js';
import {addDays, chartTime, daysBetween, formatDate, formatLongDate, todayIn} from './time.js';

const COLORS = { pain: '#b3261e', fatigue: '#1f5fa8', sleep: '#6b4fa0', mood: '#2e7d32', anxiety: '#a35200',
  cognition: '#00696f', stiffness: '#7a5c00', sensitivity: '#8e3a73', stress: '#455a64' };
const MEAN_MIN_DAYS = 4;

// An item's name in the current language (data/diary_items.json carries the translations).
function itemLabel(key) { return pick(itemInfo(key) || {label: key}, 'label'); }

// The name of an item of the server's analysis: its own label (English, from the same data)
// unless the diary's items carry a translation of it.
function analysisLabel(i) {
  const info = itemInfo(i.item);
  return info && pick(info, 'label') !== info.label ? pick(info, 'label') : i.label;
}

// A chart's x value (seconds of a date's UTC noon, time.js chartTime) as a short date by the locale.
function chartDay(seconds) {
  return formatDate(new Date(seconds * 1000).toISOString().slice(0, 10), {day: 'numeric', month: 'short'});
}

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
      text:
          t('Before LDN (the baseline): {from} to {to}',
            {from: formatDate(a.baseline.first), to: formatDate(a.baseline.last)}),
      short: t('Before LDN')
    });
  }
  const start = (a && a.first_dose) || (ev && ev.first_dose);
  if (start && inChart(start, start)) {
    marks.push({
      kind: 'start',
      first: start,
      last: start,
      text: t('LDN started: {date}', {date: formatDate(start)}),
      short: t('LDN start')
    });
  }
  const primary = a ? (a.windows || []).find((w) => w.label === a.primary_window) : null;
  if (primary && inChart(primary.first, primary.last)) {
    marks.push({
      kind: 'window',
      first: primary.first,
      last: primary.last,
      text:
          t('Compared with the baseline: {from} to {to}',
            {from: formatDate(primary.first), to: formatDate(primary.last)}),
      short: t('Compared')
    });
  } else if (ev && ev.opens_on && !ev.open) {
    // In the future, so after the chart's last day: said in words, not drawn.
    marks.push({
      kind: 'opens',
      first: ev.opens_on,
      last: ev.opens_on,
      text: t('Your first evaluation: from {date}', {date: formatDate(ev.opens_on)}),
      short: t('Evaluation')
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
  const chartBox = h('div.chart', {role: 'img', 'aria-label': t('Chart of your diary items over time')});
  // The marks in words, for everyone (and for screen readers, which cannot see the chart).
  const markList = marks.length ?
      h('ul.chart-marks',
        marks.map((m) => h('li', {'data-mark': m.kind}, h('span.mark-key', {'aria-hidden': 'true'}), m.text))) :
      null;
  const summary = h('div');
  const toggles = h('div.chips', {role: 'group', 'aria-label': t('Items shown in the chart')});
  let plot = null;

  function values(key) { return dates.map((d) => { const v = (byDate.get(d) || {})[key]; return v === undefined ? null : v; }); }

  function draw() {
    if (plot) plot.destroy();
    const keys = ITEMS.filter((k) => selected.has(k));
    const x = dates.map(chartTime);
    const data = [x];
    const series = [{value: (u, v) => (v === null || v === undefined ? '–' : chartDay(v))}];
    for (const k of keys) {
      const v = values(k);
      const label = itemLabel(k);
      data.push(v);
      series.push({
        label: t('{label} (day)', {label}),
        scale: 'y',
        stroke: COLORS[k],
        width: 0,
        paths: () => null,
        points: {show: true, size: 5, stroke: COLORS[k], fill: COLORS[k]}
      });
      data.push(sevenDayMeans(v));
      series.push({
        label: t('{label} (7-day mean)', {label}),
        scale: 'y',
        stroke: COLORS[k],
        width: 3,
        spanGaps: false,
        points: {show: false}
      });
    }
    // The theme's colours (app.css: light or dark) for the axes, the grid and the dose line.
    const css = getComputedStyle(document.documentElement);
    const ink = css.getPropertyValue('--text').trim() || '#333';
    const muted = css.getPropertyValue('--muted').trim() || '#5f6368';
    const gridLine = css.getPropertyValue('--line').trim() || '#e4e4e4';
    data.push(doseSeries);
    series.push({
      label: t('Dose taken (mg)'),
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
      label: t('Side effect reported'),
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
          // Days are placed in UTC (the x values are UTC noons), so the ticks fall on the days' own
          // midnights whatever the browser's zone; dates and numbers are written by the locale, with
          // room between the day labels for the longer Danish and Norwegian ones ("12. jan.").
          tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
          axes: [
            {
              stroke: ink,
              grid: {stroke: gridLine},
              space: 60,
              // The labels drawn are also kept on the chart for the browser tests (the canvas has no text).
              values: (u, splits) => {
                const labels = splits.map(chartDay);
                u.root.dataset.xTicks = labels.join('|');
                return labels;
              }
            },
            {
              scale: 'y',
              label: '0-10',
              stroke: ink,
              grid: {stroke: gridLine},
              size: 40,
              values: (u, splits) => splits.map((v) => formatNumber(v))
            },
            {
              scale: 'mg',
              side: 1,
              label: 'mg',
              stroke: muted,
              grid: {show: false},
              size: 40,
              values: (u, splits) => splits.map((v) => formatNumber(v))
            },
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
      const label = pick(info, 'label');
      if (!m) return h('li', t('{label}: not enough entries for a 7-day mean yet.', {label}));
      const vars = {label, mean: m[1], date: formatDate(m[0])};
      return h(
          'li',
          info.higher_is === 'better' ? t('{label}: 7-day mean {mean} on {date} (higher is better).', vars) :
                                        t('{label}: 7-day mean {mean} on {date} (higher is worse).', vars));
    })));
  }

  function renderToggles() {
    toggles.replaceChildren(...ITEMS.map(
        (k) =>
            h('button.chip', {
              type: 'button',
              'aria-pressed': selected.has(k) ? 'true' : 'false',
              onclick: () => {
                if (selected.has(k))
                  selected.delete(k);
                else
                  selected.add(k);
                renderToggles();
                draw();
              },
            },
              itemLabel(k))));
  }
  renderToggles();

  const recent = dates.slice(-14).reverse();
  // The lifestyle factors the patient logged in these days (hours of sleep, activity, relaxation):
  // shown beside the ratings, never part of the analysis.
  const life =
      lifestyleFactors().filter((f) => recent.some((d) => ((byDate.get(d) || {}).lifestyle || {})[f.id] !== undefined));
  const value = (v) =>
      (typeof v === 'number' ? formatNumber(v, {maximumFractionDigits: 2, useGrouping: false}) : String(v));
  const lifeCell = (f, v) => (v === undefined ? '–' : (f.kind === 'yes_no' ? (v ? t('yes') : t('no')) : value(v)));
  // The patient's own items (diary settings "custom", retired ones too) with a value in these days,
  // in the order they were added; a key the settings do not name (not readable) by its key.
  const customDefs = (settings && settings.custom) || [];
  const customKeys = [...new Set(recent.flatMap((d) => Object.keys((byDate.get(d) || {}).custom || {})))];
  const own = [
    ...customDefs.filter((c) => customKeys.includes(c.key)),
    ...customKeys.filter((k) => !customDefs.some((c) => c.key === k)).map((k) => ({key: k, label: k, kind: null}))
  ];
  const ownCell = (v) => (v === undefined ? '–' : v === true ? t('yes') : v === false ? t('no') : value(v));
  // Cards on a phone, a day each (table.stack.compact, app.css); a table on wider screens.
  const columns = [
    ...ITEMS.map(itemLabel), t('Dose'),
    ...life.map((f) => (f.kind === 'yes_no' ? pick(f, 'label') : `${pick(f, 'label')} (${pick(f, 'unit')})`)),
    ...own.map((c) => (c.kind === 'number' && c.unit ? `${c.label} (${c.unit})` : c.label))
  ];
  const table =
      h('details.card', h('summary', t('The last 14 days as a table')),
        h('div.tablewrap', scrollAttrs(),
          h('table.stack.compact', h('caption.sr', t('Diary, last 14 days')),
            h('thead', h('tr', h('th', {scope: 'col'}, t('Day')), columns.map((c) => h('th', {scope: 'col'}, c)))),
            h('tbody', recent.map((d) => {
              const e = byDate.get(d) || {};
              const cells = [
                ...ITEMS.map((k) => e[k] ?? '–'), doseBy.has(d) ? mg(doseBy.get(d)) : '–',
                ...life.map((f) => lifeCell(f, (e.lifestyle || {})[f.id])),
                ...own.map((c) => ownCell((e.custom || {})[c.key]))
              ];
              return h(
                  'tr', h('th', {scope: 'row'}, formatDate(d)),
                  cells.map((c, n) => h('td', {'data-label': columns[n]}, String(c))));
            })))));

  const section = h(
      'div',
      h('section.card', {'aria-labelledby': 'chart-h'}, h('h2', {id: 'chart-h'}, t('The last {days} days', {days})),
        toggles, chartBox, markList, summary,
        h('p.small',
          t('Dots are single days, thick lines the mean of the last 7 days (shown when at least {n} of them have an entry), the dashed step line the dose taken (right axis), circles at the top the days a side effect was reported.',
            {n: MEAN_MIN_DAYS})),
        whereFrom(
            t('Your diary and your dose log. The words at the two ends of each scale are the ones the diary shows.'))),
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
  if (!label) return t('the evaluation window');
  return label.startsWith('week_') ? t('week {n}', {n: label.slice(5)}) :
                                     t('stable-dose window {n}', {n: label.replace('stable_', '')});
}

// The sentences the server's analysis writes for the patient (analysis/response.cpp
// PlainItemMessage and MakeVerdict, as message keys with values: core/message.h), listed here for
// the catalog check; serverText() shows them in the app's language.
export const ANALYSIS_TEXTS = [
  N_('{item} about the same as before LDN'),
  N_('{item} {amount} lower than before LDN'),
  N_('{item} {amount} higher than before LDN'),
  N_('{pct}%'),
  N_('{points} points'),
  N_('{text} (somewhere between {low} and {high} lower)'),
  N_('{text} (somewhere between {low} and {high} higher)'),
  N_('{text} (somewhere between {low} lower and {high} higher)'),
  N_('{text}: better'),
  N_('{text}: worse'),
  N_('{text}: no clear change'),
  N_('A before-and-after comparison like this cannot show whether LDN caused the change: placebo effects and the natural ups and downs of fibromyalgia can look just the same.'),
  N_('This is an open before/after comparison: it cannot separate an effect of LDN from the placebo effect, regression to the mean (people often start a treatment during a bad spell) or the natural ups and downs of fibromyalgia.'),
  N_('Placebo responses in the LDN trials were large: pain fell 18.0% on placebo in Younger et al. 2013 (Arthritis Rheum 65:529), 28% of placebo patients had a >=30% pain reduction in FINAL (Bruun et al. 2024), and in INNOVA placebo did better than LDN. A change of this size on placebo is common.'),
  N_('Where the answer matters (continuing to pay for LDN, or stopping it), a blinded N-of-1 trial with identical placebo capsules and randomized periods is the way to know.'),
  N_('1 dose taken differed from the plan (first on {date}: {planned} mg planned, {taken} mg taken); the analysis uses the doses as taken.'),
  N_('{n} doses taken differed from the plan (first on {date}: {planned} mg planned, {taken} mg taken); the analysis uses the doses as taken.'),
  N_('Only {pct}% of planned doses were logged as taken.'),
  N_('1 diary day is missing; it was not filled in.'),
  N_('{n} diary days are missing; they were not filled in.'),
];

// A sentence of the analysis in the app's language, the items by their labels in it.
function analysisText(m) { return serverText(m, {item: (id, label) => analysisLabel({item: id, label})}); }

// The patient's "Is it working?": nothing but the date before the plan's evaluation opens; from
// then every item with its interval in plain words (the server's `plain` sentences, judged with
// the interval and the item's direction), one sentence on what an open comparison cannot show,
// and the sources behind a disclosure.
export function analysisCard(a, ev = {}) {
  const title = h('h2', {id: 'an-h'}, t('Is it working?'));
  const card = (...children) => h('section.card.verdict-card', { 'aria-labelledby': 'an-h' }, title, ...children);
  const opens = ev && !ev.unavailable ? ev.opens_on : a && a.evaluation && a.evaluation.opens_on;
  const open = ev && !ev.unavailable ? ev.open : a && a.evaluation && a.evaluation.open;
  if (!opens) {
    return card(
        h('p',
          ev && ev.unavailable ? t('There is nothing to evaluate yet: {reason}', {reason: ev.unavailable}) :
                                 t('There is nothing to evaluate yet.')),
        whereFrom(h(
            'p.small',
            t('The evaluation compares your diary on LDN with your diary before LDN, from the first dose of your treatment course.'))));
  }
  const weeks = ev && ev.first_dose ? Math.round(daysBetween(ev.first_dose, opens) / 7) : null;
  if (!open) {
    return card(
        h('p.big', {'data-evaluation': 'closed'}, t('Evaluation opens on {date}', {date: formatLongDate(opens)})),
        h('p',
          `${whenFirstDose(weeks, ev)} ${
              t('Until then, keep filling in your diary every day: each day makes the comparison with your weeks before LDN more reliable.')}`),
        h('p',
          t('Before that date no verdict is shown: early weeks mostly reflect finding your dose and the normal ups and downs of fibromyalgia.')),
        whereFrom(h(
            'p.small',
            t('The first evaluation window is {window} after the first dose (the 14 days before it opens); the LDN trials judged response at 8 to 12 weeks (Younger et al., Arthritis Rheum 2013;65:529; FINAL, Bruun et al., Lancet Rheumatol 2024).',
              {window: windowName(ev && ev.window)}))));
  }
  if (!a || a.unavailable) {
    return card(
        h('p', {'data-evaluation': 'open'},
          a && a.unavailable ? t('The comparison cannot be made yet: {reason}', {reason: a.unavailable}) :
                               t('The comparison cannot be made yet.')),
        whereFrom(h(
            'p.small',
            t('It needs at least 7 days with a pain rating in the 14 days before the first dose, and 7 in the evaluation window.'))));
  }
  const w = primaryWindow(a);
  if (!w || w.kind !== 'fixed_week') {
    return card(
        h('p', {'data-evaluation': 'open'},
          t('Not enough diary days in the evaluation window yet to compare with before LDN. Keep your diary going.')),
        whereFrom(h('p.small', t('The comparison needs 7 days with ratings in the 14-day evaluation window.'))));
  }
  return card(
      h('p', {'data-evaluation': 'open'},
        t('Your {window}, days {first}-{last} after your first dose ({from} to {to}), compared with the 14 days before LDN:',
          {
            window: windowName(w.label),
            first: w.first_day,
            last: w.first_day + 13,
            from: formatDate(w.first),
            to: formatDate(w.last)
          })),
      h('ul.items-plain',
        w.items.map(
            (i) =>
                h('li', {'data-item': i.item, 'data-change-is': i.change_is || 'none'},
                  (i.plain_message && analysisText(i.plain_message)) ||
                      t('{label}: not enough days with this rating to compare.', {label: analysisLabel(i)})))),
      h('p', a.verdict && analysisText(a.verdict.caveat_message)),
      whereFrom(
          h('p.small',
            t('"Somewhere between" is a 95% interval that allows for good and bad spells lasting several days. "Better" or "worse" is said only when the whole interval lies on one side of no change; otherwise "no clear change".')),
          h('p.small', t('Scales: {source}; every item runs 0 = best, 10 = worst.', {source: itemsSourcePlain()})),
          h('ul.small', ((a.verdict && a.verdict.limit_messages) || []).map((l) => h('li', analysisText(l)))),
          a.method ? h('p.small', `${t('Method:')} `, h('span', {lang: 'en'}, a.method.description), '.') : null));
}

// "That is 8 weeks after your first dose (Monday 5 January 2026)." before the evaluation opens.
function whenFirstDose(weeks, ev) {
  const date = ev && ev.first_dose ? formatLongDate(ev.first_dose) : null;
  const planned = ev && !ev.first_dose_taken;
  if (weeks) {
    if (!date) return t('That is {n} weeks after your first dose.', {n: weeks});
    return planned ? t('That is {n} weeks after your first dose ({date}, as planned).', {n: weeks, date}) :
                     t('That is {n} weeks after your first dose ({date}).', {n: weeks, date});
  }
  if (!date) return t('That is some weeks after your first dose.');
  return planned ? t('That is some weeks after your first dose ({date}, as planned).', {date}) :
                   t('That is some weeks after your first dose ({date}).', {date});
}

const CHANGE_TEXT = {
  improvement: N_('improvement'),
  worsening: N_('worsening'),
  none: N_('no clear change')
};
const HIGHER_IS = {
  better: N_('better'),
  worse: N_('worse')
};
const COLUMNS =
    [N_('Item'), N_('Change is'), N_('Change'), N_('95% interval'), N_('Baseline'), N_('Window'), N_('Higher is')];

function fixed(x, d = 1) {
  return x === null || x === undefined ?
      '–' :
      formatNumber(Math.round(x * 10 ** d) / 10 ** d, {minimumFractionDigits: d, maximumFractionDigits: d});
}
function signed(x) { return x === null || x === undefined ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${fixed(Math.abs(x))}`; }

// The clinician's card: every item of the primary window with its direction, change, interval and
// what the change is for the patient (the analysis' change_is), the evaluation date, dose
// deviations and the limits.
export function clinicianAnalysisCard(a, ev = {}) {
  const title = h('h2', {id: 'an-h'}, t('Is it working?'));
  const evText = ev && !ev.unavailable ? h('p', evaluationLine(ev)) : null;
  if (!a || a.unavailable) {
    return h(
        'section.card', {'aria-labelledby': 'an-h'}, title, evText,
        h('p', a && a.unavailable ? t('No analysis yet: {reason}', {reason: a.unavailable}) : t('No analysis yet.')),
        source(t(
            'response analysis of ldn (docs/analysis.md): it needs at least 7 baseline days with pain before the first dose.')));
  }
  const w = primaryWindow(a);
  const deviations = a.dose_deviations || [];
  return h(
      'section.card', {'aria-labelledby': 'an-h'}, title, evText, h('p', a.verdict.summary),
      w ? h(
              'div.tablewrap', scrollAttrs(t('Items')),
              h(
                  'table.items-table.stack',
                  h('caption',
                    t('Every item, {window} ({from} to {to}) against the baseline',
                      {window: windowName(w.label), from: formatDate(w.first), to: formatDate(w.last)})),
                  h('thead', h('tr', COLUMNS.map((c) => h('th', {scope: 'col'}, t(c))))),
                  h(
                      'tbody',
                      w.items
                          .map(
                              (i) =>
                                  h('tr', {'data-item': i.item}, h('th', {scope: 'row'}, analysisLabel(i)),
                                    h(
                                        'td', {
                                          class: `change-${i.change_is || 'none'}`,
                                          'data-label': t('Change is'),
                                          'data-change-is': i
                                                                .change_is ||
                                              'none'
                                        },
                                        CHANGE_TEXT[i.change_is] ? t(CHANGE_TEXT[i.change_is]) : '–'),
                                    h('td', {'data-label': t('Change')}, signed(i.change)),
                                    h('td', {'data-label': t('95% interval')},
                                      i.interval ?
                                          t('{lower} to {upper}',
                                            {lower: signed(i.interval.lower), upper: signed(i.interval.upper)}) :
                                          '–'),
                                    h('td', {'data-label': t('Baseline')}, fixed(i.baseline_mean)),
                                    h('td', {'data-label': t('Window')}, fixed(i.window_mean)),
                                    h('td', {'data-label': t('Higher is'), 'data-higher-is': i.higher_is},
                                      HIGHER_IS[i.higher_is] ? t(HIGHER_IS[i.higher_is]) : i.higher_is)))))) :
          h('p', t('No evaluation window with enough data yet.')),
      deviations.length ?
          h('div', h('h3', t('Doses taken differently from the plan')),
            h('ul',
              deviations.map(
                  (d) =>
                      h('li',
                        t('{date} (day {day}): planned {planned}, taken {taken}',
                          {date: formatDate(d.date), day: d.day, planned: mg(d.planned_mg), taken: mg(d.taken_mg)})))),
            h('p.small', t('The analysis uses the doses as taken.'))) :
          null,
      h('h3', t('What this cannot tell')),
      h('ul', (a.verdict.limit_messages || []).map((l) => h('li', analysisText(l)))),
      source(t(
          'ldn\'s response analysis (docs/analysis.md): {method}. Change is "improvement" or "worsening" only when the 95% interval excludes no change, read with each item\'s direction from {source}. Responder levels: Dworkin et al., J Pain 2008;9:105 (IMMPACT).',
          {method: a.method ? a.method.description : '', source: itemsSource()})));
}

// The clinician's line on the evaluation date: "Evaluation opens on … (week 8 after the first
// dose); the patient sees no verdict before it."
function evaluationLine(ev) {
  const vars = {date: formatLongDate(ev.opens_on), window: windowName(ev.window)};
  if (ev.open) {
    return ev.first_dose_taken ?
        t('Evaluation opened on {date} ({window} after the first dose); the patient sees no verdict before it.', vars) :
        t('Evaluation opened on {date} ({window} after the first dose, planned); the patient sees no verdict before it.',
          vars);
  }
  return ev.first_dose_taken ?
      t('Evaluation opens on {date} ({window} after the first dose); the patient sees no verdict before it.', vars) :
      t('Evaluation opens on {date} ({window} after the first dose, planned); the patient sees no verdict before it.',
        vars);
}
