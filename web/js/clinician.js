// The clinician's pages: the patient panel with flags, a patient's detail, the new-course flow
// (screening -> protocol plan -> prescription) and plan adjustments with their reasons.
import { h, mount, field, source, uid } from './dom.js';
import { scrollAttrs } from './dom.js';
import { get, post, put, ApiError } from './api.js';
import { say, setTitle } from './app.js';
import { todayIn, addDays, daysBetween, formatDate, formatLongDate, formatInstant } from './time.js';
import { PROTOCOLS } from './kb.js';
import { currentCourse, planOf, stepOn, liquidOf, mg, ml } from './clinical.js';
import { scoreText } from './patient.js';
import { screeningResult, screeningRecord, jurisdictionChoice } from './screening_view.js';

const WEEK_12 = 84;         // Younger 2013 and FINAL judged response at 12 weeks (clinical-facts.md section 2)
const RESPONSE_PCT = -30;   // >= 30% pain reduction: IMMPACT moderate (Dworkin, J Pain 2008;9:105)
const MISSING_DAYS = 3;

const FLAG_SOURCES = [
  'Safety: the latest screening verdict is not "eligible", or a severe or serious adverse event was reported (screening: docs/screening.md).',
  'Side effects not settled: reported beyond the settling window of the response analysis (LDN Research Trust: halve and re-titrate when they do not settle within a few days; clinical-facts.md section 1).',
  `No response by week 12: ${WEEK_12} or more days on LDN without a ${-RESPONSE_PCT}% fall in mean pain (IMMPACT, Dworkin et al., J Pain 2008;9:105; 12 weeks as in Younger 2013 and FINAL).`,
  `Diary missing: no entry on any of the last ${MISSING_DAYS} days before today (in the patient's time zone).`,
];

async function loadPatient(id) {
  const p = `/patients/${id}`;
  const soft = (promise, fallback) => promise.catch((err) => ({ ...fallback, error: err.message }));
  const patient = await get(p);
  const today = todayIn(patient.time_zone);
  const [courses, screenings, events, diary, analysis, rx] = await Promise.all([
    get(`${p}/courses`), get(`${p}/screenings`), get(`${p}/adverse-events`),
    get(`${p}/diary?from=${addDays(today, -13)}&to=${today}`),
    soft(get(`${p}/analysis`), { unavailable: true }),
    get(`${p}/prescriptions`),
  ]);
  return { patient, today, courses: courses.courses, screenings: screenings.screenings, events: events.adverse_events,
    diary: diary.entries, analysis, prescriptions: rx.prescriptions };
}

// [text, severity 'red'|'amber'] for one patient's record.
export function flagsOf(r) {
  const flags = [];
  const screening = r.screenings.slice().sort((a, b) => b.id - a.id)[0];
  if (screening && screening.verdict !== 'eligible') flags.push([`Safety: screening says ${screening.verdict.replace('_', ' ')}`, 'red']);
  const serious = r.events.filter((e) => e.serious || e.severity === 'severe' || e.severity === 'life_threatening');
  if (serious.length) flags.push([`Safety: ${serious.length} severe or serious adverse event${serious.length > 1 ? 's' : ''}`, 'red']);
  const a = r.analysis;
  if (a && !a.unavailable) {
    for (const s of a.side_effects || []) if (!s.settled) flags.push([`Side effect not settled: ${s.name.replace('_', ' ')}`, 'amber']);
  }
  const course = currentCourse(r.courses);
  if (course && course.status === 'active' && course.start_date && daysBetween(course.start_date, r.today) >= WEEK_12) {
    if (!a || a.unavailable) flags.push(['Week 12 passed: no analysis possible', 'amber']);
    else if (!(a.pain_change_pct <= RESPONSE_PCT)) flags.push([`No ≥30% response by week 12 (pain ${Math.round(a.pain_change_pct)}%)`, 'amber']);
  }
  const dates = new Set(r.diary.map((e) => e.date));
  let missing = 0;
  for (let i = 1; i <= 13 && !dates.has(addDays(r.today, -i)); i += 1) missing += 1;
  if (missing >= MISSING_DAYS) flags.push([`Diary missing ${missing} days`, 'amber']);
  return flags;
}

// Safety flags first, then the number of flags.
function rank(flags) { return flags.filter(([, sev]) => sev === 'red').length * 100 + flags.length; }

function flagList(flags) {
  return flags.length ? flags.map(([t, sev]) => h('span.flag', { class: sev === 'red' ? 'red' : null }, t)) : h('span.flag.none', 'No flags');
}

