// The clinician's screening step (docs/screening.md): the record it reads (medications with their
// status and last dose, conditions), forms to add to it, the label jurisdiction, and the result:
// the verdict and the dates that
// matter, then each finding with how the name was read (both readings when a name is ambiguous),
// which label makes a condition a contraindication and which only a warning, the words the screen
// did not recognise, and the source behind a "Where does this come from?" disclosure.
import { h, field, source, uid } from './dom.js';
import { get, post } from './api.js';
import { formatLongDate } from './time.js';
import { JURISDICTIONS } from './kb.js';

const SEVERITY_WORDS = { not_eligible: 'Not eligible', review: 'Review', wait: 'Wait', info: 'Note' };
const KIND_WORDS = { contraindication: 'Contraindication', warning: 'Warning only', precaution: 'Precaution only' };

function severityTag(severity) {
  const cls = severity === 'not_eligible' ? 'flag.red' : severity === 'info' ? 'flag.none' : 'flag';
  return h(`span.${cls}`, SEVERITY_WORDS[severity] || severity);
}

// "Tylenol No. 3 (codeine + paracetamol), opioid" -- one line per reading of a name.
function readingText(r) {
  const inns = (r.ingredients || []).map((i) => i.inn + (i.opioid_class ? ` (${i.opioid_class.replace('_', '-')})` : '')).join(' + ');
  const markets = r.markets && r.markets.length ? ` [${r.markets.join(', ').toUpperCase()}]` : '';
  return `“${r.text}” = ${r.name}${inns && inns !== r.name ? `: ${inns}` : ''}${markets}${r.opioid ? ' — contains an opioid' : ' — no opioid'}`;
}

function readingsBlock(f) {
  const readings = f.readings || [];
  const ambiguous = readings.some((r) => r.alternative);
  if (!ambiguous && readings.length < 2) return null;
  return h('div.small', h('strong', ambiguous ? 'Two readings of this name:' : 'Read as:'),
    h('ul', { 'data-test': 'readings' }, readings.map((r) => h('li', (r.alternative ? 'Or, with the dropped word: ' : '') + readingText(r)))));
}

function labelsBlock(f) {
  const l = f.labels;
  if (!l || !l.by_kind) return null;
  const rows = Object.entries(l.by_kind).map(([kind, list]) => h('li',
    h('strong', `${KIND_WORDS[kind] || kind}: `), list.map((x) => `${x.name}${x.verified === false ? ' (not verified)' : ''}`).join('; ')));
  const applied = l.applied ? (l.most_restrictive ? `Jurisdiction ${l.applied.toUpperCase()}: its label was not verified for this, so the most restrictive rule applies.`
    : `Jurisdiction ${l.applied.toUpperCase()}: its own label applies.`) : 'No jurisdiction set: the most restrictive label rule applies.';
  return h('div.small', { 'data-test': 'labels' }, h('strong', 'Labels differ:'), h('ul', rows), h('p.muted', applied));
}

function extrasBlock(f) {
  const out = [];
  if (f.unknown_remainder && f.unknown_remainder.length) {
    out.push(h('p.small', { 'data-test': 'remainder' }, h('strong', 'Not recognised: '), f.unknown_remainder.map((w) => `“${w}”`).join(', '),
      ' — confirm the whole product with the patient or pharmacy.'));
  }
  if (f.washout_end) out.push(h('p.small', { 'data-test': 'washout-end' }, h('strong', 'Washout ends: '), formatLongDate(f.washout_end)));
  if (f.blocked_until) out.push(h('p.small', h('strong', 'Opioid blockade until about: '), formatLongDate(f.blocked_until)));
  if (f.window_end) out.push(h('p.small', h('strong', 'Trial exclusion window ends: '), formatLongDate(f.window_end)));
  if (f.recommended_protocol) out.push(h('p.small', h('strong', 'Recommended protocol: '), f.recommended_protocol));
  return out;
}

