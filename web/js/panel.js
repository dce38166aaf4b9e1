// The clinician's panel (issue 13, item 5): the patients of the care teams, searched, filtered by
// flag, sorted by a column and paged by the server (GET /api/v1/patients?q=&flag=&sort=&page=&per_page=;
// docs/api.md). The state lives in the hash (#/panel?q=...&sort=-last_diary&page=2), so back and
// forward walk through searches and pages and a link can be shared. By default, open flags first. Columns: last diary day,
// adherence over the last 28 days, weeks on the current dose, the response class (IMMPACT, once the
// evaluation has opened) and the flags -- all computed on the server.
import { h, mount, field, source, scrollAttrs } from './dom.js';
import { get } from './api.js';
import { setTitle } from './app.js';
import { formatDate } from './time.js';
import { mg } from './clinical.js';
import { flagBadges } from './safety.js';

const PER_PAGE_DEFAULT = 25;
// Open flags first, red before amber, unless the clinician sorts otherwise: a red flag must not
// wait on page 40 (the panel before paging showed flagged patients first, too). It costs every
// patient's flags on the server (docs/benchmarks.md, ldn_panel_bench: sorted_by_flags).
const DEFAULT_SORT = '-flags';
const SORTS = {
  name: 'Name',
  last_diary: 'Last diary',
  adherence: 'Adherence',
  weeks_on_dose: 'Weeks on dose',
  flags: 'Flags',
};
// The direction a column sorts in when first chosen: the most useful end first.
const FIRST_DESCENDING = new Set(['flags']);
const FLAGS = [
  ['', 'All patients'], ['any', 'Any open flag'], ['red', 'Red flags'], ['amber', 'Amber flags'],
  ['safety', 'Safety'], ['dose', 'Doses'], ['course', 'Course'], ['screening', 'Screening'],
  ['side_effect', 'Side effects'], ['response', 'Response'], ['diary', 'Diary missing or worrying'],
];
const RESPONSE = { none: 'No response', minimal: 'Minimal', moderate: 'Moderate', substantial: 'Substantial' };

// The panel's state from the hash's query ("q=al&page=2"); unknown keys are dropped.
export function readState(query) {
  const p = new URLSearchParams(query || '');
  const page = Number.parseInt(p.get('page') || '1', 10);
  const per = Number.parseInt(p.get('per_page') || String(PER_PAGE_DEFAULT), 10);
  return {
    q: p.get('q') || '',
    flag: p.get('flag') || '',
    sort: p.get('sort') || DEFAULT_SORT,
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    per_page: Number.isFinite(per) && per >= 1 && per <= 100 ? per : PER_PAGE_DEFAULT,
  };
}

// The query string of a state, without its defaults (so that "#/panel" is page 1 by name).
export function stateQuery(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.flag) p.set('flag', s.flag);
  if (s.sort && s.sort !== DEFAULT_SORT) p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.per_page !== PER_PAGE_DEFAULT) p.set('per_page', String(s.per_page));
  return p.toString();
}

function go(s) {
  const q = stateQuery(s);
  location.hash = q ? `#/panel?${q}` : '#/panel';  // the hashchange routes (app.js): back/forward too
}

function adherenceText(p) {
  if (p.adherence === null || p.adherence === undefined) return '–';
  const d = p.adherence_days;
  return `${Math.round(p.adherence * 100)}%${d ? ` (${d.taken} of ${d.planned} days)` : ''}`;
}

function weeksText(p) {
  if (p.weeks_on_current_dose === null || p.weeks_on_current_dose === undefined) return '–';
  const w = p.weeks_on_current_dose;
  return `${w} week${w === 1 ? '' : 's'}${p.current_dose_mg !== null && p.current_dose_mg !== undefined ? ` on ${mg(p.current_dose_mg)}` : ''}`;
}

function responseText(p) {
  if (p.response_class) {
    const r = p.response_class_range;
    const range = r && r.lowest !== r.highest ? ` (could be ${RESPONSE[r.lowest] || r.lowest} to ${RESPONSE[r.highest] || r.highest})` : '';
    return h('span', { 'data-response': p.response_class }, `${RESPONSE[p.response_class] || p.response_class}${range}`);
  }
  return h('span.muted.small', p.response_note || '–');
}

// A column header that sorts: a button with the column's name; aria-sort on the header cell.
function sortHeader(key, s) {
  const current = s.sort.replace(/^-/, '');
  const descending = s.sort.startsWith('-');
  const active = current === key;
  const next = active ? (descending ? key : `-${key}`) : (FIRST_DESCENDING.has(key) ? `-${key}` : key);
  const label = SORTS[key];
  return h('th', { scope: 'col', 'aria-sort': active ? (descending ? 'descending' : 'ascending') : 'none' },
    h('button.sort', {
      type: 'button', 'data-sort': key,
      onclick: () => go({ ...s, sort: next, page: 1 }),
    }, label, h('span', { 'aria-hidden': 'true' }, active ? (descending ? ' ▼' : ' ▲') : ''),
    h('span.sr', active ? `, sorted ${descending ? 'descending' : 'ascending'}; activate to reverse` : ', activate to sort')));
}

