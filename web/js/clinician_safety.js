// The clinician's side of the safety interlocks (issue 12, docs/safety.md): the flags the server
// computed (with their acknowledgement), the last 14 diary days with notes and severities, and the
// course gate -- what it says, the review findings to acknowledge one by one, the overrides that
// need a written reason -- for a new course, an activation (asked for confirmation) and a discard.
// Nothing here decides: every rule is the server's (GET .../course-gate, GET .../flags).
import { h, field, source, uid } from './dom.js';
import { scrollAttrs } from './dom.js';
import { get, post, put } from './api.js';
import { say } from './app.js';
import { addDays, formatDate, formatInstant, formatLongDate } from './time.js';
import { SIDE_EFFECTS } from './kb.js';

const SEVERITY = { 1: 'mild', 2: 'moderate', 3: 'severe' };

function label(id) {
  return (SIDE_EFFECTS.entries.find((e) => e.id === id) || { label: id }).label;
}

// ---- Flags ----------------------------------------------------------------------------------------

// The patient's flags with an "Acknowledge" form for each one still raised.
export function flagsCard(patientId, flags, tz, onChange) {
  const list = h('ul.flags', { 'aria-label': 'Flags' });
  const raised = flags.filter((f) => !f.acknowledged);
  for (const f of flags) {
    const note = h('input', { type: 'text', id: uid('ack'), autocomplete: 'off', required: true });
    const error = h('p.error', { role: 'alert' });
    const item = h('li', { class: f.acknowledged ? 'acknowledged' : (f.level === 'red' ? 'red' : null), 'data-code': f.code },
      h('span.flag-level', f.acknowledged ? 'acknowledged' : f.level), h('span.flag-message', f.message),
      h('p.muted.small', `Since ${formatDate(f.since)}. Rule: ${f.source || '—'}`),
      f.acknowledged && f.acknowledgement
        ? h('p.small', `Acknowledged ${formatInstant(f.acknowledgement.recorded_at, tz)}: ${f.acknowledgement.note}`)
        : h('form', {
          'aria-label': `Acknowledge: ${f.message}`,
          onsubmit: async (e) => {
            e.preventDefault();
            error.textContent = '';
            try {
              await post(`/patients/${patientId}/flags/${encodeURIComponent(f.code)}/acknowledge`, { note: note.value.trim() });
              say('Flag acknowledged. It is kept with your note.', 'ok');
              onChange();
            } catch (err) {
              error.textContent = err.message;
            }
          },
        }, field('What did you see or do? (kept with the acknowledgement)', note), error,
        h('button', { type: 'submit' }, 'Acknowledge')));
    list.append(item);
  }
  return h('section.card', { 'aria-labelledby': 'flags-h' },
    h('h2', { id: 'flags-h' }, raised.length ? `Flags (${raised.length} to look at)` : 'Flags'),
    flags.length ? list : h('p', 'No flags.'),
    h('p.muted.small', 'Flags are computed on the server from the screening, the course, the dose log, the diary and the analysis (docs/safety.md). A flag stays until acknowledged; a new occurrence raises it again.'));
}

// ---- The last 14 days ----------------------------------------------------------------------------

export function recentDaysCard(entries, today) {
  const byDate = new Map(entries.map((e) => [e.date, e.items]));
  const rows = [];
  for (let i = 0; i < 14; i += 1) {
    const d = addDays(today, -i);
    const items = byDate.get(d);
    const effects = ((items && items.side_effects) || []).map((s) => `${label(s.name)} (${SEVERITY[s.severity] || s.severity})`);
    const severe = ((items && items.side_effects) || []).some((s) => s.severity >= 3);
    rows.push(h('tr', { class: severe ? 'severe' : null },
      h('th', { scope: 'row' }, formatDate(d)),
      h('td', { 'data-label': 'Pain' }, items && items.pain !== undefined ? String(items.pain) : '–'),
      h('td', { 'data-label': 'Side effects' }, effects.length ? effects.join(', ') : (items ? 'none' : 'no entry')),
      h('td', { 'data-label': 'Note' }, (items && items.note) || '')));
  }
  return h('section.card', { 'aria-labelledby': 'days-h' }, h('h2', { id: 'days-h' }, 'The last 14 days: notes and side effects'),
    h('div.tablewrap', scrollAttrs('Last 14 days'), h('table.stack',
      h('caption.sr', 'The last 14 diary days with side effects, severities and notes'),
      h('thead', h('tr', h('th', { scope: 'col' }, 'Day'), h('th', { scope: 'col' }, 'Pain'), h('th', { scope: 'col' }, 'Side effects (severity)'), h('th', { scope: 'col' }, 'Note'))),
      h('tbody', rows))));
}

