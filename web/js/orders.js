// Prescriptions as orders (docs/clinic.md): the clinician drafts an order from a course's plan and
// routes it to a pharmacy, sees the directions, quantity and supply the server computed, signs it
// with their password, prints it (PDF), or cancels it with a reason the pharmacy sees.
import { h, field, source, uid } from './dom.js';
import { get, post, put } from './api.js';
import { say } from './app.js';
import { formatLongDate, formatInstant, todayIn } from './time.js';
import { planOf, mg } from './clinical.js';

const STATUS_TEXT = { issued: 'issued', verified: 'verified by the pharmacy', dispensed: 'dispensed', cancelled: 'cancelled' };

export function orderStatus(rx) {
  if (rx.status === 'issued' && !rx.signed) return 'draft: awaiting your signature';
  return STATUS_TEXT[rx.status] || rx.status;
}

export function pdfHref(patientId, rx) { return `/api/v1/patients/${patientId}/prescriptions/${rx.id}/pdf`; }

// One order's content: directions per step in mg and mL or capsules, fills, BUD, pharmacy, signature.
export function orderSummary(patientId, rx) {
  const o = rx.formulation || {};
  if (!o.lines) {
    return h('div', h('p', `${o.form || ''} ${o.strength_mg !== undefined ? mg(o.strength_mg) : ''}, ${o.quantity || ''}: ${o.directions || ''}`),
      h('p.muted.small', 'An older prescription, from before orders: no computed directions.'));
  }
  const unit = o.unit === 'mL' ? 'mL' : 'capsules';
  return h('div.order',
    h('dl.facts',
      h('dt', 'Medicine'), h('dd', `${o.drug}, ${o.strength_text}, ${o.dosage_form}`),
      h('dt', 'Quantity'), h('dd', `${o.quantity} ${unit} for ${o.days_supply} days (${formatLongDate(o.fills[0].from)} to ${formatLongDate(o.fills[0].to)})`),
      h('dt', 'Renewals'), h('dd', o.renewals && o.renewals.number ? `${o.renewals.number}, every ${o.renewals.interval_days} days` : 'none'),
      h('dt', 'Pharmacy'), h('dd', o.pharmacy ? `${o.pharmacy.name}, ${o.pharmacy.address}, ${o.pharmacy.phone}` : rx.pharmacy),
      h('dt', 'Prescriber'), h('dd', o.prescriber ? `${o.prescriber.name} (${o.prescriber.profession}, ${o.prescriber.registration_number})` : ''),
      h('dt', 'Patient'), h('dd', o.patient ? `${o.patient.name}, born ${o.patient.date_of_birth}` : ''),
      h('dt', 'Indication'), h('dd', o.indication || ''),
      h('dt', 'Status'), h('dd', orderStatus(rx), rx.cancel_reason ? ` (reason: ${rx.cancel_reason})` : '')),
    h('h4', 'Directions'),
    h('ul', o.lines.map((l) => h('li', l.text))),
    o.fills.length > 1 ? h('div', h('h4', 'Dispensings'), h('ul', o.fills.map((f) => h('li', `Fill ${f.number}: ${formatLongDate(f.from)} to ${formatLongDate(f.to)}, ${f.quantity} ${unit}`)))) : null,
    source(`quantity = the plan's doses over the ${o.days_supply} days ${unit === 'mL' ? `÷ ${mg(o.strength_mg)}/mL, rounded up to whole mL` : `in whole ${mg(o.strength_mg)} capsules`}; a fill lasts at most the beyond-use date, ${o.bud ? `${o.bud.days} days (${o.bud.storage}): ${o.bud.basis}` : ''}`),
    rx.signed ? h('p.saved', `Signed electronically ${formatInstant(rx.signed_at, 'UTC')} UTC (content SHA-256 ${rx.signature.content_sha256.slice(0, 16)}…).`) : null);
}

