// The patient chart (docs/clinic.md, "The chart"), for clinicians: a new patient with their
// demographics; the record's demographics; the medication list (add, change dose, stop with a
// date, last taken, source); conditions; allergies; adverse events with their CTCAE grade,
// seriousness, action taken and outcome; the patient's access to the app (invitation); and the
// diary's revision history; which diary items the patient is asked (web/js/diary_settings.js).
import {api, get, post} from './api.js';
import {say, setTitle} from './app.js';
import {diaryItemsCard} from './diary_settings.js';
import {field, h, mount, source, uid} from './dom.js';
import {addDays, formatDate, formatInstant, formatLongDate, todayIn} from './time.js';

const SEX = [['', 'not recorded'], ['female', 'female'], ['male', 'male'], ['unknown', 'unknown']];
const LANGUAGES = [['', 'not recorded'], ['en', 'English'], ['nb', 'Norwegian (Bokmål)'], ['nn', 'Norwegian (Nynorsk)'], ['da', 'Danish'],
  ['sv', 'Swedish'], ['fi', 'Finnish'], ['de', 'German'], ['fr', 'French'], ['es', 'Spanish']];
const JURISDICTIONS = [['', 'not recorded'], ['NO', 'Norway'], ['DK', 'Denmark'], ['SE', 'Sweden'], ['FI', 'Finland'], ['GB', 'United Kingdom'],
  ['IE', 'Ireland'], ['DE', 'Germany'], ['US', 'United States'], ['CA', 'Canada'], ['AU', 'Australia'], ['NZ', 'New Zealand']];
// CTCAE v5.0 (NCI, 2017) grades of the severity words the API stores; grade 5 is death (outcome "fatal").
const GRADES = [['mild', 1, 'Grade 1 (mild): asymptomatic or mild symptoms; no intervention'],
  ['moderate', 2, 'Grade 2 (moderate): minimal intervention; limits instrumental activities of daily living'],
  ['severe', 3, 'Grade 3 (severe): medically significant; limits self-care'],
  ['life_threatening', 4, 'Grade 4: life-threatening; urgent intervention']];
// ICH E2B(R3): action taken with the drug (G.k.8) and outcome (E.i.7).
const ACTIONS = [['', 'not recorded'], ['dose_not_changed', 'dose not changed'], ['dose_reduced', 'dose reduced'], ['dose_increased', 'dose increased'],
  ['drug_withdrawn', 'drug withdrawn'], ['not_applicable', 'not applicable'], ['unknown', 'unknown']];
const OUTCOMES = [['', 'not recorded'], ['recovering', 'recovering'], ['recovered', 'recovered'], ['recovered_with_sequelae', 'recovered with sequelae'],
  ['not_recovered', 'not recovered'], ['fatal', 'fatal'], ['unknown', 'unknown']];

const label = (list, v) => (list.find(([k]) => k === (v || '')) || [v, v])[1];
const select = (list, value, attrs = {}) => h('select', { id: uid('s'), ...attrs }, list.map(([v, t]) => h('option', { value: v, selected: v === (value || '') ? true : null }, t)));

function zones() {
  try { return Intl.supportedValuesOf('timeZone'); } catch { return ['UTC', 'Europe/Oslo', 'Europe/London', 'America/New_York']; }
}

function errorText(err) { return err.field ? `${err.message} (${err.field})` : err.message; }

// A small form that writes and then calls `done`; `build()` returns the body.
function writeForm(fields, submitText, build, done) {
  const error = h('p.error', { role: 'alert' });
  return h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      const button = e.target.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        await done(await build());
      } catch (err) {
        error.textContent = errorText(err);
      } finally {
        button.disabled = false;
      }
    },
  }, fields, error, h('button.primary', { type: 'submit' }, submitText));
}