export async function panel(main) {
  setTitle('Patients');
  const list = await get('/patients');
  const records = await Promise.all(list.patients.map((p) => loadPatient(p.id).catch((err) => ({ patient: p, error: err.message }))));
  const rows = records.map((r) => {
    const course = r.courses ? currentCourse(r.courses) : null;
    const step = course ? stepOn(planOf(course), r.today) : null;
    const flags = r.error ? [[`Could not load: ${r.error}`, 'red']] : flagsOf(r);
    return { r, course, step, flags };
  }).sort((a, b) => rank(b.flags) - rank(a.flags));
  mount(main,
    h('h1', 'Patients'),
    h('p.muted', `${rows.length} patient${rows.length === 1 ? '' : 's'} in your care teams; those with flags first.`),
    h('div.card', h('div.tablewrap', scrollAttrs(), h('table.stack',
      h('caption.sr', 'Patient panel'),
      h('thead', h('tr', h('th', { scope: 'col' }, 'Patient'), h('th', { scope: 'col' }, 'Course'), h('th', { scope: 'col' }, 'Dose today'), h('th', { scope: 'col' }, 'Flags'))),
      h('tbody', rows.map(({ r, course, step, flags }) => h('tr',
        h('th', { scope: 'row' }, h('a', { href: `#/patient/${r.patient.id}` }, r.patient.display_name), h('br'), h('span.muted.small', r.patient.time_zone)),
        h('td', { 'data-label': 'Course' }, course ? `${course.protocol}, ${course.status}${course.start_date ? ` since ${formatDate(course.start_date)}` : ''}` : 'none'),
        h('td', { 'data-label': 'Dose today' }, step ? mg(step.dose_mg) : '–'),
        h('td', { 'data-label': 'Flags' }, flagList(flags)))))))),
    h('section.card', h('h2', 'What the flags mean'), h('ul', FLAG_SOURCES.map((s) => h('li.small', s)))));
}

export async function patientDetail(main, id) {
  const r = await loadPatient(id);
  setTitle(r.patient.display_name);
  const course = currentCourse(r.courses);
  const instruments = await get(`/patients/${id}/instruments`).catch(() => ({ instruments: [] }));
  const { progressPanel } = await import('./progress.js');
  const charts = await progressPanel(id, r.patient.time_zone);
  mount(main,
    h('h1', r.patient.display_name),
    h('p.muted', `Time zone ${r.patient.time_zone}; research id ${r.patient.research_id}; today is ${formatLongDate(r.today)} for this patient.`),
    h('div', flagList(flagsOf(r))),
    h('div.actions',
      h('a.button', { href: `#/patient/${id}/new-course` }, 'Start a new course'),
      h('a.button', { href: `/api/v1/patients/${id}/report.pdf`, download: `ldn-report-patient-${id}.pdf` }, 'Download the response report (PDF)')),
    charts,
    h('section.card', h('h2', 'Questionnaires'), instruments.instruments.length
      ? h('ul', instruments.instruments.map((x) => h('li', `${formatDate(x.date)}: ${x.instrument.toUpperCase()} ${scoreText(x)}`)))
      : h('p', 'None yet.')),
    course ? await courseCard(id, course, r) : h('section.card', h('h2', 'Treatment'), h('p', 'No course yet.')),
    otherCourses(id, r.courses.filter((c) => !course || c.id !== course.id)),
    prescriptionsCard(id, r.prescriptions));
}

function otherCourses(patientId, courses) {
  if (!courses.length) return null;
  return h('section.card', h('h2', 'Other courses'), h('ul', courses.sort((a, b) => b.id - a.id).map((c) => h('li',
    `Course #${c.id}: ${c.protocol}, ${c.status}${c.start_date ? ` from ${formatDate(c.start_date)}` : ''} `,
    c.status === 'planned' ? h('button', {
      type: 'button',
      onclick: async () => {
        try { await put(`/patients/${patientId}/courses/${c.id}/status`, { status: 'active' }); say(`Course #${c.id} is active.`, 'ok'); location.reload(); } catch (err) { say(err.message, 'error'); }
      },
    }, `Activate course #${c.id}`) : null))));
}