// Signing: the prescriber's password re-authenticates them; the server stores a signed hash.
function signForm(patientId, rx, onSigned) {
  const id = uid('pw');
  const pw = h('input', { id, type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p.error', { role: 'alert' });
  return h('form.sign', {
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      const button = e.target.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        const signed = await post(`/patients/${patientId}/prescriptions/${rx.id}/sign`, { password: pw.value });
        pw.value = '';
        say(`Prescription #${signed.id} signed and sent to ${signed.pharmacy}.`, 'ok');
        onSigned(signed);
      } catch (err) {
        button.disabled = false;
        error.textContent = err.message;
      }
    },
  },
  field('Your password, to sign this prescription', pw, 'Signing re-checks who you are; the order cannot be changed afterwards.'),
  error,
  h('button.primary', { type: 'submit' }, `Sign prescription #${rx.id}`));
}

function cancelForm(patientId, rx, onDone) {
  const reason = h('input', { id: uid('why'), type: 'text', required: true, maxlength: '2000' });
  const error = h('p.error', { role: 'alert' });
  return h('details', h('summary', rx.signed ? `Cancel prescription #${rx.id}` : `Discard draft #${rx.id}`), h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      try {
        await put(`/patients/${patientId}/prescriptions/${rx.id}/status`, { status: 'cancelled', reason: reason.value.trim() });
        say(`Prescription #${rx.id} cancelled.`, 'ok');
        onDone();
      } catch (err) { error.textContent = err.field ? `${err.message} (${err.field})` : err.message; }
    },
  }, field('Reason (the pharmacy sees it)', reason), error, h('button', { type: 'submit' }, 'Cancel it')));
}