// ---- The course gate -----------------------------------------------------------------------------

// Renders a gate evaluation (GET .../course-gate) with the inputs it asks for: a checkbox per
// review finding and, when `allowOverride`, a reason per failed check. Returns {el, decisions()}
// where decisions() is {overrides, acknowledged_findings} for the request body. `keep` is the
// decisions() of the view this one replaces: a redraw (a new date, a refusal) keeps what the
// clinician already ticked and wrote, for the findings and checks that are still there.
export function gateView(gate, {allowOverride = true, keep = {}} = {}) {
  const keptAcks = new Set(keep.acknowledged_findings || []);
  const keptReasons = new Map((keep.overrides || []).map((o) => [o.code, o.reason]));
  const acks = [];
  const reasons = [];
  const checks = h('ul.checks', gate.checks.map((c) => {
    const state = c.passed ? 'passed' : (c.overridden ? 'overridden' : 'failed');
    const li = h('li', { class: state, 'data-check': c.code }, h('strong', `${c.code}: `), c.message);
    if (!c.passed && allowOverride) {
      const reason = h('textarea', { id: uid('override'), rows: '2', 'data-override': c.code });
      if (keptReasons.has(c.code)) reason.value = keptReasons.get(c.code);
      reasons.push([c.code, reason]);
      li.append(
          h('details', {open: keptReasons.has(c.code)}, h('summary', `Override ${c.code} (needs a written reason)`),
            field('Reason for the override (kept, audited, shown on the patient page and in the report)', reason)));
    }
    return li;
  }));
  const review = gate.review_findings.length ? h('fieldset.box', h('legend', 'Review findings: acknowledge each one'),
    gate.review_findings.map((f) => {
      const id = uid('rf');
      const box = h('input', {type: 'checkbox', id, checked: f.acknowledged || keptAcks.has(f.key), 'data-key': f.key});
      acks.push([f.key, box]);
      return h('div.choice.block', box, h('label', { for: id }, `I have reviewed: ${f.message}`));
    })) : null;
  const el = h('div.gate', { 'data-allowed': String(gate.allowed) },
    h('p', h('strong', gate.allowed ? 'The gate allows this.' : 'The gate does not allow this yet.'),
      gate.screening ? ` Screening #${gate.screening.id} of ${formatDate(gate.screening.date)} says ${gate.screening.verdict.replace('_', ' ')}.` : ' No screening yet.'),
    checks, review,
    gate.warnings.length ? h('ul.warn', gate.warnings.map((w) => h('li', w))) : null,
    source(`course gate rules, data/interlocks.json ${gate.rules_version}: a screening from the last ${gate.screening_max_age_days} days; no first dose before the screening's earliest start; ${gate.baseline ? gate.baseline.days_required : 14} baseline diary days and a FIQR before the first dose (docs/safety.md).`));
  return {
    el,
    decisions() {
      const body = {};
      const acknowledged = acks.filter(([, b]) => b.checked).map(([k]) => k);
      const overrides = reasons.filter(([, t]) => t.value.trim()).map(([code, t]) => ({ code, reason: t.value.trim() }));
      if (acknowledged.length) body.acknowledged_findings = acknowledged;
      if (overrides.length) body.overrides = overrides;
      return body;
    },
  };
}

// ---- A course's interlocks: decisions, overrides, activation, discard ---------------------------