function controls(s) {
  const q = h('input', { type: 'search', name: 'q', value: s.q, autocomplete: 'off', maxlength: '200', 'data-panel-search': '' });
  const flag = h('select', { name: 'flag', 'data-panel-flag': '' },
    FLAGS.map(([v, label]) => h('option', { value: v, selected: v === s.flag ? true : null }, label)));
  const sortOptions = [];
  for (const [key, label] of Object.entries(SORTS)) {
    sortOptions.push([key, `${label}, ascending`], [`-${key}`, `${label}, descending`]);
  }
  const sort = h('select', { name: 'sort', 'data-panel-sort': '' },
    sortOptions.map(([v, label]) => h('option', { value: v, selected: v === s.sort ? true : null }, label)));
  const form = h('form.panel-controls', {
    role: 'search',
    onsubmit: (e) => {
      e.preventDefault();
      go({ ...s, q: q.value.trim(), flag: flag.value, sort: sort.value, page: 1 });
    },
  },
  field('Search by name or research id', q),
  field('Show', flag),
  field('Sort by', sort),
  h('div.actions', h('button.primary', { type: 'submit' }, 'Show patients'),
    (s.q || s.flag) ? h('a.button', { href: '#/panel' }, 'Clear') : null));
  // Choosing a filter or an order applies it at once; the search waits for Enter or the button.
  flag.addEventListener('change', () => form.requestSubmit());
  sort.addEventListener('change', () => form.requestSubmit());
  return form;
}

function pager(s, reply) {
  const pages = reply.pages;
  const shown = reply.patients.length;
  const first = shown ? (reply.page - 1) * reply.per_page + 1 : 0;
  return h('nav.pager', { 'aria-label': 'Pages' },
    h('button', { type: 'button', 'data-page': 'prev', disabled: reply.page <= 1 ? true : null,
      onclick: () => go({ ...s, page: Math.min(reply.page - 1, Math.max(pages, 1)) }) }, '‹ Previous'),
    h('span.pageinfo', { 'aria-live': 'polite', 'data-page-info': '' },
      pages ? `Page ${reply.page} of ${pages}` : 'No pages',
      h('span.muted.small', ` · ${shown ? `${first}–${first + shown - 1} of ` : ''}${reply.total} patient${reply.total === 1 ? '' : 's'}`)),
    h('button', { type: 'button', 'data-page': 'next', disabled: reply.page >= pages ? true : null,
      onclick: () => go({ ...s, page: reply.page + 1 }) }, 'Next ›'));
}

export async function panel(main, query) {
  setTitle('Patients');
  const s = readState(query);
  const apiQuery = new URLSearchParams({ sort: s.sort, page: String(s.page), per_page: String(s.per_page) });
  if (s.q) apiQuery.set('q', s.q);
  if (s.flag) apiQuery.set('flag', s.flag);
  const reply = await get(`/patients?${apiQuery}`);
  const filtered = s.q || s.flag;
  mount(
      main, h('h1', 'Patients'),
      h('p.muted', {'data-panel-total': String(reply.total)},
        filtered ? `${reply.total} patient${reply.total === 1 ? ' matches' : 's match'} in your care teams.` :
                   `${reply.total} patient${reply.total === 1 ? '' : 's'} in your care teams.`),
      h('div.actions', h('a.button', {href: '#/patients/new'}, 'Add a patient')), h('section.card', controls(s)),
      h('div.card',
        reply.patients.length === 0 ?
            h('p', {'data-panel-empty': ''},
              reply.total === 0 ? (filtered ? 'No patient matches. Change the search or the filter, or clear them.' :
                                              'No patients yet.') :
                                  `Page ${reply.page} is past the last page (${reply.pages}).`) :
            h('div.tablewrap', scrollAttrs('Patient panel'),
              h('table.stack.panel', h('caption.sr', `Patient panel, page ${reply.page} of ${reply.pages}`),
                h('thead',
                  h('tr', sortHeader('name', s), sortHeader('last_diary', s), sortHeader('adherence', s),
                    sortHeader('weeks_on_dose', s), h('th', {scope: 'col'}, 'Response'), sortHeader('flags', s))),
                h('tbody',
                  reply.patients.map(
                      (p) =>
                          h('tr', {'data-patient': String(p.id)},
                            h('th', {scope: 'row'}, h('a', {href: `#/patient/${p.id}`}, p.display_name), h('br'),
                              h('span.muted.small', `${p.research_id} · ${p.time_zone}`)),
                            h('td', {'data-label': 'Last diary'},
                              p.last_diary_date ? formatDate(p.last_diary_date) : 'none'),
                            h('td', {'data-label': 'Adherence (28 days)'}, adherenceText(p)),
                            h('td', {'data-label': 'Weeks on dose'}, weeksText(p)),
                            h('td', {'data-label': 'Response'}, responseText(p)),
                            h('td', {'data-label': 'Flags'}, flagBadges(p.flags))))))),
        pager(s, reply)),
      h('section.card', h('h2', 'What the columns mean'),
        h('p.small',
          'Last diary: the latest day with a diary entry, in the patient\'s calendar. Adherence: of the days in the last 28 (before today) on which the plan of the active course has a dose, the share with a dose logged as taken; a day without a log counts as not taken. Weeks on dose: whole weeks since the current dose began. Response: the pain response class of the course\'s analysis (none under 10% less pain than the baseline, minimal 10–29%, moderate 30–49%, substantial 50% or more), shown once the evaluation has opened at week 8.'),
        h('p.small',
          'Red flags: safety -- a severe or serious report or a worrying note, a dose that differs from the plan, a course started before its earliest start or past a not-eligible screening. Amber: an override of the course gate, a side effect that has not settled, no response by week 12, a baseline without its FIQR, a diary missing for 3 days or more while a course runs. Each flag stays until a clinician acknowledges it on the patient\'s page.'),
        h('details.where', h('summary', 'Where does this come from?'),
          source(
              'computed on the server for every client (docs/api.md, "GET /api/v1/patients"; flags: docs/safety.md, data/interlocks.json, data/red_flags.json; response classes: IMMPACT, Dworkin et al., J Pain 2008;9:105, docs/analysis.md).'))));
}