function subjectText(f, input) {
  const m = /^(medications|conditions)\[(\d+)\]$/.exec(f.subject || '');
  if (!m || !input) return f.subject === 'planned_surgery' ? 'Planned surgery' : null;
  const item = (input[m[1]] || [])[Number(m[2])];
  if (!item) return null;
  return m[1] === 'medications' ? `Medication: ${item.name}` : `Condition: ${item}`;
}

// The verdict line: what the clinician may do and from when.
function verdictBlock(r) {
  const words = { eligible: 'eligible', wait: 'wait', review: 'clinician review needed', not_eligible: 'not eligible' };
  const lines = [h('p.big', { 'data-test': 'verdict' }, 'Verdict: ', h('span.verdict', words[r.verdict] || r.verdict))];
  if (r.verdict === 'eligible') lines.push(h('p', 'LDN may start today.'));
  else if (r.verdict === 'wait' && r.earliest_start) lines.push(h('p', { 'data-test': 'earliest' }, `Earliest start: ${formatLongDate(r.earliest_start)} (when the opioid washout ends).`));
  else if (r.earliest_start) {
    lines.push(h('p', { 'data-test': 'earliest' }, `Opioid washout ends ${formatLongDate(r.earliest_start)}; `,
      r.verdict === 'not_eligible' ? 'the not-eligible findings below must be resolved first (a current opioid must be stopped, then its own washout waited out).'
        : 'the review findings below must be resolved first.'));
  }
  if (r.jurisdiction && r.jurisdiction.rule) lines.push(h('p.muted.small', r.jurisdiction.rule));
  return lines;
}

// The whole result; `input` is the screening's input (to name each finding's medication or condition).
export function screeningResult(r, input) {
  const order = { not_eligible: 0, review: 1, wait: 2, info: 3 };
  const findings = r.findings.slice().sort((a, b) => (order[a.severity] ?? 9) - (order[b.severity] ?? 9));
  return h('div', { 'data-test': 'screening-result' },
    verdictBlock(r),
    h('ul.findings', findings.map((f) => h('li', { 'data-rule': f.rule },
      severityTag(f.severity), ' ', subjectText(f, input) ? h('strong', subjectText(f, input), ': ') : null, f.message,
      readingsBlock(f), labelsBlock(f), extrasBlock(f),
      h('details.small', h('summary', 'Where does this come from?'), h('p.source', `Rule ${f.rule}. ${f.source}`))))),
    h('details.small', h('summary', 'Knowledge base versions'),
      h('p.source', Object.entries(r.knowledge_base || {}).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('; '))));
}

