// The researcher's pooled summary (the admin's page is admin.js).
import {get} from './api.js';
import {setTitle} from './app.js';
import {h, mount, source, stackTable} from './dom.js';

function value(v) { return v === null ? 'fewer than 5 (suppressed)' : typeof v === 'object' ? JSON.stringify(v) : String(v); }

// Every leaf of the summary as [measure, value]; nested objects name their path ("a / b").
function rows(obj, prefix = '') {
  const out = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...rows(v, `${prefix}${k} / `));
    else
      out.push({cells: [`${prefix}${k}`.replace(/_/g, ' '), value(v)]});
  }
  return out;
}

// A table of two columns that becomes cards on narrow screens (issue 15, item 7).
export async function research(main) {
  setTitle('Research');
  const s = await get('/research/summary');
  mount(
      main, h('h1', 'Pooled outcomes'),
      h('p', 'De-identified counts across all patients. Any count below 5 is suppressed.'),
      h('section.card', stackTable('Research summary', ['Measure', 'Value'], rows(s))),
      source(
          'src/server/research_summary.h: IMMPACT responder classes (Dworkin, J Pain 2008;9:105) and Farrar two-point responders (Pain 2001;94:149).'));
}