function prescriptionsCard(patientId, prescriptions) {
  return h('section.card', h('h2', 'Prescriptions'), prescriptions.length ? h('div.tablewrap', scrollAttrs(), h('table',
    h('thead', h('tr', h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Formulation'), h('th', { scope: 'col' }, 'Pharmacy'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, h('span.sr', 'Actions')))),
    h('tbody', prescriptions.map((p) => h('tr',
      h('td', String(p.id)), h('td', formulationText(p.formulation)), h('td', p.pharmacy), h('td', p.status),
      h('td', p.status === 'issued' || p.status === 'verified' ? h('button', {
        type: 'button',
        onclick: async () => {
          try { await put(`/patients/${patientId}/prescriptions/${p.id}/status`, { status: 'cancelled' }); say('Prescription cancelled.', 'ok'); location.reload(); } catch (err) { say(err.message, 'error'); }
        },
      }, `Cancel #${p.id}`) : '')))))) : h('p', 'None.'));
}

export function formulationText(f) {
  if (!f) return '';
  return f.form === 'liquid'
    ? `oral liquid ${mg(f.strength_mg)}/mL, ${f.quantity} mL; ${f.directions}`
    : `capsules ${mg(f.strength_mg)}, ${f.quantity}; ${f.directions}`;
}

async function courseCard(patientId, course, r) {
  const plan = planOf(course);
  const liquid = liquidOf(r.prescriptions, course.id);
  const adjustments = await get(`/patients/${patientId}/courses/${course.id}/adjustments`).catch(() => ({ adjustments: [] }));
  const today = r.today;
  const current = stepOn(plan, today);
  return h('section.card', h('h2', `Course #${course.id}: ${plan ? plan.protocol_name || plan.protocol : course.protocol} (${course.status})`),
    plan ? h('div.tablewrap', scrollAttrs(), h('table',
      h('thead', h('tr', h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'To'), h('th', { scope: 'col' }, 'Dose'), h('th', { scope: 'col' }, 'Time'))),
      h('tbody', plan.steps.map((s) => h('tr', { class: s === current ? 'current' : null },
        h('td', s.start), h('td', s.end || 'onwards'), h('td', mg(s.dose_mg), liquid ? ` (${ml(s.dose_mg, liquid.strength_mg)})` : ''), h('td', s.time)))))) : null,
    plan ? source(plan.source) : null,
    plan && (plan.findings || []).length ? h('ul', { 'data-test': 'plan-findings' }, plan.findings.map((f) => h('li',
      h(`span.flag${f.severity === 'info' ? '.none' : '.red'}`, f.severity === 'info' ? 'Note' : 'Not resumed'), ' ', f.message,
      h('details.small', h('summary', 'Where does this come from?'), h('p.source', `Rule ${f.rule}. ${f.source}`))))) : null,
    plan && (plan.changes || []).length ? h('ul', plan.changes.map((c) => h('li', typeof c === 'string' ? c
      : `${c.date}: ${c.change} (${c.reason})`))) : null,
    h('h3', 'Adjustments'),
    (adjustments.adjustments || []).length
      ? h('ul', adjustments.adjustments.map((a) => h('li', `${formatInstant(a.recorded_at, r.patient.time_zone)}: ${a.reason}`)))
      : h('p', 'None yet.'),
    course.status === 'planned' ? h('button', {
      type: 'button',
      onclick: async () => {
        try { await put(`/patients/${patientId}/courses/${course.id}/status`, { status: 'active' }); say('Course is active.', 'ok'); location.reload(); } catch (err) { say(err.message, 'error'); }
      },
    }, 'Activate this course') : null,
    adjustForm(patientId, course, today));
}

// The adjustment form adds one event to the course's events (the API replaces the whole list).
function adjustForm(patientId, course, today) {
  const reason = h('textarea', { id: uid('reason'), rows: '2', required: true });
  const type = h('select', { id: uid('type') },
    h('option', { value: 'side_effects' }, 'Side effects that have not settled'),
    h('option', { value: 'sleep_side_effects' }, 'Sleep side effects (insomnia, vivid dreams)'),
    h('option', { value: 'gap' }, 'A gap in dosing'),
    h('option', { value: 'none' }, 'No new event (titration note only)'));
  const date = h('input', { id: uid('date'), type: 'date', value: today });
  const name = h('input', { id: uid('name'), type: 'text', value: 'vivid_dreams' });
  const unsettled = h('input', { id: uid('days'), type: 'number', min: '0', value: '7' });
  const gapDays = h('input', { id: uid('gap'), type: 'number', min: '1', value: '14' });
  const titration = h('select', { id: uid('tit') }, h('option', { value: '' }, 'not stated'), h('option', { value: 'easy' }, 'easy'), h('option', { value: 'hard' }, 'hard'));
  const opioids = h('select', { id: uid('opi') }, h('option', { value: '' }, 'not asked'), h('option', { value: 'no' }, 'no'), h('option', { value: 'yes' }, 'yes'));
  const error = h('p.error', { role: 'alert' });
  return h('details', h('summary', 'Adjust the plan'), h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      const events = ((course.plan && course.plan.events) || []).slice();
      if (type.value === 'side_effects') events.push({ type: 'side_effects', date: date.value, name: name.value, days_unsettled: Number(unsettled.value) });
      if (type.value === 'sleep_side_effects') events.push({ type: 'sleep_side_effects', date: date.value, name: name.value, days_unsettled: Number(unsettled.value) });
      if (type.value === 'gap') {
        const gap = { type: 'gap', from: date.value, days: Number(gapDays.value) };
        if (opioids.value) gap.opioids_taken = opioids.value === 'yes';
        events.push(gap);
      }
      const body = { reason: reason.value.trim(), events };
      if (titration.value) body.titration = titration.value;
      try {
        await post(`/patients/${patientId}/courses/${course.id}/adjustments`, body);
        say('The plan was adjusted; the earlier plan is kept.', 'ok');
        location.reload();
      } catch (err) {
        error.textContent = err.field ? `${err.message} (${err.field})` : err.message;
      }
    },
  },
  field('Reason (kept with the adjustment)', reason),
  field('Event', type),
  h('div.row', field('Date (side effect) or first day of the gap', date), field('Side effect', name, 'vivid_dreams, insomnia, headache, nausea…'),
    field('Days not settled', unsettled), field('Gap length (days)', gapDays)),
  field('How was the titration so far?', titration, 'Matters after a gap: resume if easy, step down if hard (LDN Research Trust).'),
  field('Were opioids taken during the gap?', opioids, 'If yes, LDN is not resumed until a screening done after the gap allows it (the server uses the latest one).'),
  source('adjustment rules of docs/titration.md: halve and re-titrate when side effects do not settle; morning dosing for sleep side effects; resume or step down after a gap (LDN Research Trust; clinical-facts.md section 1).'),
  error, h('button.primary', { type: 'submit' }, 'Adjust the plan')));
}

