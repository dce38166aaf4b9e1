// The pharmacist's desk: incoming prescriptions, the formulation worksheet with amounts, the BUD,
// and from it the batch recorded with its lots and weights (batches.js).
import {errorText, get, post, put} from './api.js';
import {say, setTitle} from './app.js';
import {recordBatchForm} from './batches.js';
import {formulationText} from './clinician.js';
import {field, h, mount, scrollAttrs, source, stackTable, uid} from './dom.js';
import {formatInstant} from './time.js';

const ORDER = { issued: 0, verified: 1, dispensed: 2, cancelled: 3 };

// The orders routed to this pharmacist's pharmacy (GET /pharmacy/orders): signed orders only; a
// cancelled one shows the prescriber's reason.
export async function incoming(main) {
  setTitle('Prescriptions');
  const queue = await get('/pharmacy/orders');
  const all = queue.orders.slice();
  all.sort((a, b) => (ORDER[a.status] - ORDER[b.status]) || (b.id - a.id));
  const open = all.filter((r) => r.status === 'issued' || r.status === 'verified');
  const action = (r, status, label) => h('button', {
    type: 'button',
    onclick: async () => {
      try {
        await put(`/patients/${r.patient.id}/prescriptions/${r.id}/status`, { status });
        say(`Prescription #${r.id} ${status}.`, 'ok');
        incoming(main);
      } catch (err) { say(err.message, 'error'); }
    },
  }, label);
  const cancel = (r) => {
    const reason = h('input', { id: uid('why'), type: 'text', required: true });
    return h('details', h('summary', `Cancel #${r.id}`), h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await put(`/patients/${r.patient.id}/prescriptions/${r.id}/status`, { status: 'cancelled', reason: reason.value.trim() });
          say(`Prescription #${r.id} cancelled.`, 'ok');
          incoming(main);
        } catch (err) { say(err.message, 'error'); }
      },
    }, field('Reason (the prescriber sees it)', reason), h('button', { type: 'submit' }, 'Cancel it')));
  };
  if (!queue.pharmacy) {
    mount(main, h('h1', 'Prescriptions'), h('div.card', h('p', 'Your account does not belong to a pharmacy yet, so no orders reach you. Ask the administrator.')));
    return;
  }
  mount(
      main, h('h1', `Prescriptions for ${queue.pharmacy.name}`),
      h('p.muted',
        `${open.length} to prepare; newest first. Only orders routed to ${
            queue.pharmacy.name} appear here. Times are in each patient's time zone.`),
      h('div.card',
        h('div.tablewrap', scrollAttrs(),
          h('table.stack', h('caption.sr', 'Incoming prescriptions'),
            h('thead',
              h('tr',
                ['#', 'Patient', 'Formulation', 'Prescriber', 'Received', 'Status', 'Actions'].map(
                    (t) => h('th', {scope: 'col'}, t)))),
            h('tbody',
              all.map(
                  (r) =>
                      h('tr', {'data-rx': String(r.id)}, h('td', {'data-label': 'Prescription'}, `#${r.id}`),
                        h('td', {'data-label': 'Patient'}, r.patient.display_name,
                          r.formulation && r.formulation.patient ? h('br') : null,
                          r.formulation && r.formulation.patient ?
                              h('span.small.muted', `born ${r.formulation.patient.date_of_birth}`) :
                              null),
                        h('td', {'data-label': 'Formulation'}, orderText(r.formulation)),
                        h('td', {'data-label': 'Prescriber'},
                          r.formulation && r.formulation.prescriber ?
                              `${r.formulation.prescriber.name} (${r.formulation.prescriber.registration_number})` :
                              ''),
                        h('td', {'data-label': 'Received'},
                          formatInstant(r.signed_at || r.recorded_at, r.patient.time_zone)),
                        h('td', {'data-label': 'Status'}, r.status,
                          r.cancel_reason ? h('span.small', ` (reason: ${r.cancel_reason})`) : null),
                        h('td',
                          h('div.actions',
                            r.status !== 'cancelled' ?
                                h('a.button', {href: `#/rx/${r.patient.id}/${r.id}`}, `Worksheet #${r.id}`) :
                                null,
                            h('a.button', {href: `#/dispensings/${r.patient.id}`}, `Dispensing log #${r.id}`),
                            h('a.button', {
                              href: `/api/v1/patients/${r.patient.id}/prescriptions/${r.id}/pdf`,
                              target: '_blank',
                              rel: 'noopener'
                            },
                              `Prescription #${r.id} (PDF)`),
                            r.status === 'issued' ? action(r, 'verified', `Verify #${r.id}`) : null,
                            r.status === 'issued' || r.status === 'verified' ? cancel(r) : null)))))))));
}

// An order's medicine and quantity in one line (formulationText for prescriptions from before orders).
function orderText(f) {
  if (!f || !f.lines) return formulationText(f);
  return `${f.drug} ${f.strength_text} ${f.dosage_form}, ${f.quantity} ${f.unit} (${f.days_supply} days)`;
}

