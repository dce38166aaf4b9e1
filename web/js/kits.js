// Placebo-twin kits for blinded N-of-1 trials (issue 14; docs/pharmacy.md, "Placebo twins"): pair a
// released batch and its released placebo twin, print the two blinded pack labels, dispense the
// kit, and record an unblinding. Which pack holds naltrexone is drawn by the server and shown only
// here, to the pharmacy; every rule is the server's.
import {errorText, get, post, put} from './api.js';
import {say, setTitle} from './app.js';
import {dispenseChecklist} from './dispense_checklist.js';
import {field, h, mount, scrollAttrs, source, stackTable, uid} from './dom.js';
import {formatInstant} from './time.js';

// On a released batch's page: the kit it belongs to, or the batches it can be paired with.
export async function kitSection(b) {
  if (b.kit) {
    return h(
        'section.card', {'data-kit': b.kit.kit_code}, h('h2', `Pack ${b.kit.pack} of kit ${b.kit.kit_code}`),
        h('p', 'This batch is labelled and dispensed only as a pack of its blinded kit, never under its batch number.'),
        h('div.actions', h('a.button', {href: `#/kits/${b.kit.id}`}, `Open kit ${b.kit.kit_code}`)));
  }
  if (b.form !== 'capsule' || b.dispensed_quantity > 0 || b.orders.length !== 1) return null;
  const rxid = b.orders[0].prescription_id;
  const partners =
      (await get('/batches'))
          .batches.filter(
              (x) => x.status === 'released' && !x.kit && x.placebo !== b.placebo && x.dispensed_quantity === 0 &&
                  x.prescription_ids.length === 1 && x.prescription_ids[0] === rxid && x.quantity === b.quantity);
  const error = h('p.error', {role: 'alert'});
  const intro = b.placebo ?
      'This placebo twin goes to the patient only as a pack of a blinded kit, paired with the active batch of the same order.' :
      'For a blinded trial, pair this batch with its released placebo twin (same order, same capsules and count).';
  return h(
      'section.card', h('h2', 'Blinded trial kit'), h('p', intro),
      partners.length ?
          h('div.actions',
            partners.map(
                (p) =>
                    h('button', {
                      type: 'button',
                      onclick: async () => {
                        error.textContent = '';
                        const active = b.placebo ? p : b;
                        const placebo = b.placebo ? b : p;
                        try {
                          const kit = await post(
                              '/kits',
                              {prescription_id: rxid, active_batch_id: active.id, placebo_batch_id: placebo.id});
                          say(`Kit ${kit.kit_code} made: print the two pack labels.`, 'ok');
                          location.hash = `#/kits/${kit.id}`;
                        } catch (err) {
                          error.textContent = errorText(err);
                        }
                      },
                    },
                      `Make a kit with batch ${p.batch_number}`))) :
          h('p.muted',
            b.placebo ?
                'No released active batch of this order to pair with yet.' :
                'No released placebo twin of this order yet: compute the worksheet with "Placebo twin", record it with the placebo master formula, and have it checked.'),
      error);
}

// #/kits: the pharmacy's kits.
export async function kits(main) {
  setTitle('Kits');
  const data = await get('/kits');
  const rows = data.kits.map((k) => ({
                               attrs: {'data-kit': k.kit_code},
                               cells: [
                                 h('a', {href: `#/kits/${k.id}`}, k.kit_code), `#${k.prescription_id}`,
                                 `${formatInstant(k.created_at)} by ${k.created_by.username}`, k.bud_date,
                                 k.packs.every((p) => p.dispensed) ? 'yes' : 'no',
                                 k.unblindings.length ? `${k.unblindings.length} time(s)` : 'no'
                               ],
                             }));
  mount(
      main, h('h1', 'Blinded kits'),
      h('p.muted',
        'Each kit is an active batch and its placebo twin for one order, as packs A and B. Which pack holds naltrexone is for the pharmacy only.'),
      h('div.card',
        rows.length ?
            stackTable('Kits', ['Kit', 'Prescription', 'Made', 'Use by', 'Dispensed', 'Unblinded'], rows) :
            h('p',
              'No kit yet: a kit is made from a released batch\'s page, pairing it with its released placebo twin.')));
}

function labelCard(kit, pack, label) {
  return h(
      'section.card', {'data-pack': pack}, h('h2', `Label of pack ${kit.kit_code}-${pack}`),
      h('div.label-print', {role: 'group', 'aria-label': `Label of pack ${pack} as printed`},
        label.lines.map((l) => h('p', l || ' '))),
      h('p.small', `Barcode (Code 128): ${label.barcode.text}`),
      h('div.actions',
        h('a.button',
          {href: `/api/v1/kits/${kit.id}/packs/${pack}/label?format=pdf`, target: '_blank', rel: 'noopener'},
          `Label PDF pack ${pack}`)));
}

