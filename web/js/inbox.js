// The clinician's inbox (#/inbox; docs/clinic.md "Tasks"): the tasks the server computed over the
// clinician's patients -- messages waiting for a reply, flags to acknowledge, prescriptions to
// sign, overdue questionnaires, missing diaries. Each opens the page to act on it, or is marked
// done (a flag needs a note: it is acknowledged with it) or dismissed with a reason. The server
// decides what is a task and refuses what cannot be settled; this page shows and asks.
import { h, mount, field, uid } from './dom.js';
import { get, post } from './api.js';
import { say, setTitle } from './app.js';
import { formatInstant, formatLongDate } from './time.js';

const KINDS = [
  ['message', 'Messages waiting for a reply'],
  ['flag', 'Flags to review'],
  ['prescription_to_sign', 'Prescriptions to sign'],
  ['questionnaire_overdue', 'Questionnaires overdue'],
  ['diary_missing', 'Diaries missing'],
];
const KIND_LABEL = Object.fromEntries(KINDS);

function when(since) {
  if (!since) return '';
  return since.length === 10 ? formatLongDate(since) : `${formatInstant(since, Intl.DateTimeFormat().resolvedOptions().timeZone)}`;
}

// One settle form: "done" (note optional, or required for a flag) or "dismissed" (reason required).
function settleForm(task, resolution, onSettled) {
  const isFlag = task.kind === 'flag' || task.kind === 'diary_missing';
  const required = resolution === 'dismissed' || isFlag;
  const note = h('textarea', { id: uid('note'), rows: '2', maxlength: '2000', required: required ? true : null });
  const error = h('p.error', { role: 'alert' });
  const label = resolution === 'dismissed' ? 'Why is this dismissed?'
    : isFlag ? 'What was seen or done (kept as the flag\'s acknowledgement)' : 'Note (optional)';
  const summary = resolution === 'dismissed' ? 'Dismiss…' : task.kind === 'prescription_to_sign' ? null : 'Mark done…';
  if (!summary) return null;  // a prescription is done by signing it, on the patient's page
  return h('details.settle', h('summary', summary), h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      const button = e.target.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        await post(`/patients/${task.patient_id}/tasks/resolve`, { key: task.key, resolution, note: note.value });
        say(`${resolution === 'done' ? 'Done' : 'Dismissed'}: ${task.title} (${task.patient_name}).`, 'ok');
        await onSettled();
      } catch (err) {
        button.disabled = false;
        error.textContent = err.message;
      }
    },
  }, field(label, note), error, h('button.primary', { type: 'submit' }, resolution === 'done' ? 'Mark done' : 'Dismiss')));
}

function taskCard(task, reload) {
  const level = task.level === 'red' ? 'Red' : task.level === 'amber' ? 'Amber' : null;
  return h('li.card.task', { 'data-kind': task.kind, 'data-key': task.key, class: task.level ? `task-${task.level}` : null },
    h('h3', level ? h('span.badge', { class: `badge-${task.level}` }, level) : null, level ? ' ' : null,
      `${task.title} — ${task.patient_name}`),
    h('p', task.detail),
    h('p.small.muted', `Since ${when(task.since)}.`),
    h('div.actions', h('a.button', { href: task.link }, task.kind === 'message' ? 'Open the messages'
      : task.kind === 'prescription_to_sign' ? 'Open to sign' : 'Open the patient')),
    settleForm(task, 'done', reload),
    settleForm(task, 'dismissed', reload));
}

export async function inbox(main) {
  setTitle('Inbox');
  const r = await get('/inbox');
  const reload = () => inbox(main);
  const total = r.tasks.length;
  const counts = h('ul.counts', KINDS.map(([kind, label]) => h('li', `${label}: `, h('strong', String(r.counts[kind] || 0)))));
  const groups = KINDS.map(([kind, label]) => {
    const tasks = r.tasks.filter((t) => t.kind === kind);
    if (!tasks.length) return null;
    return h('section', { 'aria-label': label }, h('h2', `${label} (${tasks.length})`),
      h('ol.tasks', tasks.map((t) => taskCard(t, reload))));
  });
  const settled = r.settled.length
    ? h('details.card', h('summary', `Recently settled (${r.settled.length})`),
      h('ul', r.settled.map((s) => h('li', `${formatInstant(s.recorded_at, Intl.DateTimeFormat().resolvedOptions().timeZone)}: `,
        `${KIND_LABEL[s.kind] || s.kind} — ${s.patient_name}: ${s.resolution}${s.note ? ` (“${s.note}”)` : ''}`))))
    : null;
  mount(main, h('h1', 'Inbox'),
    h('p', total ? `${total} task${total === 1 ? '' : 's'} waiting, red flags first.` : 'Nothing waiting. Well done.'),
    h('section.card', { 'aria-label': 'Counts' }, counts),
    groups, settled,
    h('details.where', h('summary', 'Where does this come from?'),
      h('p', 'Tasks are computed by the server from each patient\'s record every time this page opens: a thread whose newest message is the patient\'s, a flag nobody has acknowledged (docs/safety.md), a prescription not signed, a questionnaire due for a week or more (every 28 days; data/interlocks.json), a diary missing on each of the last 3 days of a course. A task leaves when its cause does, or when it is marked done or dismissed here; who settled it, when and why is kept.')));
}
