// The researcher's pooled summary (the admin's page is admin.js).
import { h, mount, source } from './dom.js';
import { scrollAttrs } from './dom.js';
import { api, get } from './api.js';
import { say, setTitle } from './app.js';

function value(v) { return v === null ? 'fewer than 5 (suppressed)' : typeof v === 'object' ? JSON.stringify(v) : String(v); }

function rows(obj, prefix = '') {
  const out = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...rows(v, `${prefix}${k} / `));
    else out.push(h('tr', h('th', { scope: 'row' }, `${prefix}${k}`.replace(/_/g, ' ')), h('td', value(v))));
  }
  return out;
}

export async function research(main) {
  setTitle('Research');
  const s = await get('/research/summary');
  mount(main, h('h1', 'Pooled outcomes'),
    h('p', 'De-identified counts across all patients. Any count below 5 is suppressed.'),
    h('section.card', h('div.tablewrap', scrollAttrs(), h('table', h('caption.sr', 'Research summary'), h('tbody', rows(s))))),
    source('src/server/research_summary.h: IMMPACT responder classes (Dworkin, J Pain 2008;9:105) and Farrar two-point responders (Pain 2001;94:149).'));
}
