// The clinician's pages: a patient's detail, the new-course flow
// (screening -> protocol plan -> prescription) and plan adjustments with their reasons.
import {ApiError, get, post, put} from './api.js';
import {say, setTitle} from './app.js';
import {currentCourse, liquidOf, mg, ml, planOf, stepOn} from './clinical.js';
import {courseInterlocks, flagsCard, gateView, recentDaysCard} from './clinician_safety.js';
import {field, h, mount, source, stackTable, uid} from './dom.js';
import {downloadLink} from './download.js';
import {PROTOCOLS} from './kb.js';
import {orderForm, ordersCard} from './orders.js';
import {scoreText} from './patient.js';
import {jurisdictionChoice, screeningRecord, screeningResult} from './screening_view.js';
import {addDays, daysBetween, formatDate, formatInstant, formatLongDate, todayIn} from './time.js';

async function loadPatient(id) {
  const p = `/patients/${id}`;
  const patient = await get(p);
  const today = todayIn(patient.time_zone);
  const [courses, screenings, diary, rx, flags] = await Promise.all([
    get(`${p}/courses`), get(`${p}/screenings`),
    get(`${p}/diary?from=${addDays(today, -13)}&to=${today}`),
    get(`${p}/prescriptions`), get(`${p}/flags`),
  ]);
  return { patient, today, courses: courses.courses, screenings: screenings.screenings,
    diary: diary.entries, prescriptions: rx.prescriptions, flags: flags.flags };
}

// The panel is in panel.js (issue 13, item 5: search, sort, filter by flag, paging).
export { panel } from './panel.js';

// The PDF report, downloaded with a refusal said in words (web/js/download.js).
function reportLink(id) {
  return downloadLink({
    href: `/api/v1/patients/${id}/report.pdf`,
    file: `ldn-report-patient-${id}.pdf`,
    label: 'Download the response report (PDF)',
    what: 'report'
  });
}

export async function patientDetail(main, id) {
  const r = await loadPatient(id);
  const reload = () => patientDetail(main, id);
  setTitle(r.patient.display_name);
  const course = currentCourse(r.courses);
  const instruments = await get(`/patients/${id}/instruments`).catch(() => ({ instruments: [] }));
  const { progressPanel } = await import('./progress.js');
  const charts = await progressPanel(id, r.patient.time_zone);
  mount(main,
    h('h1', r.patient.display_name),
    h('p.muted', `Time zone ${r.patient.time_zone}; research id ${r.patient.research_id}; today is ${formatLongDate(r.today)} for this patient.`),
    flagsCard(id, r.flags, r.patient.time_zone, reload),
    h('div.actions',
      h('a.button', { href: `#/patient/${id}/chart` }, 'Chart'),
      h('a.button', { href: `#/patient/${id}/timeline` }, 'Timeline'),
      h('a.button', { href: `#/patient/${id}/messages` }, 'Messages'),
      h('a.button', { href: `#/patient/${id}/new-course` }, 'Start a new course'),
      reportLink(id)),
    charts,
    recentDaysCard(r.diary, r.today),
    h('section.card', h('h2', 'Questionnaires'), instruments.instruments.length
      ? h('ul', instruments.instruments.map((x) => h('li', `${formatDate(x.date)}: ${x.instrument.toUpperCase()} ${scoreText(x)}`)))
      : h('p', 'None yet.')),
    course ? await courseCard(id, course, r, reload) : h('section.card', h('h2', 'Treatment'), h('p', 'No course yet.')),
    otherCourses(id, r.courses.filter((c) => !course || c.id !== course.id), r.patient.time_zone, reload),
    ordersCard(id, r.prescriptions, reload));
}

function otherCourses(patientId, courses, tz, reload) {
  if (!courses.length) return null;
  return h('section.card', h('h2', 'Other courses'), h('ul', courses.sort((a, b) => b.id - a.id).map((c) => h('li',
    `Course #${c.id}: ${c.protocol}, ${c.interlocks && c.interlocks.discarded ? 'discarded' : c.status}${c.start_date ? ` from ${formatDate(c.start_date)}` : ''} `,
    courseInterlocks(patientId, c, tz, reload)))));
}

