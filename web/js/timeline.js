// One timeline of everything that happened to a patient (docs/clinic.md, "Timeline"), newest first,
// filterable by kind and date. The server assembles it (GET /patients/{id}/timeline).
import { h, mount, field, uid } from './dom.js';
import { get } from './api.js';
import { setTitle } from './app.js';
import { formatLongDate, formatInstant } from './time.js';

const KIND_LABEL = {
  screening: 'Screenings', course: 'Courses', adjustment: 'Plan adjustments', prescription: 'Prescriptions and dispensing',
  medication: 'Medications', condition: 'Conditions', allergy: 'Allergies', adverse_event: 'Adverse events',
  instrument: 'Questionnaires', message: 'Messages', diary_edit: 'Diary edits', invitation: 'App access',
  flag: 'Flags', task: 'Inbox tasks',
};

export async function timeline(main, id) {
  const patient = await get(`/patients/${id}`);
  setTitle(`Timeline: ${patient.display_name}`);
  const first = await get(`/patients/${id}/timeline`);
  const boxes = first.kinds.map((k) => {
    const input = h('input', { type: 'checkbox', id: uid('k'), value: k, checked: true });
    return { k, input, el: h('span.choice', input, h('label', { for: input.id }, KIND_LABEL[k] || k)) };
  });
  const from = h('input', { id: uid('from'), type: 'date' });
  const to = h('input', { id: uid('to'), type: 'date' });
  const list = h('div', { 'aria-live': 'polite' });
  const count = h('p.muted');

  const render = (events) => {
    count.textContent = `${events.length} event${events.length === 1 ? '' : 's'}, newest first. Times are UTC; dates are the patient's (${patient.time_zone}).`;
    let lastDate = null;
    const items = [];
    for (const e of events) {
      if (e.date !== lastDate) { items.push(h('li.tl-date', h('h3', formatLongDate(e.date)))); lastDate = e.date; }
      items.push(h('li.tl-event', { 'data-kind': e.kind },
        h('span.tl-kind', KIND_LABEL[e.kind] || e.kind), h('p', h('strong', e.title)), e.detail ? h('p.small', e.detail) : null,
        h('p.small.muted', formatInstant(e.at, 'UTC'))));
    }
    list.replaceChildren(items.length ? h('ul.timeline', items) : h('p', 'Nothing matches.'));
  };

  const refresh = async () => {
    const kinds = boxes.filter((b) => b.input.checked).map((b) => b.k);
    if (!kinds.length) { render([]); return; }
    const q = new URLSearchParams();
    if (kinds.length !== boxes.length) q.set('kinds', kinds.join(','));
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    const r = await get(`/patients/${id}/timeline${q.toString() ? `?${q}` : ''}`);
    render(r.events);
  };
  for (const b of boxes) b.input.addEventListener('change', refresh);
  from.addEventListener('change', refresh);
  to.addEventListener('change', refresh);

  mount(main, h('h1', `Timeline: ${patient.display_name}`),
    h('div.actions', h('a.button', { href: `#/patient/${id}` }, 'Patient page'), h('a.button', { href: `#/patient/${id}/chart` }, 'Chart')),
    h('section.card', h('h2', 'Show'),
      h('fieldset', h('legend', 'Kinds of event'), h('div.choices', boxes.map((b) => b.el))),
      h('div.row', field('From', from), field('To', to))),
    count, list);
  render(first.events);
}