// #/kits/{id}: the kit, its link (pharmacy only), the two labels, dispensing and unblinding.
export async function kit(main, id) {
  const k = await get(`/kits/${id}`);
  setTitle(`Kit ${k.kit_code}`);
  const [la, lb] = await Promise.all(
      ['A', 'B'].map((p) => get(`/kits/${id}/packs/${p}/label`).catch((err) => ({error: errorText(err)}))));
  const rx = await get(`/patients/${k.patient_id}/prescriptions/${k.prescription_id}`);
  const parts = [
    h('h1', `Kit ${k.kit_code}`),
    h('section.card',
      h('p',
        `Prescription #${k.prescription_id} · ${k.quantity} ${k.quantity_unit}s per pack · use by ${
            k.bud_date} · made ${formatInstant(k.created_at)} by ${k.created_by.username}`),
      h('h2', 'Which pack holds naltrexone (pharmacy only)'),
      h('p.error', 'Never tell the patient or the care team, except through an unblinding recorded below.'),
      h('div.tablewrap', scrollAttrs('Packs'),
        h('table.stack', h('caption.sr', 'Packs'),
          h('thead',
            h('tr', ['Pack', 'Batch', 'Contains', 'Use by', 'Dispensed'].map((t) => h('th', {scope: 'col'}, t)))),
          h('tbody',
            k.packs.map(
                (p) =>
                    h('tr', {'data-pack-row': p.pack}, h('td', {'data-label': 'Pack'}, p.code),
                      h('td', {'data-label': 'Batch'}, h('a', {href: `#/batches/${p.batch_id}`}, p.batch_number)),
                      h('td', {'data-label': 'Contains'}, p.contains), h('td', {'data-label': 'Use by'}, p.bud_date),
                      h('td', {'data-label': 'Dispensed'}, p.dispensed ? 'yes' : 'no'))))))),
  ];
  for (const [pack, label] of [['A', la], ['B', lb]]) {
    parts.push(
        label.error ? h('section.card', h('h2', `Label of pack ${pack}`), h('p.error', label.error)) :
                      labelCard(k, pack, label));
  }
  parts.push(
      h('section.card', h('h2', 'Counselling sheet'),
        h('p', 'One sheet for the kit: the patient\'s own steps, with both packs\' code.'),
        h('div.actions',
          h('a.button', {href: `/api/v1/kits/${k.id}/counselling?format=pdf`, target: '_blank', rel: 'noopener'},
            'Counselling sheet PDF'))));
  parts.push(dispenseKit(k, rx, main), unblindForm(k, main));
  mount(main, ...parts);
}

function dispenseKit(k, rx, main) {
  if (rx.status === 'dispensed' || rx.status === 'cancelled')
    return h('section.card', h('h2', 'Dispense'), h('p', `Prescription #${rx.id} is ${rx.status}.`));
  const error = h('p.error', {role: 'alert'});
  const checks = dispenseChecklist('both labels');
  return h(
      'section.card',
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          const path = `/patients/${k.patient_id}/prescriptions/${rx.id}/status`;
          try {
            const current = await get(`/patients/${k.patient_id}/prescriptions/${rx.id}`);
            if (current.status === 'issued') await put(path, {status: 'verified'});
            await put(path, {status: 'dispensed', kit_id: k.id, checklist: checks.values()});
            say(`Kit ${k.kit_code} dispensed: both packs.`, 'ok');
            kit(main, k.id);
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
        h('h2', 'Dispense the kit'), h('p', 'Both packs leave together, each with its own label.'), checks.el, error,
        h('button.primary', {type: 'submit'}, `Dispense kit ${k.kit_code}`)));
}

function unblindForm(k, main) {
  const error = h('p.error', {role: 'alert'});
  const reason = h('textarea', {id: uid('why'), rows: 2, required: true});
  const password = h('input', {id: uid('pw'), type: 'password', autocomplete: 'current-password', required: true});
  return h(
      'section.card', h('h2', 'Unblinding'),
      k.unblindings.length ?
          h('ul',
            k.unblindings.map(
                (u) =>
                    h('li', {'data-unblinding': ''},
                      `${formatInstant(u.unblinded_at)} by ${u.unblinded_by.username}: ${u.reason}`))) :
          h('p', 'Never unblinded.'),
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          try {
            const done = await post(`/kits/${k.id}/unblind`, {password: password.value, reason: reason.value.trim()});
            say(`Unblinding recorded: pack ${done.active_pack} of kit ${done.kit_code} holds naltrexone.`, 'ok');
            kit(main, k.id);
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
        h('p',
          'When the care team must know (an emergency, the end of the trial), record why. Your password confirms it is you; every unblinding is kept.'),
        field('Why the kit is unblinded', reason), field('Your password', password), error,
        h('button', {type: 'submit'}, 'Record the unblinding'),
        source('Blinding of N-of-1 trials: the pharmacy holds the allocation (docs/pharmacy.md, "Placebo twins").')));
}