export function formulationText(f) {
  if (!f) return '';
  return f.form === 'liquid'
    ? `oral liquid ${mg(f.strength_mg)}/mL, ${f.quantity} mL; ${f.directions}`
    : `capsules ${mg(f.strength_mg)}, ${f.quantity}; ${f.directions}`;
}

async function courseCard(patientId, course, r, reload) {
  const plan = planOf(course);
  const liquid = liquidOf(r.prescriptions, course.id);
  const adjustments = await get(`/patients/${patientId}/courses/${course.id}/adjustments`).catch(() => ({ adjustments: [] }));
  const today = r.today;
  const current = stepOn(plan, today);
  return h(
      'section.card',
      h('h2',
        `Course #${course.id}: ${plan ? plan.protocol_name || plan.protocol : course.protocol} (${course.status})`),
      plan ? stackTable(
                 `Dose steps of course ${course.id}`, ['From', 'To', 'Dose', 'Time'],
                 plan.steps.map((s) => ({
                                  attrs: {class: s === current ? 'current' : null},
                                  cells: [
                                    s.start, s.end || 'onwards',
                                    [mg(s.dose_mg), liquid ? ` (${ml(s.dose_mg, liquid.strength_mg)})` : ''], s.time
                                  ]
                                }))) :
             null,
      plan ? source(plan.source) : null,
      plan && (plan.findings || []).length ? h('ul', {'data-test': 'plan-findings'},
                                               plan.findings.map(
                                                   (f) =>
                                                       h('li',
                                                         h(`span.flag${f.severity === 'info' ? '.none' : '.red'}`,
                                                           f.severity === 'info' ? 'Note' : 'Not resumed'),
                                                         ' ', f.message,
                                                         h('details.small', h('summary', 'Where does this come from?'),
                                                           h('p.source', `Rule ${f.rule}. ${f.source}`))))) :
                                             null,
      plan && (plan.changes || []).length ?
          h('ul',
            plan.changes.map((c) => h('li', typeof c === 'string' ? c : `${c.date}: ${c.change} (${c.reason})`))) :
          null,
      h('h3', 'Adjustments'),
      (adjustments.adjustments || []).length ?
          h('ul',
            adjustments.adjustments.map(
                (a) => h('li', `${formatInstant(a.recorded_at, r.patient.time_zone)}: ${a.reason}`))) :
          h('p', 'None yet.'),
      courseInterlocks(patientId, course, r.patient.time_zone, reload), adjustForm(patientId, course, today));
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
          // Not eligible forbids a course; the clinician may still go on only to override it with a
          // written reason, which the server stores, audits and shows (issue 12, docs/safety.md).
          if (r.verdict === 'not_eligible') {
            result.append(h('p.error', 'Not eligible: a course cannot be started, unless you override this with a written reason.'),
              h('div.actions', h('button', { type: 'button', onclick: () => { state.step = 2; render(); } }, 'Plan anyway: override with a written reason')));
          }
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

  // The plan, gated: the first dose is proposed by the server's course gate (washout end, baseline
  // end) and cannot be set earlier in the form unless the clinician overrides with a reason.
  function planStep() {
    const protocol = h('select', { id: uid('protocol') }, PROTOCOLS.entries.map((p) => h('option', { value: p.id }, `${p.name}: ${p.start_mg} mg, +${p.increment_mg} mg every ${p.step_days.default} days, to ${p.target_mg ?? 'the maximum tolerated'} mg`)));
    const start = h('input', { id: uid('start'), type: 'date', value: today, required: true });
    const earlier = h('input', { id: uid('earlier'), type: 'checkbox' });
    const time = h('select', { id: uid('time') }, h('option', { value: 'bedtime' }, 'bedtime'), h('option', { value: 'morning' }, 'morning'));
    const liquid = h('input', { id: uid('liq'), type: 'number', step: '0.1', min: '0', value: '1' });
    const info = h('div');
    const limits = h('div', { 'aria-live': 'polite' });
    const gateBox = h('div', { 'aria-live': 'polite' });
    let view = null;
    let gateLoads = 0;  // data-loads on the box: each redraw of the gate, for the browser tests
    let proposal = null;
    const showInfo = () => {
      const p = PROTOCOLS.entries.find((x) => x.id === protocol.value);
      info.replaceChildren(h('p', p.notes || ''), p.uncertainty ? h('p.muted.small', `Uncertainty: ${p.uncertainty}`) : null, source(p.source));
    };
    protocol.addEventListener('change', showInfo);
    showInfo();
    async function loadGate(date) {
      const gate = await get(`/patients/${id}/course-gate${date ? `?start=${date}` : ''}`);
      view = gateView(gate, {keep: view ? view.decisions() : {}});
      gateLoads += 1;
      gateBox.dataset.loads = String(gateLoads);
      gateBox.replaceChildren(h('h3', 'Safety gate'), view.el);
      return gate;
    }
    function explainLimits() {
      const b = proposal.baseline;
      limits.replaceChildren(h('p', h('strong', `First dose from ${formatLongDate(proposal.proposed_start)}. `),
        proposal.washout_end ? `The screening allows a start from ${formatLongDate(proposal.washout_end)}${proposal.screening && proposal.screening.verdict === 'wait' ? ' (the end of the opioid washout)' : ''}. ` : '',
        `The baseline needs ${b.days_required} diary days with pain before the first dose (${b.days_recorded} recorded, ${b.days_to_come} to come): it allows a first dose from ${formatLongDate(b.ready_on)}.`,
        ' The patient is asked for a baseline FIQR too.'));
    }
    earlier.addEventListener('change', () => {
      if (earlier.checked) start.removeAttribute('min'); else if (proposal) start.min = proposal.proposed_start;
    });
    start.addEventListener('change', () => { if (start.value) loadGate(start.value).catch((err) => gateBox.replaceChildren(h('p.error', err.message))); });
    (async () => {
      try {
        proposal = await loadGate(null);
        start.value = proposal.proposed_start;
        start.min = proposal.proposed_start;
        explainLimits();
      } catch (err) {
        limits.replaceChildren(h('p.error', err.message));
      }
    })();
    const error = h('p.error', { role: 'alert' });
    return h('section.card', h('h2', 'Protocol plan'), h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        const create = e.target.querySelector('button[type="submit"]');
        create.disabled = true;
        const req = { protocol: protocol.value, start: start.value, time: time.value, ...(view ? view.decisions() : {}) };
        if (Number(liquid.value) > 0) req.liquid_mg_per_ml = Number(liquid.value);
        try {
          state.course = await post(`/patients/${id}/courses`, req);
          state.step = 3;
          say(`Course #${state.course.id} planned: first dose ${formatLongDate(state.course.start_date)}.`, 'ok');
          render();
        } catch (err) {
          create.disabled = false;
          error.textContent = err.field ? `${err.message} (${err.field})` : err.message;
          if (start.value) loadGate(start.value).catch(() => {});
        }
      },
    },
    field('Protocol', protocol), info,
    limits,
    h('div.row', field('First dose on', start, 'The earliest date the screening and the baseline allow is set as the limit.'), field('Dose time', time, 'Bedtime is the convention; morning is the first answer to sleep side effects.'),
      field('Liquid strength, mg per mL (0 for capsules)', liquid, 'Shows each step in mL.')),
    h('div.choice.block', earlier, h('label', { for: earlier.id }, 'Allow an earlier first dose (an override: give a written reason below)')),
    gateBox,
    error, h('button.primary', { type: 'submit' }, 'Create the plan')));
  }

  // The order: drafted from the plan, routed to a pharmacy, signed (orders.js).
  function prescriptionStep() {
    const holder = h('div', h('p.muted', 'Loading…'));
    orderForm(id, state.course, { onSigned: (rx) => { state.prescription = rx; } })
      .then((el) => { holder.replaceChildren(el); const hd = el.querySelector('h2'); if (hd) { hd.setAttribute('tabindex', '-1'); hd.focus(); } })
      .catch((err) => holder.replaceChildren(h('p.error', err.message)));
    return holder;
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
