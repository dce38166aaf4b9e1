// The pharmacy's record (issue 14; docs/pharmacy.md): ingredient lots in stock, the batch recorded
// from a worksheet with the lots used and the weights measured, its check by a second pharmacist,
// and the dispensing of a released batch. Every rule is the server's; these pages explain it.
import {errorText, get, post, put} from './api.js';
import {say, session, setTitle} from './app.js';
import {dispenseChecklist} from './dispense_checklist.js';
import {field, h, mount, scrollAttrs, source, stackTable, uid} from './dom.js';
import {kitSection} from './kits.js';
import {formatInstant} from './time.js';

const UNITS = ['tablet', 'g', 'mg', 'mL', 'capsule'];
const STATUS_TEXT = {
  prepared: 'prepared, waiting for the check',
  released: 'released',
  rejected: 'rejected'
};
function amountText(n, unit) {
  return `${n} ${unit}${unit === 'tablet' || unit === 'capsule' ? (n === 1 ? '' : 's') : ''}`;
}

// #/lots: what the pharmacy has in stock, and a form to receive a lot.
export async function lots(main) {
  setTitle('Stock');
  const data = await get('/lots');
  const ingredient = h('input', {id: uid('ing'), required: true, autocomplete: 'off'});
  const maker = h('input', {id: uid('mfr'), required: true, autocomplete: 'off'});
  const lot = h('input', {id: uid('lot'), required: true, autocomplete: 'off'});
  const expiry = h('input', {id: uid('exp'), type: 'date', required: true});
  const quantity = h('input', {id: uid('qty'), type: 'number', step: '0.001', min: '0', required: true});
  const unit = h('select', {id: uid('unit')}, UNITS.map((u) => h('option', {value: u}, u)));
  const error = h('p.error', {role: 'alert'});
  const form =
      h('form.card', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          try {
            const l = await post('/lots', {
              ingredient: ingredient.value.trim(),
              manufacturer: maker.value.trim(),
              lot: lot.value.trim(),
              expiry: expiry.value,
              quantity: Number(quantity.value),
              unit: unit.value,
            });
            say(`Lot ${l.lot} of ${l.ingredient} is in stock.`, 'ok');
            lots(main);
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
        h('h2', 'Receive a lot'),
        h('div.row', field('Ingredient', ingredient, 'As on the container, e.g. "naltrexone HCl 50 mg tablets".'),
          field('Manufacturer', maker)),
        h('div.row', field('Lot number', lot), field('Expiry date', expiry)),
        h('div.row', field('Quantity received', quantity), field('Unit', unit)), error,
        h('button.primary', {type: 'submit'}, 'Add to stock'));
  mount(
      main, h('h1', 'Stock'),
      h('p.muted',
        'Every batch records the lots it used; what it took is subtracted here. An expired lot cannot go into a batch.'),
      h('div.card',
        h('div.tablewrap', scrollAttrs('Stock'),
          h('table.stack', h('caption.sr', 'Ingredient lots'),
            h('thead',
              h('tr',
                ['Ingredient', 'Manufacturer', 'Lot', 'Expiry', 'Left', 'Received'].map(
                    (t) => h('th', {scope: 'col'}, t)))),
            h('tbody',
              data.lots.map(
                  (l) =>
                      h('tr', {'data-lot': l.lot}, h('td', {'data-label': 'Ingredient'}, l.ingredient),
                        h('td', {'data-label': 'Manufacturer'}, l.manufacturer), h('td', {'data-label': 'Lot'}, l.lot),
                        h('td', {'data-label': 'Expiry'}, l.expiry, l.expired ? h('strong.error', ' expired') : null),
                        h('td', {'data-label': 'Left'}, `${amountText(l.remaining, l.unit)} of ${l.quantity}`),
                        h('td', {'data-label': 'Received'}, formatInstant(l.received_at)))))))),
      form);
}

// The "record this batch" part of a computed worksheet: the lots used (from stock), the weights
// measured, the quantity made and, when it differs from the order, why.
export async function recordBatchForm(ws, rx, inputs) {
  const [stock, formulary] = await Promise.all([get('/lots'), get('/master-formulas')]);
  const wantForm = rx.formulation.form === 'capsule' ? 'capsule' : 'oral-liquid';
  // A placebo twin's worksheet is recorded under the placebo master formula (same capsules, filler only).
  const matching = formulary.master_formulas.filter(
      (m) => inputs.placebo_twin ?
          m.placebo && m.form === wantForm :
          !m.placebo && m.form === wantForm && Math.abs(m.strength_mg - rx.formulation.strength_mg) < 1e-9);
  const formula =
      h('select', {id: uid('mf')}, h('option', {value: ''}, 'none named'),
        matching.map((m) => h('option', {value: `${m.id}@${m.version}`}, `${m.name || m.id}, version ${m.version}`)));
  if (matching.length === 1) formula.value = `${matching[0].id}@${matching[0].version}`;
  const usable = stock.lots.filter((l) => !l.expired && l.remaining > 0);
  const prep = ws.preparation;
  const error = h('p.error', {role: 'alert'});
  const quantity = h(
      'input',
      {id: uid('bq'), type: 'number', step: '1', min: '1', value: String(inputs.volume_ml || rx.formulation.quantity)});
  const deviation = h('textarea', {id: uid('dev'), rows: 2});
  const deviationField = field('Why the batch quantity differs from the order (recorded)', deviation);
  const showDeviation = () => {
    deviationField.hidden = Number(quantity.value) === rx.formulation.quantity;
  };
  quantity.addEventListener('input', showDeviation);
  showDeviation();
  // One row per ingredient of the worksheet: which lot, and how much of it.
  const rows = prep.ingredients.map((ing, i) => {
    const select =
        h('select', {id: uid('lot')}, h('option', {value: ''}, 'choose a lot'),
          usable.map(
              (l) =>
                  h('option', {value: String(l.id)},
                    `${l.ingredient} · lot ${l.lot} · exp ${l.expiry} · ${amountText(l.remaining, l.unit)} left`)));
    const amount = h('input', {id: uid('amt'), type: 'number', step: '0.001', min: '0'});
    if (ing.tablets) amount.value = String(ing.tablets);
    return {
      ing,
      select,
      amount,
      el:
          h('div.row', {'data-ingredient': String(i)}, field(`Lot of ${ing.name}`, select),
            field(`Amount taken (in the lot's unit)`, amount, ing.tablets ? `${ing.tablets} whole tablets` : null))
    };
  });
  const weighings = (prep.weighings || []).map((w) => {
    const input = h('input', {id: uid('wt'), type: 'number', step: '0.1', min: '0', required: true});
    return {w, input, el: field(`Weighed: ${w.what}, mg (target ${w.amount_mg} mg)`, input)};
  });
  const form = h(
      'form', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          const body = {
            ...inputs,
            prescription_ids: [rx.id],
            quantity: Number(quantity.value),
            lots: rows.filter((r) => r.select.value)
                      .map((r) => ({lot_id: Number(r.select.value), amount: Number(r.amount.value)})),
          };
          delete body.volume_ml;
          delete body.placebo_twin;
          if (formula.value) {
            const [fid, version] = formula.value.split('@');
            body.master_formula_id = fid;
            body.master_formula_version = Number(version);
          }
          if (weighings.length) body.measurements = {weighings_mg: weighings.map((x) => Number(x.input.value))};
          if (!deviationField.hidden && deviation.value.trim()) body.deviation_reason = deviation.value.trim();
          try {
            const b = await post('/batches', body);
            say(`${b.placebo ? 'Placebo twin batch' : 'Batch'} ${
                    b.batch_number} recorded. A second pharmacist checks it before release.`,
                'ok');
            location.hash = `#/batches/${b.id}`;
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
      h('h3', inputs.placebo_twin ? 'Record this placebo twin batch' : 'Record this batch'),
      usable.length ? null : h('p.error', 'No usable lot in stock: receive the lots first (Stock).'),
      h('div.row',
        field('Master formula followed', formula, 'The approved master formulation record for this preparation.'),
        field(rx.formulation.form === 'capsule' ? 'Capsules made' : 'Volume made, mL', quantity)),
      deviationField, rows.map((r) => r.el),
      weighings.length ? h('fieldset', h('legend', 'Weights measured'), weighings.map((x) => x.el)) : null, error,
      h('button.primary', {type: 'submit'}, 'Record the batch'),
      source(
          'A weighing may differ from its target by at most 5% (USP <1176>); the BUD is capped by the earliest expiry of the lots used (USP <795> 2023).'));
  return h('section.card.no-print', form);
}

// #/batches: the pharmacy's batches.
export async function batches(main) {
  setTitle('Batches');
  const data = await get('/batches');
  const rows = data.batches.map(
      (b) => ({
        attrs: {'data-batch': b.batch_number},
        cells: [
          h('a', {href: `#/batches/${b.id}`}, b.batch_number), preparationText(b),
          b.prescription_ids.map((id) => `#${id}`).join(', '), `${b.prepared_on} by ${b.prepared_by.username}`,
          b.bud_date, [STATUS_TEXT[b.status], b.kit ? h('span.small', ` (kit ${b.kit.kit_code})`) : null]
        ],
      }));
  mount(
      main, h('h1', 'Batches'),
      h('p.muted', 'Newest first. A batch is released by a second pharmacist before it can be dispensed.'),
      h('div.card',
        rows.length ?
            stackTable('Batches', ['Batch', 'Preparation', 'Prescription', 'Prepared', 'BUD', 'Status'], rows) :
            h('p', 'No batch recorded yet: record one from a prescription\'s worksheet.')));
}

function preparationText(b) {
  if (b.form === 'capsule')
    return `${b.placebo ? 'Placebo' : `Naltrexone HCl ${b.strength_mg} mg`} capsules × ${b.quantity}`;
  return `${b.placebo ? 'Placebo' : `Naltrexone HCl ${b.strength_mg} mg/mL`} oral liquid, ${b.quantity} mL`;
}

// #/batches/{id}: the batch record; the check (by another pharmacist); the dispensing.
export async function batch(main, id) {
  const b = await get(`/batches/${id}`);
  setTitle(`Batch ${b.batch_number}`);
  const mine = session.me && b.prepared_by.id === session.me.user_id;
  const rec = b.record || {};
  const weighed = rec.measurements && rec.measurements.weighings;
  const parts = [
    h('h1', `Batch ${b.batch_number}`),
    h('section.card',
      h('p.big', preparationText(b)),
      h('dl',
        h('dt', 'Status'), h('dd', { 'data-status': b.status }, STATUS_TEXT[b.status]),
        h('dt', 'Prescription'), h('dd', b.prescription_ids.map((x) => `#${x}`).join(', ')),
        h('dt', 'Master formula'), h('dd', b.master_formula ? `${b.master_formula.id}, version ${b.master_formula.version}` : 'not named'),
        h('dt', 'Prepared'), h('dd', `${b.prepared_on} by ${b.prepared_by.username}`),
        h('dt', 'Beyond-use date'), h('dd', b.bud_date),
        b.deviation_reason ? [h('dt', 'Quantity deviation'), h('dd', `${b.quantity} made, ${rec.ordered_quantity} ordered: ${b.deviation_reason}`)] : null,
        b.checked_by ? [h('dt', b.status === 'released' ? 'Released' : 'Rejected'), h('dd', `by ${b.checked_by.username}, ${formatInstant(b.checked_at)}${b.decision_reason ? `: ${b.decision_reason}` : ''}`)] : null,
        h('dt', 'Dispensed'), h('dd', `${b.dispensed_quantity} of ${b.quantity} ${b.quantity_unit}${b.quantity_unit === 'capsule' ? 's' : ''}`)),
      h('h2', 'Ingredient lots'),
      h('div.tablewrap', scrollAttrs('Lots'), h('table.stack', h('caption.sr', 'Lots used'),
        h('thead', h('tr', ['Ingredient', 'Manufacturer', 'Lot', 'Expiry', 'Amount'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', b.lots.map((l) => h('tr', h('td', { 'data-label': 'Ingredient' }, l.ingredient), h('td', { 'data-label': 'Manufacturer' }, l.manufacturer),
          h('td', { 'data-label': 'Lot' }, l.lot), h('td', { 'data-label': 'Expiry' }, l.expiry), h('td', { 'data-label': 'Amount' }, amountText(l.amount, l.unit))))))),
      weighed ? [h('h2', 'Weights measured'), h('div.tablewrap', scrollAttrs('Weights'), h('table.stack', h('caption.sr', 'Weights'),
        h('thead', h('tr', ['What', 'Target', 'Weighed', 'Deviation'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', weighed.map((w) => h('tr', h('td', { 'data-label': 'What' }, w.what), h('td', { 'data-label': 'Target' }, `${w.target_mg} mg`),
          h('td', { 'data-label': 'Weighed' }, `${w.measured_mg} mg`), h('td', { 'data-label': 'Deviation' }, `${w.deviation_pct > 0 ? '+' : ''}${w.deviation_pct}% (at most ±${w.limit_pct}%)`))))))]
        : h('p', 'The weights measured were not recorded.'),
      b.qc && b.qc.weight_variation ? [h('h2', 'Quality control'), h('p', b.qc.weight_variation.verdict), h('p', `Appearance: ${b.qc.appearance}${b.qc.appearance_note ? ` (${b.qc.appearance_note})` : ''}`)]
        : b.qc && b.qc.appearance ? [h('h2', 'Quality control'), h('p', `Appearance: ${b.qc.appearance}`), b.qc.volume_ml ? h('p', `Volume measured: ${b.qc.volume_ml} mL`) : null] : null),
  ];
  if (b.status === 'prepared')
    parts.push(
        mine ? h('section.card', h('h2', 'Check and release'),
                 h('p', 'You prepared this batch: a second pharmacist checks and releases it.')) :
               checkForm(b, main));
  // A placebo twin or a kit's pack is labelled and dispensed only through its kit, blinded.
  if (b.status === 'released' && !b.kit && !b.placebo)
    parts.push(...await labelSections(b), await dispenseSection(b, main));
  if (b.status === 'released') {
    const k = await kitSection(b);
    if (k) parts.push(k);
  }
  mount(main, ...parts);
}

function checkForm(b, main) {
  const error = h('p.error', {role: 'alert'});
  const appearance =
      h('select', {id: uid('app')}, h('option', {value: 'pass'}, 'passes (uniform, intact, correct colour)'),
        h('option', {value: 'fail'}, 'does not pass'));
  const note = h('input', {id: uid('note'), type: 'text'});
  const capsule = b.form === 'capsule';
  const weights = capsule ?
      Array.from(
          {length: 10},
          (_, i) => h(
              'input', {id: uid('cw'), type: 'number', step: '0.1', min: '0', 'aria-label': `Capsule ${i + 1}, mg`})) :
      [];
  const volume = capsule ? null : h('input', {id: uid('vol'), type: 'number', step: '0.1', min: '0'});
  const decision = h(
      'select', {id: uid('dec')}, h('option', {value: 'release'}, 'Release'), h('option', {value: 'reject'}, 'Reject'));
  const reason = h('input', {id: uid('why'), type: 'text'});
  const password = h('input', {id: uid('pw'), type: 'password', autocomplete: 'current-password', required: true});
  return h(
      'section.card',
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          const qc = {appearance: appearance.value};
          if (note.value.trim()) qc.appearance_note = note.value.trim();
          if (capsule && weights.some((w) => w.value !== ''))
            qc.capsule_weights_mg = weights.map((w) => Number(w.value));
          if (!capsule && volume.value !== '') qc.volume_ml = Number(volume.value);
          const body = {password: password.value, decision: decision.value, qc};
          if (reason.value.trim()) body.reason = reason.value.trim();
          try {
            const done = await post(`/batches/${b.id}/check`, body);
            say(`Batch ${done.batch_number} ${done.status}.`, 'ok');
            batch(main, b.id);
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
        h('h2', 'Check and release'),
        h('p', 'You check what another pharmacist prepared. Your password confirms it is you.'),
        h('div.row', field('Appearance', appearance), field('Note on the appearance', note)),
        capsule ? h('fieldset', h('legend', 'Weigh 10 capsules one by one, mg'), h('div.weights', weights)) :
                  field('Volume measured, mL', volume, 'At least the labelled volume.'),
        h('div.row', field('Decision', decision), field('Reason (required to reject)', reason)),
        field('Your password', password), error, h('button.primary', {type: 'submit'}, 'Record the check'),
        source(
            capsule ? 'USP <905> weight variation: acceptance value at most 15 on 10 capsules (stage 1).' :
                      'USP <698> deliverable volume.')));
}

// The label and the counselling sheet of each order, from the stored batch and order: the same on
// every print.
async function labelSections(b) {
  const out = [];
  for (const o of b.orders) {
    const q = `prescription_id=${o.prescription_id}`;
    let label;
    try {
      label = await get(`/batches/${b.id}/label?${q}`);
    } catch (err) {
      out.push(
          h('section.card', h('h2', `Label for prescription #${o.prescription_id}`), h('p.error', errorText(err))));
      continue;
    }
    out.push(h(
        'section.card', {'data-label-for': String(o.prescription_id)},
        h('h2', `Label for prescription #${o.prescription_id}`),
        h('div.label-print', {role: 'group', 'aria-label': 'Label as printed'},
          label.lines.map((l) => h('p', l || ' '))),
        h('p.small', `Barcode (Code 128): ${label.barcode.text}`),
        label.pharmacist_notes && label.pharmacist_notes.length ?
            h('details', h('summary', 'Notes for the pharmacist'),
              h('ul', label.pharmacist_notes.map((n) => h('li', n)))) :
            null,
        h('div.actions',
          h('a.button', {href: `/api/v1/batches/${b.id}/label?${q}&format=pdf`, target: '_blank', rel: 'noopener'},
            `Label PDF #${o.prescription_id}`),
          h('a.button',
            {href: `/api/v1/batches/${b.id}/counselling?${q}&format=pdf`, target: '_blank', rel: 'noopener'},
            `Counselling sheet PDF #${o.prescription_id}`)),
        h('details', h('summary', 'Where does this text come from?'),
          h('ul',
            label.texts.map(
                (x) =>
                    h('li', `${x.source}${x.verified ? '' : ' (not yet verified against the regulator\'s text)'}`))))));
  }
  return out;
}

async function dispenseSection(b, main) {
  const section = h('section.card', h('h2', 'Dispense'));
  for (const o of b.orders) {
    const rx = await get(`/patients/${o.patient_id}/prescriptions/${o.prescription_id}`);
    if (rx.status === 'dispensed' || rx.status === 'cancelled') {
      section.append(h('p', `Prescription #${rx.id} is ${rx.status}.`));
      continue;
    }
    const error = h('p.error', {role: 'alert'});
    const checks = dispenseChecklist('the label');
    const form =
        h('form', {
          onsubmit: async (e) => {
            e.preventDefault();
            error.textContent = '';
            try {
              const path = `/patients/${o.patient_id}/prescriptions/${rx.id}/status`;
              // An order not yet verified is verified first (the dispensing pharmacist checks it).
              const current = await get(`/patients/${o.patient_id}/prescriptions/${rx.id}`);
              if (current.status === 'issued') await put(path, {status: 'verified'});
              const checklist = checks.values();
              const done = await put(path, {status: 'dispensed', batch_id: b.id, checklist});
              const d = done.dispensing || {};
              say(`Prescription #${rx.id} dispensed from batch ${b.batch_number}` +
                      (d.fills_total > 1 ?
                           ` (fill ${d.fills_dispensed} of ${d.fills_total}; ${d.refills_remaining} renewal(s) left).` :
                           '.'),
                  'ok');
              batch(main, b.id);
            } catch (err) {
              error.textContent = errorText(err);
            }
          },
        },
          h('h3', `Prescription #${rx.id}`),
          rx.dispensing && rx.dispensing.fills_total > 1 ?
              h('p',
                `Fill ${rx.dispensing.fills_dispensed + 1} of ${rx.dispensing.fills_total}` +
                    (rx.dispensing.next_fill ? `: ${rx.dispensing.next_fill.quantity} ${b.quantity_unit}s, for ${
                                                   rx.dispensing.next_fill.from} to ${rx.dispensing.next_fill.to}` :
                                               '') +
                    `. ${rx.dispensing.fills_total - rx.dispensing.fills_dispensed - 1} renewal(s) after this one.`) :
              null,
          checks.el, error, h('button.primary', {type: 'submit'}, `Dispense #${rx.id}`));
    section.append(form);
  }
  return section;
}

// #/dispensings/{patient id}: what left this pharmacy for the patient, oldest first.
export async function dispensingLog(main, pid) {
  const [patient, data] = await Promise.all([get(`/patients/${pid}`), get(`/patients/${pid}/dispensings`)]);
  setTitle(`Dispensing log: ${patient.display_name}`);
  const rows = data.dispensings.map((d) => ({
                                      attrs: {'data-dispensing': String(d.id)},
                                      cells: [
                                        formatInstant(d.dispensed_at, patient.time_zone), `#${d.prescription_id}`,
                                        [
                                          h('a', {href: `#/batches/${d.batch_id}`}, d.batch_number),
                                          d.kit ? h('span.small', ` (pack ${d.kit.kit_code}-${d.kit.pack})`) : null
                                        ],
                                        amountText(d.quantity, d.quantity_unit), d.bud_date, d.dispensed_by.username
                                      ],
                                    }));
  mount(
      main, h('h1', `Dispensing log: ${patient.display_name}`),
      h('div.card',
        rows.length ?
            stackTable(
                'Dispensing log', ['Dispensed', 'Prescription', 'Batch', 'Quantity', 'Use by', 'Pharmacist'], rows) :
            h('p', 'Nothing dispensed to this patient from this pharmacy yet.')));
}