function demographicFields(p = {}) {
  const c = {
    name: h('input', { id: uid('name'), type: 'text', required: true, value: p.display_name || '', autocomplete: 'off' }),
    dob: h('input', { id: uid('dob'), type: 'date', value: p.date_of_birth || '', max: todayIn(p.time_zone || 'UTC') }),
    sex: select(SEX, p.sex_at_birth),
    zone: h('select', { id: uid('tz') }, zones().map((z) => h('option', { value: z, selected: z === (p.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone) ? true : null }, z))),
    language: select(LANGUAGES, p.language),
    jurisdiction: select(JURISDICTIONS, p.jurisdiction),
    address: h('textarea', { id: uid('addr'), rows: '2' }, p.address || ''),
  };
  c.fields = [field('Name', c.name),
    h('div.row', field('Date of birth', c.dob, 'A prescription must carry it.'), field('Sex at birth', c.sex)),
    h('div.row', field('Time zone (diary dates follow it)', c.zone), field('Language', c.language)),
    h('div.row', field('Jurisdiction (the rules that apply)', c.jurisdiction), field('Address', c.address, 'Printed on prescriptions (UK, US).'))];
  c.body = () => ({ display_name: c.name.value.trim(), time_zone: c.zone.value, date_of_birth: c.dob.value || null, sex_at_birth: c.sex.value || null,
    language: c.language.value || null, jurisdiction: c.jurisdiction.value || null, address: c.address.value.trim() || null });
  return c;
}

// ---- New patient ---------------------------------------------------------------------------------

export async function newPatient(main) {
  setTitle('New patient');
  const teams = await get('/care-teams');
  const c = demographicFields();
  const team = h('select', { id: uid('team') }, teams.care_teams.map((t) => h('option', { value: String(t.id) }, t.name)));
  mount(main, h('h1', 'New patient'),
    h('section.card', writeForm([c.fields, field('Care team', team)], 'Create the patient', () => {
      const body = c.body();
      for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
      return post('/patients', { ...body, care_team_id: Number(team.value) });
    }, (p) => {
      say(`${p.display_name} was added. Record their medications next.`, 'ok');
      location.hash = `#/patient/${p.id}/chart`;
    })));
}

// ---- The chart ---------------------------------------------------------------------------------------

// `carry` lives across the chart's reloads: an invitation code just issued stays on screen when
// another card's save reloads the chart (it is shown only once, so it must not be lost).
export async function chart(main, id, carry = {}) {
  const base = `/patients/${id}`;
  const [patient, meds, conds, allergies, events, courses, access] = await Promise.all([
    get(base), get(`${base}/medications`), get(`${base}/conditions`), get(`${base}/allergies`), get(`${base}/adverse-events`),
    get(`${base}/courses`), get(`${base}/invitations`)]);
  const today = todayIn(patient.time_zone);
  setTitle(`Chart: ${patient.display_name}`);
  const reload = () => chart(main, id, carry);
  const diary = h('div', h('p.muted', 'Loading the diary history…'));
  mount(
      main, h('h1', `Chart: ${patient.display_name}`),
      h('p.muted',
        `Dates are in the patient's time zone, ${patient.time_zone}; today is ${formatLongDate(today)} there.`),
      h('div.actions', h('a.button', {href: `#/patient/${id}`}, 'Patient page'),
        h('a.button', {href: `#/patient/${id}/timeline`}, 'Timeline'),
        h('a.button', {href: `#/patient/${id}/messages`}, 'Messages'),
        h('a.button', {href: `#/patient/${id}/new-course`}, 'Start a new course'),
        h('a.button', {href: `#/patient/${id}/trial`}, 'Blinded trial (N-of-1)')),
      demographicsCard(patient, reload), accessCard(id, access, carry),
      medicationsCard(id, meds.medications, today, reload), conditionsCard(id, conds.conditions, today, reload),
      allergiesCard(id, allergies.allergies, reload),
      adverseEventsCard(id, events.adverse_events, courses.courses, today, reload), diaryItemsCard(id),
      h('section.card', {'aria-labelledby': 'dh'}, h('h2', {id: 'dh'}, 'Diary: what changed and when'), diary));
  loadDiaryChanges(id, diary);
}