function inputsKey(pid, rxid) { return `ldn.worksheet.${pid}.${rxid}`; }

export async function worksheet(main, pid, rxid) {
  const [patient, rx] = await Promise.all([get(`/patients/${pid}`), get(`/patients/${pid}/prescriptions/${rxid}`)]);
  setTitle(`Worksheet #${rxid}`);
  const f = rx.formulation;
  const capsule = f.form === 'capsule';
  const saved = JSON.parse(sessionStorage.getItem(inputsKey(pid, rxid)) || 'null') || {};
  const src = h('select', { id: uid('src') }, h('option', { value: 'tablets' }, '50 mg tablets'), h('option', { value: 'api' }, 'API powder (certificate of analysis)'));
  src.value = saved.source || 'tablets';
  const tabletWeight = h('input', { id: uid('tw'), type: 'number', step: '0.1', value: saved.tablet_weight_mg ?? '' });
  const assay = h('input', { id: uid('as'), type: 'number', step: '0.1', value: saved.assay_pct ?? '' });
  const water = h('input', { id: uid('wa'), type: 'number', step: '0.1', value: saved.water_pct ?? '' });
  const size = h('select', { id: uid('cs') }, ['000', '00', '0', '1', '2', '3', '4', '5'].map((s) => h('option', { value: s }, `#${s}`)));
  size.value = saved.capsule_size || '3';
  const fill = h('input', { id: uid('fw'), type: 'number', step: '0.1', value: saved.fill_weight_mg ?? '' });
  // The placebo twin of a capsule order, for a blinded kit (no liquid twin: its bitterness unblinds).
  const twin = h('input', {id: uid('twin'), type: 'checkbox'});
  twin.checked = Boolean(saved.placebo_twin);
  // From 50 mg tablets a liquid batch uses whole tablets: the smallest such batch that fills the
  // order (e.g. 126 mL of 1 mg/mL -> 150 mL from 3 tablets; the rest is not dispensed).
  const wholeTablets = !capsule && f.strength_mg > 0 ? Math.ceil((f.quantity * f.strength_mg) / 50 - 1e-9) * 50 / f.strength_mg : f.quantity;
  const volume = h('input', { id: uid('vol'), type: 'number', step: '1', value: saved.volume_ml ?? (Number.isInteger(wholeTablets) ? wholeTablets : f.quantity) });
  const error = h('p.error', { role: 'alert' });
  const out = h('div');

  const gather = () => {
    const b = { source: src.value };
    const num = (el) => (el.value === '' ? undefined : Number(el.value));
    if (src.value === 'api') { b.assay_pct = num(assay); b.water_pct = num(water); }
    if (capsule) {
      if (src.value === 'tablets') b.tablet_weight_mg = num(tabletWeight);
      b.capsule_size = size.value;
      b.fill_weight_mg = num(fill);
      if (twin.checked) b.placebo_twin = true;
    } else {
      b.volume_ml = num(volume);
    }
    for (const k of Object.keys(b)) if (b[k] === undefined) delete b[k];
    return b;
  };

  const form = h(
      'form.no-print', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          const body = gather();
          try {
            const ws = await post(`/patients/${pid}/prescriptions/${rxid}/worksheet`, body);
            sessionStorage.setItem(inputsKey(pid, rxid), JSON.stringify(body));
            const open = rx.status === 'issued' || rx.status === 'verified';
            out.replaceChildren(open ? await recordBatchForm(ws, rx, body) : '', renderWorksheet(ws, pid, rxid));
            out.querySelector('h2').focus();
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
      h('div.row', field('Drug source', src),
        capsule ? field('Average weight of one 50 mg tablet, mg (weigh 10)', tabletWeight, 'From tablets only.') : null,
        field('API assay, % (certificate of analysis)', assay, 'From API only.'),
        field('API water content, %', water, 'From API only.')),
      capsule ?
          [
            h('div.row', field('Capsule size', size),
              field('Calibrated net fill of one capsule with the filler alone, mg', fill)),
            h('div.check', twin,
              h('label',
                { for: twin.id
                },
                'Placebo twin for a blinded trial: the same capsules with filler only'))
          ] :
          h('div.row', field('Volume to make, mL', volume, 'From tablets the batch must use whole 50 mg tablets.')),
      error, h('button.primary', {type: 'submit'}, 'Compute the worksheet'));

  mount(main,
    h('h1', `Prescription #${rxid}`),
    h('section.card.no-print', h('p.big', formulationText(f)),
      h('p', `For ${patient.display_name} · ${rx.pharmacy} · status ${rx.status} · received ${formatInstant(rx.recorded_at, patient.time_zone)}`),
      form,
      source('compounding rules of docs/pharmacy.md: CoA correction, weighability, USP <795> (2023) beyond-use dates, the Fawcett 1997 liquid; pharmacology-facts.md part B.')),
    out);
  if (saved.source) requestAnimationFrame(() => { if (form.isConnected) form.requestSubmit(); });
}

function list(title, items, ordered = false) {
  if (!items || !items.length) return null;
  return h('section', h('h3', title), h(ordered ? 'ol' : 'ul', items.map((t) => h('li', t))));
}

export function renderWorksheet(ws, pid, rxid) {
  const w = ws.worksheet;
  const prep = ws.preparation;
  return h(
      'div.card.worksheet', h('h2', {tabindex: '-1'}, `${w.title}: ${w.subtitle}`),
      h('div.actions', h('button.primary', {type: 'button', onclick: () => window.print()}, 'Print the worksheet'),
        h('a.button', {href: `#/rx/${pid}/${rxid}/label`}, 'Labels of this prescription')),
      w.confidentiality ? h('p.error', w.confidentiality) : null,
      h('section', h('h3', 'Beyond-use date'), h('p.big', `${prep.bud_date} (${prep.bud_days} days)`),
        h('p', prep.bud && prep.bud.basis ? prep.bud.basis : ''),
        source('USP <795> (2023) and preparation-specific stability data (docs/pharmacy.md).')),
      h('section', h('h3', 'Record'),
        h('dl', w.header.map(({label, value}) => [h('dt', label), h('dd', value || h('span.fill', ' '))]))),
      h('section', h('h3', 'Ingredients and amounts'),
        stackTable(
            'Ingredients and amounts', ['Ingredient', 'Role', 'Amount', 'How found', 'Lot', 'Weighed by', 'Checked by'],
            w.ingredients.map((i) => ({
                                cells: [
                                  i.name, i.role, h('strong', i.quantity), h('span.small', i.detail),
                                  h('span.fill', ' '), h('span.fill', ' '), h('span.fill', ' ')
                                ]
                              })))),
      list('Calculations', w.calculations), list('Dose volumes', w.dose_lines), list('Method', w.method, true),
      list('Quality control', w.qc), list('Warnings', w.warnings), list('Notes', w.notes),
      h('section', h('h3', 'Signatures'),
        w.signatures.map((s) => h('p.signature', `${s}: `, h('span.fill', ' '), ' date ', h('span.fill', ' ')))),
      list('Sources', w.sources), h('p.muted.small', w.footer));
}

function labelBox(lines) {
  return h('div.label-print', { role: 'group', 'aria-label': 'Label as printed' }, lines.map((l) => h('p', l || ' ')));
}

// The labels of a prescription: printed from each released batch that fills it (batches.js), never
// from a worksheet (a worksheet is a computation: it has no batch number, dispensing date or checks).
export async function labelView(main, pid, rxid) {
  setTitle(`Label #${rxid}`);
  const all = (await get('/batches')).batches.filter((b) => b.prescription_ids.includes(Number(rxid)));
  // A kit's packs and placebo twins are labelled only through their kit, blinded (kits.js).
  const kitLinks =
      all.filter((b) => b.kit).map((b) => b.kit).filter((k, i, ks) => ks.findIndex((x) => x.id === k.id) === i);
  const released = all.filter((b) => b.status === 'released' && !b.kit && !b.placebo);
  if (!released.length && kitLinks.length) {
    mount(
        main,
        h('div.card', h('h1', `Prescription #${rxid} is filled by a blinded kit`),
          h('p', 'Its packs are labelled from the kit, with pack codes instead of batch numbers.'),
          h('div.actions', kitLinks.map((k) => h('a.button', {href: `#/kits/${k.id}`}, `Kit ${k.kit_code}`)))));
    return;
  }
  if (!released.length) {
    mount(
        main,
        h('div.card.no-label', h('h1', `No label yet for prescription #${rxid}`),
          h('p',
            all.length ?
                'Its batch is not released yet: a second pharmacist checks and releases it, then the label prints from the batch record.' :
                'A label is printed from a released batch. Record the batch from the worksheet; a second pharmacist checks and releases it.'),
          h('div.actions', h('a.button', {href: `#/rx/${pid}/${rxid}`}, 'Open the worksheet'),
            all.length ? h('a.button', {href: `#/batches/${all[0].id}`}, `Batch ${all[0].batch_number}`) : null)));
    return;
  }
  const parts = [h('h1.no-print', `Label for prescription #${rxid}`)];
  for (const b of released) {
    const label = await get(`/batches/${b.id}/label?prescription_id=${rxid}`);
    parts.push(
        h('div.card.label-card', h('h2.no-print', `Batch ${b.batch_number}`), labelBox(label.lines),
          h('div.actions.no-print',
            h('button.primary', {type: 'button', onclick: () => window.print()}, 'Print the label'),
            h('a.button', {
              href: `/api/v1/batches/${b.id}/label?prescription_id=${rxid}&format=pdf`,
              target: '_blank',
              rel: 'noopener'
            },
              'Label PDF'),
            h('a.button', {href: `#/batches/${b.id}`}, 'Batch record'))));
  }
  mount(main, h('div.label-only', ...parts));
}