// The order form of a course; `onSigned(rx)` after the order is signed.
export async function orderForm(patientId, course, { onSigned } = {}) {
  const [pharmacies, patient] = await Promise.all([get('/pharmacies'), get(`/patients/${patientId}`)]);
  const plan = planOf(course);
  const today = todayIn(patient.time_zone);
  const pharmacy = h('select', { id: uid('ph'), required: true },
    pharmacies.pharmacies.map((p) => h('option', { value: String(p.id) }, `${p.name}, ${p.address}`)));
  const form = h('select', { id: uid('form') }, h('option', { value: 'liquid' }, 'oral liquid'), h('option', { value: 'capsule' }, 'capsules'));
  const strength = h('input', { id: uid('str'), type: 'number', step: '0.001', min: '0.001', max: '50', value: '1' });
  form.addEventListener('change', () => { strength.value = form.value === 'liquid' ? '1' : '0.5'; });
  const start = h('input', { id: uid('start'), type: 'date', min: today, value: plan && plan.start > today ? plan.start : today });
  const days = h('input', { id: uid('days'), type: 'number', min: '1', max: '366', placeholder: 'up to the BUD, at most 28' });
  const renewals = h('input', { id: uid('ren'), type: 'number', min: '0', max: '12', value: '0' });
  const interval = h('input', { id: uid('int'), type: 'number', min: '1', max: '366', value: '28' });
  const indication = h('input', { id: uid('ind'), type: 'text', value: 'fibromyalgia (off-label use)' });
  const error = h('p.error', { role: 'alert' });
  const out = h('div', { 'aria-live': 'polite' });
  const missing = [];
  if (!patient.date_of_birth) missing.push(h('li', 'The patient\'s date of birth is not recorded: ', h('a', { href: `#/patient/${patientId}/chart` }, 'add it in the chart'), '.'));
  if (!pharmacies.pharmacies.length) missing.push(h('li', 'No pharmacy is registered yet: ask the administrator.'));

  const showDraft = (rx) => {
    out.replaceChildren(h('section.card', { 'aria-labelledby': `rx-${rx.id}` },
      h('h3', { id: `rx-${rx.id}`, tabindex: '-1' }, `Prescription #${rx.id}: draft`),
      orderSummary(patientId, rx),
      signForm(patientId, rx, (signed) => showSigned(signed)),
      cancelForm(patientId, rx, () => out.replaceChildren(h('p', 'The draft was discarded.')))));
    out.querySelector('h3').focus();
  };
  const showSigned = (rx) => {
    out.replaceChildren(h('section.card',
      h('h3', `Prescription #${rx.id} sent to ${rx.pharmacy}`),
      h('p.saved', `Prescription #${rx.id} signed and sent to ${rx.pharmacy}.`),
      orderSummary(patientId, rx),
      h('div.actions', h('a.button', { href: pdfHref(patientId, rx), target: '_blank', rel: 'noopener' }, 'Open the prescription (PDF)'),
        h('a.button', { href: `#/patient/${patientId}` }, 'Back to the patient'))));
    if (onSigned) onSigned(rx);
  };

  return h('section.card', h('h2', 'Prescription'),
    plan ? h('div', h('p', `Plan: ${plan.steps.map((s) => mg(s.dose_mg)).join(' → ')} from ${formatLongDate(plan.start)}.`), source(plan.source)) : null,
    missing.length ? h('ul.warn', missing) : null,
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        const create = e.target.querySelector('button[type="submit"]');
        create.disabled = true;
        const body = { course_id: course.id, pharmacy_id: Number(pharmacy.value), formulation: { form: form.value, strength_mg: Number(strength.value.replace(',', '.')) }, start: start.value };
        if (days.value) body.days_supply = Number(days.value);
        if (Number(renewals.value) > 0) body.renewals = { number: Number(renewals.value), interval_days: Number(interval.value) };
        if (indication.value.trim()) body.indication = indication.value.trim();
        try {
          const rx = await post(`/patients/${patientId}/prescriptions`, body);
          create.disabled = false;
          showDraft(rx);
        } catch (err) {
          create.disabled = false;
          error.textContent = err.field ? `${err.message} (${err.field})` : err.message;
        }
      },
    },
    field('Pharmacy', pharmacy, 'The order goes to this pharmacy; only its pharmacists see it.'),
    h('div.row', field('Form', form), field('Strength, mg naltrexone HCl (per capsule or per mL)', strength)),
    h('div.row', field('First day', start), field("Days' supply", days, 'Leave empty for 28 days or the beyond-use date, whichever is shorter.')),
    h('div.row', field('Renewals', renewals), field('Days between renewals', interval)),
    field('Indication', indication),
    source('only 50 mg tablets exist: LDN is compounded (capsules with a non-calcium filler, or a 1 mg/mL liquid, Fawcett et al., Ann Pharmacother 1997); clinical-facts.md section 1. Legal content of a prescription: docs/clinic.md.'),
    error, h('button.primary', { type: 'submit' }, 'Create the order')),
    out);
}

// The prescriptions card of a patient's page: each order with its status, events, PDF, signing and
// cancelling.
export function ordersCard(patientId, prescriptions, reload) {
  if (!prescriptions.length) return h('section.card', h('h2', 'Prescriptions'), h('p', 'None.'));
  return h('section.card', h('h2', 'Prescriptions'),
    prescriptions.slice().sort((a, b) => b.id - a.id).map((rx) => h('details.order-item', { open: rx.status === 'issued' && !rx.signed ? true : null },
      h('summary', `#${rx.id}: ${rx.formulation && rx.formulation.strength_text ? `${rx.formulation.strength_text} ${rx.formulation.dosage_form}, ${rx.formulation.quantity} ${rx.formulation.unit}` : rx.pharmacy} — ${orderStatus(rx)}`),
      orderSummary(patientId, rx),
      (rx.events || []).length ? h('ul.small', rx.events.map((e) => h('li', `${formatInstant(e.at, 'UTC')} UTC: ${e.kind}${e.note ? ` (${e.note})` : ''}`))) : null,
      h('div.actions', rx.formulation && rx.formulation.lines ? h('a.button', { href: pdfHref(patientId, rx), target: '_blank', rel: 'noopener' }, `Prescription #${rx.id} (PDF)`) : null),
      rx.status === 'issued' && !rx.signed ? signForm(patientId, rx, reload) : null,
      rx.status === 'issued' || rx.status === 'verified' ? cancelForm(patientId, rx, reload) : null)));
}