function demographicsCard(p, reload) {
  const c = demographicFields(p);
  return h('section.card', { 'aria-labelledby': 'demo-h' }, h('h2', { id: 'demo-h' }, 'Demographics'),
    h('dl.facts',
      h('dt', 'Date of birth'), h('dd', p.date_of_birth ? formatLongDate(p.date_of_birth) : 'not recorded'),
      h('dt', 'Sex at birth'), h('dd', p.sex_at_birth || 'not recorded'),
      h('dt', 'Time zone'), h('dd', p.time_zone),
      h('dt', 'Language'), h('dd', p.language ? label(LANGUAGES, p.language) : 'not recorded'),
      h('dt', 'Jurisdiction'), h('dd', p.jurisdiction ? label(JURISDICTIONS, p.jurisdiction) : 'not recorded'),
      h('dt', 'Address'), h('dd', p.address || 'not recorded'),
      h('dt', 'Research id'), h('dd', p.research_id)),
    h('details', h('summary', 'Edit the demographics'),
      writeForm(c.fields, 'Save the demographics', () => api('PATCH', `/patients/${p.id}`, c.body()), () => { say('Demographics saved.', 'ok'); reload(); })),
    source('sex at birth: US Core birth sex (FHIR R4); language: BCP 47; jurisdiction: ISO 3166.'));
}

function inviteBox(inv) {
  const link = `${location.origin}${inv.link}`;
  return h(
      'div.code-box',
      h('p', 'Give this code to the patient now. It is shown only once, works once and expires ',
        h('strong', formatInstant(inv.expires_at, 'UTC')), ' UTC.'),
      h('p.code', {'data-code': inv.code}, inv.code), h('p.small', 'Or the link: ', h('a', {href: inv.link}, link)));
}

function accessCard(id, access, carry) {
  const out = h('div', {id: 'invite-out', 'aria-live': 'polite'}, carry.invite ? inviteBox(carry.invite) : null);
  const list = access.invitations.slice().reverse();
  return h('section.card', { 'aria-labelledby': 'acc-h' }, h('h2', { id: 'acc-h' }, 'Access to the app'),
    access.account
      ? h('p', `The patient has an account: ${access.account.username}${access.account.disabled ? ' (disabled)' : ''}, since ${formatInstant(access.account.created_at, 'UTC')} UTC.`)
      : h('div', h('p', 'No account yet. An invitation gives the patient a one-time code with which they choose their username and password.'),
        h('button.primary', {
          type: 'button',
          onclick: async (e) => {
            e.target.disabled = true;
            try {
              const inv = await post(`/patients/${id}/invitations`);
              carry.invite = inv;
              // The chart may have been drawn again while the request ran: write into the one on screen.
              (document.getElementById('invite-out') || out).replaceChildren(inviteBox(inv));
            } catch (err) {
              (document.getElementById('invite-out') || out).replaceChildren(h('p.error', errorText(err)));
            }
            e.target.disabled = false;
          },
        }, list.length ? 'Send a new invitation' : 'Invite to the app')),
    out,
    list.length ? h('ul.small', list.map((i) => h('li', `Invitation of ${formatInstant(i.created_at, 'UTC')} UTC: ${i.status}${i.status === 'open' ? `, expires ${formatInstant(i.expires_at, 'UTC')} UTC` : ''}`))) : null,
    source('one-time codes, stored hashed, valid 7 days (docs/clinic.md; OWASP Forgot Password Cheat Sheet).'));
}

// ---- Medications --------------------------------------------------------------------------------------

function historyList(items) {
  if (!items || !items.length) return null;
  return h('details', h('summary', 'History'), h('ul.small', items.slice().reverse().map((x) => h('li', `${formatInstant(x.at, 'UTC')} UTC: ${x.change}`))));
}

function medicationLine(m) {
  const parts = [m.dose || 'dose not recorded', m.source === 'prescribed' ? 'prescribed' : 'patient-reported'];
  if (m.start_date) parts.push(`since ${formatDate(m.start_date)}`);
  if (!m.active) parts.push(m.stop_date ? `stopped ${formatDate(m.stop_date)}${m.stop_reason ? ` (${m.stop_reason})` : ''}` : 'stopped');
  if (m.last_taken) parts.push(`last taken ${formatDate(m.last_taken)}`);
  return parts.join(' · ');
}

