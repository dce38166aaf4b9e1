import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { patientWithCapsuleOrder } from '../clinic_seed.mjs';
import { runSpec, PHONE_390, DESKTOP, localDate } from '../harness.mjs';

// Issue 14 item 5, placebo-twin kits: pharmacist A computes the placebo twin's worksheet and records
// it under the placebo master formula; pharmacist B releases it and its active batch; A pairs them
// as a kit from the batch page (the server draws which pack holds naltrexone), prints the two
// blinded pack labels (identical except the pack code, no batch number; the same on reprint in a new
// browser context; the barcode read back), dispenses the kit, and records an unblinding with a
// reason and the password (a wrong password is refused). The clinician can read no kit.
runSpec('kits', async (t) => {
  const { check, newPage, login, audit, shot, apiAs, work, shots } = t;
  const TZ = 'Europe/Oslo';
  const day = (n) => localDate(TZ, n);
  const NAME = 'Kari Kitpatient';

  // The clinician: a patient with an active course and a signed order of 4.5 mg capsules.
  const { context: docContext, page: doc } = await newPage(DESKTOP);
  await login(doc, 'clinician');
  const seeded = await patientWithCapsuleOrder(t, doc, { name: NAME, timeZone: TZ, courseStart: day(-40),
    dateOfBirth: '1979-08-21', address: 'Kirkeveien 3, 0368 Oslo' });
  const { pid } = seeded;
  const { rxId, ordered } = await seeded.order();
  let r;

  // Pharmacist A: lots, the active batch (as in pharmacy_record), then the placebo twin in the web app.
  const { context: aContext, page: a } = await newPage(DESKTOP);
  await login(a, 'pharmacist');
  const lot = async (ingredient, number, unit, quantity) => (await apiAs(a, 'POST', '/lots', { ingredient,
    manufacturer: 'Accord', lot: number, expiry: day(400), quantity, unit })).json.id;
  const tablets = await lot('naltrexone HCl 50 mg tablets', 'NX-KIT1', 'tablet', 100);
  const filler = await lot('microcrystalline cellulose (Avicel PH-105)', 'MCC-KIT1', 'g', 1000);
  r = await apiAs(a, 'POST', '/batches', { prescription_ids: [rxId], quantity: ordered, source: 'tablets', tablet_weight_mg: 300,
    capsule_size: '1', fill_weight_mg: 250, master_formula_id: 'ldn-caps-4.5mg-mcc', master_formula_version: 1,
    lots: [{ lot_id: tablets, amount: Math.ceil(ordered * 4.5 / 50) }, { lot_id: filler, amount: 20 }] });
  check(r.status === 201, `the active batch is recorded (${r.status}: ${JSON.stringify(r.json).slice(0, 200)})`);
  const activeId = r.json.id;
  const activeNumber = r.json.batch_number;

  await a.goto(`/#/rx/${pid}/${rxId}`);
  await a.getByLabel(/Average weight of one 50 mg tablet/).fill('300');
  await a.getByLabel('Capsule size').selectOption('1');
  await a.getByLabel(/Calibrated net fill/).fill('250');
  await a.getByLabel(/Placebo twin for a blinded trial/).check();
  await a.getByRole('button', { name: 'Compute the worksheet' }).click();
  await a.getByRole('heading', { name: 'Record this placebo twin batch' }).waitFor();
  const formula = await a.getByLabel('Master formula followed').inputValue();
  check(formula === 'ldn-caps-placebo-mcc@1', `the placebo master formula is proposed (${formula})`);
  const worksheetText = await a.locator('.worksheet').textContent();
  check(/PHARMACY ONLY/i.test(worksheetText) && /Placebo capsules matching naltrexone HCl 4\.5 mg/.test(worksheetText),
    `the twin's worksheet is the placebo's, marked pharmacy-only (${worksheetText.slice(0, 160)})`);
  const rows = a.locator('[data-ingredient]');
  const pick = async (select, text) => select.selectOption(await select.locator('option', { hasText: text }).getAttribute('value'));
  await pick(rows.nth(0).getByRole('combobox'), 'MCC-KIT1');
  await rows.nth(0).getByLabel(/Amount taken/).fill('20');
  const weights = a.getByLabel(/^Weighed: /);
  for (let i = 0; i < await weights.count(); i += 1) {
    const label = await a.locator(`label[for="${await weights.nth(i).getAttribute('id')}"]`).textContent();
    await weights.nth(i).fill(/target ([\d.]+) mg/.exec(label)[1]);
  }
  await a.getByRole('button', { name: 'Record the batch' }).click();
  await a.waitForURL(/#\/batches\/\d+$/);
  const placeboId = Number(/#\/batches\/(\d+)$/.exec(a.url())[1]);
  const placeboBatch = (await apiAs(a, 'GET', `/batches/${placeboId}`)).json;
  check(placeboBatch.placebo === true && placeboBatch.strength_mg === 0 && placeboBatch.lots.length === 1,
    `batch ${placeboBatch.batch_number} is a placebo twin with its filler lot only`);

  // Pharmacist B releases both (the check itself is driven in pharmacy_record).
  const { context: bContext, page: b } = await newPage(DESKTOP);
  await login(b, 'pharmacist2');
  for (const id of [activeId, placeboId]) {
    r = await apiAs(b, 'POST', `/batches/${id}/check`, { password: 'ldn-demo-second-check', decision: 'release',
      qc: { appearance: 'pass', capsule_weights_mg: [251.0, 249.5, 250.2, 248.9, 252.3, 250.0, 249.1, 250.8, 251.7, 247.9] } });
    check(r.status === 200, `pharm2 releases batch ${id} (${r.status})`);
  }
  await bContext.close();

  // A: the placebo batch page offers the pairing; it has no unblinded label and no dispensing.
  await a.goto('/#/kits');
  await a.getByRole('heading', { name: 'Blinded kits' }).waitFor();
  await a.goto(`/#/batches/${placeboId}`);
  await a.getByRole('heading', { name: 'Blinded trial kit' }).waitFor();
  check(await a.locator('[data-label-for]').count() === 0 && await a.getByRole('button', { name: /^Dispense #/ }).count() === 0,
    'a placebo batch has no label of its own and no dispense button');
  r = await apiAs(a, 'PUT', `/patients/${pid}/prescriptions/${rxId}/status`, { status: 'verified' });
  r = await apiAs(a, 'PUT', `/patients/${pid}/prescriptions/${rxId}/status`, { status: 'dispensed', batch_id: placeboId });
  check(r.status === 409 && /placebo twin/.test(r.json.error.message), `the server refuses to dispense the placebo alone (${r.status}: ${r.json.error.message})`);
  await a.getByRole('button', { name: `Make a kit with batch ${activeNumber}` }).click();
  await a.waitForURL(/#\/kits\/\d+$/);
  const kitId = Number(/#\/kits\/(\d+)$/.exec(a.url())[1]);
  const kit = (await apiAs(a, 'GET', `/kits/${kitId}`)).json;
  check(/^K\d{4}$/.test(kit.kit_code), `kit ${kit.kit_code} is made; pack ${kit.active_pack} holds naltrexone (drawn by the server)`);
  await a.locator('[data-pack="A"] .label-print').waitFor();
  const linkText = await a.locator('[data-pack-row]').allTextContents();
  check(linkText.some((x) => x.includes('naltrexone')) && linkText.some((x) => x.includes('placebo')),
    'the pharmacist sees which pack is which');
  const labelA = await a.locator('[data-pack="A"] .label-print p').allTextContents();
  const labelB = await a.locator('[data-pack="B"] .label-print p').allTextContents();
  const differing = labelA.filter((l, i) => l !== labelB[i]);
  check(labelA.length === labelB.length && differing.length === 1 && /Pack K\d{4}-A/.test(differing[0]),
    `the two labels differ only in the pack code ("${differing[0]}")`);
  const joined = labelA.join('\n');
  check(!joined.includes(activeNumber) && !joined.includes(placeboBatch.batch_number), 'no batch number is on either label');
  check(/4\.5 mg or placebo/.test(joined) && /opioid/i.test(joined) && joined.includes(NAME),
    'the label says "4.5 mg or placebo", keeps the opioid warning and names the patient');
  await audit(a, 'kit');
  await shot(a, 'kit', 'desktop');

  // Reprint in a new browser context: identical lines and PDF bytes; the barcode reads back.
  const pdfA = await (await a.request.get(`/api/v1/kits/${kitId}/packs/A/label?format=pdf`)).body();
  const { context: cContext, page: c } = await newPage(PHONE_390);
  await login(c, 'pharmacist2');
  const again = await apiAs(c, 'GET', `/kits/${kitId}/packs/A/label`);
  const pdfA2 = await (await c.request.get(`/api/v1/kits/${kitId}/packs/A/label?format=pdf`)).body();
  check(JSON.stringify(again.json.lines) === JSON.stringify(labelA) && Buffer.compare(pdfA, pdfA2) === 0,
    `the reprint in a new context is identical (${again.json.lines.length} lines, ${pdfA.length} PDF bytes)`);
  writeFileSync(join(work, 'pack.pdf'), pdfA);
  writeFileSync(join(shots, 'kit-pack-a-label.pdf'), pdfA);
  execFileSync('pdftoppm', ['-png', '-r', '300', '-singlefile', join(work, 'pack.pdf'), join(work, 'pack')]);
  execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', join(work, 'pack.pdf'), join(shots, 'kit-pack-a-label-page')]);
  const decoded = execFileSync('zbarimg', ['-q', '--raw', '-Scode128.enable=1', join(work, 'pack.png')]).toString().trim();
  check(decoded === `RX${rxId}/${kit.kit_code}-A`, `zbarimg reads the pack label's barcode: "${decoded}"`);

  // Dispense the kit on a phone: the checklist, then both packs.
  await c.goto(`/#/kits/${kitId}`);
  await c.getByRole('button', { name: `Dispense kit ${kit.kit_code}` }).waitFor();
  for (const box of await c.locator('input[data-check]').all()) await box.check();
  await c.getByRole('button', { name: `Dispense kit ${kit.kit_code}` }).click();
  await c.getByText(`Prescription #${rxId} is dispensed.`).waitFor();
  const packs = (await apiAs(c, 'GET', `/kits/${kitId}`)).json.packs;
  check(packs.every((p) => p.dispensed), 'both packs are dispensed');
  await c.goto('/#/rx');
  await c.getByRole('link', { name: `Dispensing log #${rxId}` }).click();
  await c.locator('[data-dispensing]').first().waitFor();
  const logRows = await c.locator('[data-dispensing]').allTextContents();
  check(logRows.length === 2 && logRows.every((x) => x.includes(`pack ${kit.kit_code}-`)),
    `the patient's dispensing log shows both packs of ${kit.kit_code} (${logRows.length} rows)`);
  await shot(c, 'dispensing-log', 'phone');
  await c.goto(`/#/kits/${kitId}`);
  await c.getByRole('button', { name: 'Record the unblinding' }).waitFor();

  // Unblinding: a wrong password is refused; then recorded with the reason.
  await c.getByLabel('Why the kit is unblinded').fill('Emergency department needs to know before giving morphine.');
  await c.getByLabel('Your password').fill('not my password');
  await c.getByRole('button', { name: 'Record the unblinding' }).click();
  const refused = c.locator('form p.error').last();
  await refused.filter({ hasText: /password/i }).waitFor();
  check(true, `a wrong password is refused: "${await refused.textContent()}"`);
  check((await apiAs(c, 'GET', `/kits/${kitId}`)).json.unblindings.length === 0, 'nothing is recorded for the refusal');
  await c.getByLabel('Your password').fill('ldn-demo-second-check');
  await c.getByRole('button', { name: 'Record the unblinding' }).click();
  await c.locator('[data-unblinding]').waitFor();
  const recorded = await c.locator('[data-unblinding]').textContent();
  check(/pharm2/.test(recorded) && /morphine/.test(recorded), `the unblinding is recorded: "${recorded}"`);
  await audit(c, 'kit-unblinded');
  await shot(c, 'kit-unblinded', 'phone');
  await cContext.close();
  await aContext.close();

  // The clinician reads no kit and nothing on the order says which pack is which.
  for (const path of ['/kits', `/kits/${kitId}`, `/kits/${kitId}/packs/A/label`]) {
    r = await apiAs(doc, 'GET', path);
    check(r.status === 403, `the clinician is refused ${path} (${r.status})`);
  }
  const order = await apiAs(doc, 'GET', `/patients/${pid}/prescriptions/${rxId}`);
  check(!/placebo/i.test(JSON.stringify(order.json)) && !JSON.stringify(order.json).includes(placeboBatch.batch_number),
    'the order the clinician reads says nothing of placebo or batches');
  await docContext.close();
});