// The record the screening reads, with forms to add a medication (current, or stopped with the date
// of the last dose: that date sets the washout) and a condition, as the clinician writes them. The
// server reads the whole record when it screens; the names are matched there, never here.
export function screeningRecord(patientId, today, onChange) {
  const box = h('div', { 'data-test': 'screening-record' });
  const medError = h('p.error', { role: 'alert' });
  const condError = h('p.error', { role: 'alert' });
  const medName = h('input', { id: uid('med'), type: 'text', autocomplete: 'off', maxlength: '200' });
  const medStatus = h('select', { id: uid('medst') }, h('option', { value: 'current' }, 'taking it now'), h('option', { value: 'stopped' }, 'stopped'));
  const lastTaken = h('input', { id: uid('last'), type: 'date', max: today });
  const condName = h('input', { id: uid('cond'), type: 'text', autocomplete: 'off', maxlength: '200' });
  const lists = h('div.grid2');

  // `initial`: the first load, which changes nothing: a screening the clinician ran before it
  // arrived (a slow network) stays shown (the server screens the stored record, not this list).
  async function refresh(initial = false) {
    const [meds, conds] = await Promise.all([get(`/patients/${patientId}/medications`), get(`/patients/${patientId}/conditions`)]);
    const active = conds.conditions.filter((c) => c.active !== false);
    lists.replaceChildren(
      h('div', h('h3', 'Medications'), meds.medications.length
        ? h('ul', { 'data-test': 'record-medications' }, meds.medications.map((m) => h('li',
          `${m.name}${m.active === false ? ' (stopped)' : ' (taking it now)'}${m.last_taken ? `, last taken ${formatLongDate(m.last_taken)}` : ''}`)))
        : h('p', 'None recorded.')),
      h('div', h('h3', 'Conditions'), active.length
        ? h('ul', { 'data-test': 'record-conditions' }, active.map((c) => h('li', c.name))) : h('p', 'None recorded.')));
    if (onChange && !initial) onChange();
  }

  const medForm = h('form', {
    'aria-label': 'Add a medication',
    onsubmit: async (e) => {
      e.preventDefault();
      medError.textContent = '';
      const body = { name: medName.value.trim(), active: medStatus.value === 'current' };
      if (lastTaken.value) body.last_taken = lastTaken.value;
      if (!body.name) { medError.textContent = 'Type the medication as written on the label or by the patient (name)'; return; }
      if (!body.active && !body.last_taken) { medError.textContent = 'A stopped medication needs the date of the last dose: it sets the washout (last taken)'; return; }
      try {
        await post(`/patients/${patientId}/medications`, body);
        medName.value = ''; lastTaken.value = ''; medStatus.value = 'current';
        await refresh();
      } catch (err) {
        medError.textContent = err.field ? `${err.message} (${err.field})` : err.message;
      }
    },
  }, h('div.row', field('Medication or product', medName, 'As written: brand, generic, strength, form ("Tylenol #3", "Hydrocodone/APAP 5/325", "kratom powder").'),
    field('Status', medStatus), field('Last taken', lastTaken, 'For a stopped medication or an injection: the day of the last dose.')),
  medError, h('button', { type: 'submit' }, 'Add medication'));

  const condForm = h('form', {
    'aria-label': 'Add a condition',
    onsubmit: async (e) => {
      e.preventDefault();
      condError.textContent = '';
      const name = condName.value.trim();
      if (!name) { condError.textContent = 'Type the condition (name)'; return; }
      try {
        await post(`/patients/${patientId}/conditions`, { name });
        condName.value = '';
        await refresh();
      } catch (err) {
        condError.textContent = err.field ? `${err.message} (${err.field})` : err.message;
      }
    },
  }, field('Condition or finding', condName, 'As written: "severe renal impairment", "eGFR 25", "Child-Pugh C", "on methadone", "Hashimoto\u2019s".'),
  condError, h('button', { type: 'submit' }, 'Add condition'));

  box.append(lists, h('details', { open: true }, h('summary', 'Add to the record'), medForm, condForm));
  box.ready = refresh(true);
  return box;
}

// The label jurisdiction for one screening: empty means the clinic's setting (`ldn serve
// --jurisdiction`), and without one the most restrictive label rule. Returns { element, value() }.
export function jurisdictionChoice() {
  const select = h('select', { id: uid('jur') },
    h('option', { value: '' }, 'Clinic setting (if none: the most restrictive label)'),
    JURISDICTIONS.entries.map((j) => h('option', { value: j.id }, `${j.name}${j.label_name ? ` \u2014 ${j.label_name}` : ''}${j.verified === false ? ' (label not verified: the most restrictive rule applies)' : ''}`)));
  const element = h('div',
    field('Label rules of', select, 'Some contraindications differ by country (e.g. severe renal or hepatic impairment: a contraindication in the UK/EU, a warning in the US).'),
    h('details.small', h('summary', 'Where does this come from?'), h('ul', JURISDICTIONS.entries.map((j) => h('li', `${j.name}: ${j.source}`))),
      source(`${JURISDICTIONS.file}, version ${JURISDICTIONS.version}`)));
  return { element, value: () => select.value };
}