function medicationsCard(id, meds, today, reload) {
  const patch = (m, body, msg) => api('PATCH', `/patients/${id}/medications/${m.id}`, body).then(() => { say(msg, 'ok'); reload(); });
  const rows = meds.slice().sort((a, b) => (b.active - a.active) || a.name.localeCompare(b.name)).map((m) => {
    const dose = h('input', { id: uid('dose'), type: 'text', value: m.dose || '' });
    const stop = h('input', { id: uid('stop'), type: 'date', max: today, value: today });
    const why = h('input', { id: uid('why'), type: 'text' });
    const last = h('input', { id: uid('last'), type: 'date', max: today, value: m.last_taken || today });
    return h('li.record', { 'data-medication': m.name },
      h('p', h('strong', m.name), m.active ? '' : h('span.flag', ' stopped')), h('p.small', medicationLine(m)),
      m.note ? h('p.small.muted', m.note) : null,
      h('div.record-actions',
        h('details', h('summary', `Change the dose of ${m.name}`), writeForm(field('New dose', dose), 'Save the dose',
          () => patch(m, { dose: dose.value.trim() }, `${m.name}: dose changed.`), () => {})),
        m.active
          ? h('details', h('summary', `Stop ${m.name}`), writeForm([field('Stopped on', stop), field('Why (optional)', why)], `Stop ${m.name}`,
            () => patch(m, why.value.trim() ? { stop_date: stop.value, stop_reason: why.value.trim() } : { stop_date: stop.value }, `${m.name} stopped.`), () => {}))
          : h('button', { type: 'button', onclick: () => patch(m, { active: true }, `${m.name} restarted.`).catch((err) => say(errorText(err), 'error')) }, `Restart ${m.name}`),
        h('details', h('summary', `Last taken (${m.name})`), writeForm(field('Last taken on', last), 'Save the last dose',
          () => patch(m, { last_taken: last.value }, `${m.name}: last dose saved.`), () => {}))),
      historyList(m.history));
  });
  const name = h('input', { id: uid('mname'), type: 'text', required: true, autocomplete: 'off' });
  const dose = h('input', { id: uid('mdose'), type: 'text', placeholder: 'e.g. 50 mg twice daily' });
  const src = select([['patient-reported', 'patient-reported'], ['prescribed', 'prescribed']], 'patient-reported');
  const start = h('input', { id: uid('mstart'), type: 'date', max: today });
  const stopped = h('input', { id: uid('mstop'), type: 'date', max: today });
  const last = h('input', { id: uid('mlast'), type: 'date', max: today });
  const add = writeForm([
    h('div.row', field('Medication', name, 'Generic or brand name; the screening flags names it does not know.'), field('Dose', dose)),
    h('div.row', field('Source', src), field('Started on', start)),
    h('div.row', field('Stopped on (if no longer taken)', stopped), field('Last taken', last, 'For opioids the washout counts from the last dose.'))],
  'Add the medication', () => {
    const body = { name: name.value.trim(), source: src.value };
    if (dose.value.trim()) body.dose = dose.value.trim();
    if (start.value) body.start_date = start.value;
    if (stopped.value) body.stop_date = stopped.value;
    if (last.value) body.last_taken = last.value;
    return post(`/patients/${id}/medications`, body);
  }, (m) => { say(`${m.name} added.`, 'ok'); reload(); });
  return h('section.card', { 'aria-labelledby': 'med-h' }, h('h2', { id: 'med-h' }, 'Medications'),
    rows.length ? h('ul.records', rows) : h('p', 'None recorded.'),
    h('details', h('summary', 'Add a medication'), add),
    source('the screening reads this list (current medications, and the last dose of stopped ones): docs/screening.md.'));
}

// ---- Conditions and allergies ------------------------------------------------------------------------