// ---- New course: screening -> plan -> prescription ----------------------------------------------

export async function newCourse(main, id) {
  const patient = await get(`/patients/${id}`);
  setTitle(`New course: ${patient.display_name}`);
  const today = todayIn(patient.time_zone);
  const state = { step: 1, screening: null, course: null, prescription: null };
  const body = h('div');
  const stepper = h('ol.steps', { 'aria-label': 'Steps' });

  function renderStepper() {
    stepper.replaceChildren(...['Screening', 'Protocol plan', 'Prescription'].map((label, i) =>
      h('li', { 'aria-current': state.step === i + 1 ? 'step' : null }, `${i + 1}. ${label}`)));
  }

  function screeningStep() {
    const result = h('div', { 'aria-live': 'polite' });
    const jurisdiction = jurisdictionChoice();
    // A changed record makes an earlier result stale: clear it and screen again.
    const record = screeningRecord(id, today, () => { if (state.screening) { state.screening = null; result.replaceChildren(h('p.muted', 'The record changed: run the screening again.')); next.disabled = true; } });
    const next = h('button.primary', { type: 'button', disabled: true, onclick: () => { state.step = 2; render(); } }, 'Continue to the plan');
    const run = h('button.primary', {
      type: 'button',
      onclick: async () => {
        run.disabled = true;
        try {
          state.screening = await post(`/patients/${id}/screenings`, jurisdiction.value() ? { jurisdiction: jurisdiction.value() } : {});
          const r = state.screening.result;
          result.replaceChildren(screeningResult(r, state.screening.input));
          next.disabled = r.verdict === 'not_eligible';
          if (r.verdict === 'not_eligible') result.append(h('p.error', 'Not eligible: a course cannot be started.'));
        } catch (err) {
          result.replaceChildren(h('p.error', err.message));
        } finally {
          run.disabled = false;
        }
      },
    }, 'Run the screening');
    return h('section.card', h('h2', 'Screening'),
      h('p', 'The screening reads the medications and conditions on the record below. Add anything missing first, as written (brand, strength, form).'),
      record, jurisdiction.element,
      h('div.actions', run), result, h('div.actions', next));
  }

  function planStep() {
    const earliest = state.screening && state.screening.result.earliest_start;
    const protocol = h('select', { id: uid('protocol') }, PROTOCOLS.entries.map((p) => h('option', { value: p.id }, `${p.name}: ${p.start_mg} mg, +${p.increment_mg} mg every ${p.step_days.default} days, to ${p.target_mg ?? 'the maximum tolerated'} mg`)));
    const start = h('input', { id: uid('start'), type: 'date', value: earliest && earliest > today ? earliest : today });
    const time = h('select', { id: uid('time') }, h('option', { value: 'bedtime' }, 'bedtime'), h('option', { value: 'morning' }, 'morning'));
    const liquid = h('input', { id: uid('liq'), type: 'number', step: '0.1', min: '0', value: '1' });
    const info = h('div');
    const showInfo = () => {
      const p = PROTOCOLS.entries.find((x) => x.id === protocol.value);
      info.replaceChildren(h('p', p.notes || ''), p.uncertainty ? h('p.muted.small', `Uncertainty: ${p.uncertainty}`) : null, source(p.source));
    };
    protocol.addEventListener('change', showInfo);
    showInfo();
    const error = h('p.error', { role: 'alert' });
    return h('section.card', h('h2', 'Protocol plan'), h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        const create = e.target.querySelector('button[type="submit"]');
        create.disabled = true;
        const req = { protocol: protocol.value, start: start.value, time: time.value };
        if (Number(liquid.value) > 0) req.liquid_mg_per_ml = Number(liquid.value);
        try {
          state.course = await post(`/patients/${id}/courses`, req);
          state.step = 3;
          say(`Course #${state.course.id} planned.`, 'ok');
          render();
        } catch (err) {
          create.disabled = false;
          error.textContent = err.field ? `${err.message} (${err.field})` : err.message;
        }
      },
    },
    field('Protocol', protocol), info,
    h('div.row', field('First dose on', start, earliest ? `The screening allows a start from ${earliest}.` : null), field('Dose time', time, 'Bedtime is the convention; morning is the first answer to sleep side effects.'),
      field('Liquid strength, mg per mL (0 for capsules)', liquid, 'Shows each step in mL.')),
    error, h('button.primary', { type: 'submit' }, 'Create the plan')));
  }

  function prescriptionStep() {
    const plan = planOf(state.course);
    const pharmacy = h('input', { id: uid('ph'), type: 'text', value: 'Demo pharmacy' });
    const form = h('select', { id: uid('form') }, h('option', { value: 'liquid' }, 'oral liquid'), h('option', { value: 'capsule' }, 'capsules'));
    const strength = h('input', { id: uid('str'), type: 'number', step: '0.001', min: '0.001', max: '50', value: '1' });
    const quantity = h('input', { id: uid('qty'), type: 'number', min: '1', max: '10000', value: '150' });
    const directions = h('input', { id: uid('dir'), type: 'text', value: `Take as your titration plan says, at ${plan ? plan.time : 'bedtime'}.` });
    const error = h('p.error', { role: 'alert' });
    const done = h('div', { 'aria-live': 'polite' });
    return h('section.card', h('h2', 'Prescription'),
      plan ? h('div', h('p', `Plan: ${plan.steps.map((s) => mg(s.dose_mg)).join(' → ')} from ${formatLongDate(plan.start)}.`), source(plan.source)) : null,
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          const send = e.target.querySelector('button[type="submit"]');
          send.disabled = true;  // one prescription per click; stays disabled once sent
          try {
            state.prescription = await post(`/patients/${id}/prescriptions`, {
              course_id: state.course.id, pharmacy: pharmacy.value.trim(),
              formulation: { form: form.value, strength_mg: Number(strength.value), quantity: Number(quantity.value), directions: directions.value.trim() },
            });
            say(`Prescription #${state.prescription.id} sent to ${state.prescription.pharmacy}.`, 'ok');
            done.replaceChildren(h('p.saved', `Prescription #${state.prescription.id} sent to ${state.prescription.pharmacy}.`),
              h('p', h('a', { href: `#/patient/${id}` }, 'Back to the patient')));
          } catch (err) {
            send.disabled = false;
            error.textContent = err.field ? `${err.message} (${err.field})` : err.message;
          }
        },
      },
      field('Pharmacy', pharmacy),
      h('div.row', field('Form', form), field('Strength, mg naltrexone HCl (per capsule or per mL)', strength), field('Quantity (capsules or mL)', quantity)),
      field('Directions', directions),
      source('only 50 mg tablets exist: LDN is compounded (capsules with a non-calcium filler, or a 1 mg/mL liquid, Fawcett et al., Ann Pharmacother 1997); clinical-facts.md section 1.'),
      error, h('button.primary', { type: 'submit' }, 'Send to the pharmacy')), done);
  }

  function render() {
    renderStepper();
    body.replaceChildren(state.step === 1 ? screeningStep() : state.step === 2 ? planStep() : prescriptionStep());
    const heading = body.querySelector('h2');
    if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus(); }
  }
  mount(main, h('h1', `New course for ${patient.display_name}`), h('p.muted', `Dates in the patient's time zone, ${patient.time_zone}.`), stepper, body);
  render();
}

export { ApiError };