export function courseInterlocks(patientId, course, tz, onChange) {
  const il = course.interlocks || { decisions: [], overrides: [] };
  const parts = [];
  if (il.overrides.length) {
    parts.push(h('div.overrides', h('h3', 'Overrides of the safety gate'),
      h('ul', il.overrides.map((o) => h('li', h('strong', o.code), ` (${o.action}, ${formatInstant(o.recorded_at, tz)}): ${o.reason}`)))));
  }
  if (il.discarded) parts.push(h('p', h('strong', 'Discarded: '), `${il.discarded.reason} (${formatInstant(il.discarded.recorded_at, tz)})`));
  if (il.baseline) {
    const b = il.baseline;
    parts.push(h('p', `Baseline ${formatDate(b.from)} – ${formatDate(b.to)}: ${b.days_recorded} of ${b.days_required} diary days with pain so far; baseline FIQR ${b.fiqr_date ? `answered ${formatDate(b.fiqr_date)}` : 'not yet answered'}. First dose ${formatLongDate(b.first_dose)}.`));
  }
  if (course.status === 'planned' && !il.discarded) parts.push(activateControl(patientId, course, onChange), discardControl(patientId, course, onChange));
  if (course.status === 'paused') parts.push(activateControl(patientId, course, onChange));
  return parts.length ? h('div.interlocks', parts) : null;
}

// "Activate" re-runs the gate and asks for confirmation before anything changes.
function activateControl(patientId, course, onChange) {
  const box = h('div', { 'aria-live': 'polite' });
  const verb = course.status === 'planned' ? 'Activate' : 'Resume';
  const button = h('button.primary', {
    type: 'button',
    onclick: async () => {
      button.disabled = true;
      try {
        const gate = await get(`/patients/${patientId}/course-gate?course_id=${course.id}`);
        const view = gateView(gate);
        const error = h('p.error', { role: 'alert' });
        const confirm = h('button.primary', {
          type: 'button',
          onclick: async () => {
            error.textContent = '';
            try {
              await put(`/patients/${patientId}/courses/${course.id}/status`, { status: 'active', ...view.decisions() });
              say(`Course #${course.id} is active.`, 'ok');
              onChange();
            } catch (err) {
              error.textContent = err.field ? `${err.message} (${err.field})` : err.message;
            }
          },
        }, `Confirm: ${verb.toLowerCase()} course #${course.id}`);
        box.replaceChildren(h('div.confirm', { role: 'group', 'aria-label': `${verb} course #${course.id}: confirmation` },
          h('h3', `${verb} course #${course.id}? The gate was checked again just now.`),
          course.status === 'planned' ? h('p', `First dose ${formatLongDate(gate.start)}.`) : h('p', `Resuming on ${formatLongDate(gate.start)}.`),
          view.el, error,
          h('div.actions', confirm, h('button', { type: 'button', onclick: () => { box.replaceChildren(); button.disabled = false; } }, 'Cancel'))));
      } catch (err) {
        box.replaceChildren(h('p.error', err.message));
        button.disabled = false;
      }
    },
  }, `${verb} course #${course.id}`);
  return h('div', h('div.actions', button), box);
}

function discardControl(patientId, course, onChange) {
  const reason = h('textarea', { id: uid('discard'), rows: '2' });
  const error = h('p.error', { role: 'alert' });
  return h('details', h('summary', `Discard planned course #${course.id}`), h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      try {
        const r = await post(`/patients/${patientId}/courses/${course.id}/discard`, { reason: reason.value.trim() });
        say(`Course #${course.id} discarded${r.cancelled_prescriptions ? `; ${r.cancelled_prescriptions} prescription(s) cancelled` : ''}.`, 'ok');
        onChange();
      } catch (err) {
        error.textContent = err.message;
      }
    },
  }, field('Why is the course discarded? (kept with the course)', reason, 'Its open prescriptions are cancelled.'), error,
  h('button', { type: 'submit' }, `Discard course #${course.id}`)));
}