function conditionsCard(id, conds, today, reload) {
  const rows = conds.map((c) => {
    const resolved = h('input', { id: uid('res'), type: 'date', max: today, value: today });
    return h('li.record', h('p', h('strong', c.name), c.active ? '' : ` (resolved${c.resolved_date ? ` ${formatDate(c.resolved_date)}` : ''})`),
      c.onset_date ? h('p.small', `since ${formatDate(c.onset_date)}`) : null, c.note ? h('p.small.muted', c.note) : null,
      c.active ? h('details', h('summary', `Resolve ${c.name}`), writeForm(field('Resolved on', resolved), 'Resolve',
        () => api('PATCH', `/patients/${id}/conditions/${c.id}`, { resolved_date: resolved.value }), () => { say(`${c.name} resolved.`, 'ok'); reload(); })) : null,
      historyList(c.history));
  });
  const name = h('input', { id: uid('cname'), type: 'text', required: true });
  const onset = h('input', { id: uid('conset'), type: 'date', max: today });
  const note = h('input', { id: uid('cnote'), type: 'text' });
  return h('section.card', { 'aria-labelledby': 'cond-h' }, h('h2', { id: 'cond-h' }, 'Conditions'),
    rows.length ? h('ul.records', rows) : h('p', 'None recorded.'),
    h('details', h('summary', 'Add a condition'), writeForm([h('div.row', field('Condition', name), field('Since', onset)), field('Note', note)], 'Add the condition', () => {
      const body = { name: name.value.trim() };
      if (onset.value) body.onset_date = onset.value;
      if (note.value.trim()) body.note = note.value.trim();
      return post(`/patients/${id}/conditions`, body);
    }, (c) => { say(`${c.name} added.`, 'ok'); reload(); })));
}

function allergiesCard(id, allergies, reload) {
  const rows = allergies.map((a) => h('li.record', h('p', h('strong', a.substance), a.active ? '' : ' (no longer active)'),
    h('p.small', [a.reaction, a.severity].filter(Boolean).join(' · ') || 'reaction not recorded'),
    a.active ? h('button', { type: 'button', onclick: () => api('PATCH', `/patients/${id}/allergies/${a.id}`, { active: false }).then(() => { say('Allergy marked inactive.', 'ok'); reload(); }).catch((err) => say(errorText(err), 'error')) }, `Mark the ${a.substance} allergy inactive`) : null,
    historyList(a.history)));
  const substance = h('input', { id: uid('asub'), type: 'text', required: true });
  const reaction = h('input', { id: uid('areact'), type: 'text' });
  const severity = select([['', 'not recorded'], ['mild', 'mild'], ['moderate', 'moderate'], ['severe', 'severe'], ['unknown', 'unknown']], '');
  return h('section.card', { 'aria-labelledby': 'all-h' }, h('h2', { id: 'all-h' }, 'Allergies and intolerances'),
    rows.length ? h('ul.records', rows) : h('p', 'None recorded.'),
    h('details', h('summary', 'Add an allergy'), writeForm([h('div.row', field('Substance', substance), field('Reaction', reaction)), field('Severity', severity)], 'Add the allergy', () => {
      const body = { substance: substance.value.trim() };
      if (reaction.value.trim()) body.reaction = reaction.value.trim();
      if (severity.value) body.severity = severity.value;
      return post(`/patients/${id}/allergies`, body);
    }, (a) => { say(`Allergy to ${a.substance} added.`, 'ok'); reload(); })));
}

// ---- Adverse events --------------------------------------------------------------------------------------

function gradeOf(e) { const g = GRADES.find(([s]) => s === e.severity); return g ? g[1] : '?'; }

function adverseEventsCard(id, events, courses, today, reload) {
  const courseOptions = [['', 'no course'], ...courses.map((c) => [String(c.id), `course #${c.id} (${c.protocol}, ${c.status})`])];
  const rows = events.slice().sort((a, b) => b.id - a.id).map((e) => {
    const d = e.details || {};
    const sev = select(GRADES.map(([s, , t]) => [s, t]), e.severity);
    const serious = h('input', { id: uid('ser'), type: 'checkbox', checked: e.serious });
    const action = select(ACTIONS, d.action_taken);
    const outcome = select(OUTCOMES, d.outcome);
    const course = select(courseOptions, e.course_id ? String(e.course_id) : '');
    const note = h('input', { id: uid('aenote'), type: 'text', value: d.note || '' });
    return h('li.record', h('p', h('strong', e.description), ` · grade ${gradeOf(e)} (${e.severity.replace('_', ' ')})`, e.serious ? h('span.flag.red', ' serious') : ''),
      h('p.small', `onset ${formatDate(e.onset_date)} · action: ${label(ACTIONS, d.action_taken)} · outcome: ${label(OUTCOMES, d.outcome)}${e.course_id ? ` · course #${e.course_id}` : ''}`),
      h('details', h('summary', `Follow up: ${e.description}`), writeForm([
        field('Grade (CTCAE v5.0)', sev), h('div.choice', serious, h('label', { for: serious.id }, 'Serious (hospitalisation, disability, life-threatening, death: ICH E2A)')),
        h('div.row', field('Action taken with LDN', action), field('Outcome', outcome)), h('div.row', field('Course', course), field('Note', note))],
      'Save the follow-up', () => api('PATCH', `/patients/${id}/adverse-events/${e.id}`, {
        severity: sev.value, serious: serious.checked, action_taken: action.value || null, outcome: outcome.value || null,
        course_id: course.value ? Number(course.value) : null, note: note.value.trim() || null,
      }), () => { say('Follow-up saved.', 'ok'); reload(); })),
      historyList(d.history));
  });
  const onset = h('input', { id: uid('aeon'), type: 'date', max: today, value: today });
  const what = h('input', { id: uid('aewhat'), type: 'text', required: true });
  const sev = select(GRADES.map(([s, , t]) => [s, t]), 'mild');
  const serious = h('input', { id: uid('aeser'), type: 'checkbox' });
  const course = select(courseOptions, courses.length ? String(courses.slice().sort((a, b) => b.id - a.id)[0].id) : '');
  const action = select(ACTIONS, '');
  const outcome = select(OUTCOMES, '');
  return h('section.card', { 'aria-labelledby': 'ae-h' }, h('h2', { id: 'ae-h' }, 'Adverse events'),
    rows.length ? h('ul.records', rows) : h('p', 'None reported.'),
    h('details', h('summary', 'Record an adverse event'), writeForm([
      h('div.row', field('Onset', onset), field('What happened', what)), field('Grade (CTCAE v5.0)', sev),
      h('div.choice', serious, h('label', { for: serious.id }, 'Serious (ICH E2A)')),
      h('div.row', field('Course', course), field('Action taken with LDN', action)), field('Outcome', outcome)],
    'Record the adverse event', () => {
      const body = { onset_date: onset.value, description: what.value.trim(), severity: sev.value, serious: serious.checked };
      if (course.value) body.course_id = Number(course.value);
      if (action.value) body.action_taken = action.value;
      if (outcome.value) body.outcome = outcome.value;
      return post(`/patients/${id}/adverse-events`, body);
    }, () => { say('Adverse event recorded.', 'ok'); reload(); })),
    source('grades: Common Terminology Criteria for Adverse Events v5.0 (NCI, 2017); seriousness: ICH E2A; action taken and outcome: ICH E2B(R3).'));
}

// ---- Diary revision history --------------------------------------------------------------------------------

function shown(v) {
  if (v === null || v === undefined) return '–';
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' ? `${x.name}${x.severity ? ` (${x.severity})` : ''}` : x)).join(', ') : 'none';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

async function loadDiaryChanges(id, box) {
  try {
    const r = await get(`/patients/${id}/diary-changes?from=${addDays(todayIn('UTC'), -366)}`);
    box.replaceChildren(r.days.length
      ? h('ul.records', r.days.map((d) => h('li.record', h('p', h('strong', formatLongDate(d.date)), ` · ${d.revisions.length} versions`),
        h('ol.small', d.revisions.map((v) => h('li', `${formatInstant(v.recorded_at, 'UTC')} UTC by ${v.recorded_by_name || `user ${v.recorded_by}`}: `,
          v.revision === 1 ? 'first entry' : (v.changes.length ? v.changes.map((c) => `${c.item} ${shown(c.from)} → ${shown(c.to)}`).join('; ') : 'no change')))))))
      : h('p', 'No diary day has been edited in the last year.'));
  } catch (err) {
    box.replaceChildren(h('p.error', errorText(err)));
  }
}
