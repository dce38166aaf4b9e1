import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec, PHONE_390, DESKTOP, localDate } from '../harness.mjs';

// Issue 14, the pharmacy as a system of record: pharmacist A receives real lots into stock (an
// expired lot is refused), records a batch for a capsule order from the worksheet with the lots
// used and the weights measured (a weight out of tolerance is refused), cannot release their own
// batch; pharmacist B checks it (10 capsule weights, re-authenticated) and releases it; the order is
// dispensed from the released batch after the checklist.
runSpec('pharmacy_record', async (t) => {
  const { check, newPage, login, audit, shot, apiAs, work, shots } = t;
  const TZ = 'Europe/Oslo';
  const day = (n) => localDate(TZ, n);
  const NAME = 'Petra Pharmacy';

  // The clinician: a patient with an active course and a signed order of 4.5 mg capsules.
  const { context: docContext, page: doc } = await newPage(DESKTOP);
  await login(doc, 'clinician');
  const teams = await apiAs(doc, 'GET', '/care-teams');
  const teamId = teams.json.care_teams.find((x) => x.name === 'Demo clinic').id;
  let r = await apiAs(doc, 'POST', '/patients', { display_name: NAME, time_zone: TZ, care_team_id: teamId });
  check(r.status === 201, `the clinician creates ${NAME} (${r.status})`);
  const pid = r.json.id;
  const overrides = [{ code: 'screening.missing', reason: 'Screened at the visit; see the consultation note.' },
    { code: 'start.before_baseline', reason: 'Baseline diary kept on paper before the app.' }];
  r = await apiAs(doc, 'POST', `/patients/${pid}/courses`, { protocol: 'ldnrt-standard', start: day(-40), overrides });
  const courseId = r.json.id;
  r = await apiAs(doc, 'PUT', `/patients/${pid}/courses/${courseId}/status`, { status: 'active', overrides });
  check(r.status === 200, `the course is active (${r.status})`);
  await apiAs(doc, 'PATCH', `/patients/${pid}`, { date_of_birth: '1981-02-03', address: 'Storgata 9, 0155 Oslo', jurisdiction: 'NO' });
  const pharmacies = (await apiAs(doc, 'GET', '/pharmacies')).json.pharmacies;
  const pharmacy = pharmacies.find((p) => p.name === 'Demo Pharmacy');
  r = await apiAs(doc, 'POST', `/patients/${pid}/prescriptions`, { course_id: courseId, pharmacy_id: pharmacy.id,
    formulation: { form: 'capsule', strength_mg: 4.5 } });
  check(r.status === 201, `a capsule order (${r.status}: ${JSON.stringify(r.json).slice(0, 160)})`);
  const rxId = r.json.id;
  const ordered = r.json.formulation.quantity;
  r = await apiAs(doc, 'POST', `/patients/${pid}/prescriptions/${rxId}/sign`, { password: 'ldn-demo-clinician' });
  check(r.status === 200, `the prescriber signs it (${r.status})`);
  await docContext.close();

  // Pharmacist A: stock.
  const { context: aContext, page: a } = await newPage(DESKTOP);
  await login(a, 'pharmacist');
  await a.goto('/#/lots');
  await a.getByRole('heading', { name: 'Receive a lot' }).waitFor();
  const receive = async (ingredient, maker, lot, expiry, quantity, unit) => {
    await a.getByLabel('Ingredient').fill(ingredient);
    await a.getByLabel('Manufacturer').fill(maker);
    await a.getByLabel('Lot number').fill(lot);
    await a.getByLabel('Expiry date').fill(expiry);
    await a.getByLabel('Quantity received').fill(String(quantity));
    await a.getByLabel('Unit').selectOption(unit);
    await a.getByRole('button', { name: 'Add to stock' }).click();
  };
  await receive('naltrexone HCl 50 mg tablets', 'Accord', 'NX-OLD', day(-3), 20, 'tablet');
  const refusedLot = a.locator('form p.error');
  await refusedLot.filter({ hasText: /expired/ }).waitFor();
  check(/expired on/.test(await refusedLot.textContent()), `an expired lot is refused: "${await refusedLot.textContent()}"`);
  await receive('naltrexone HCl 50 mg tablets', 'Accord', 'NX-2611', day(400), 100, 'tablet');
  await a.locator('tr[data-lot="NX-2611"]').waitFor();
  await receive('microcrystalline cellulose (Avicel PH-105)', 'JRS Pharma', 'MCC-88', day(700), 1000, 'g');
  await a.locator('tr[data-lot="MCC-88"]').waitFor();
  check(await a.locator('tr[data-lot="NX-OLD"]').count() === 0, 'the expired lot is not in stock');
  await audit(a, 'stock');
  await shot(a, 'stock', 'desktop');

  // Pharmacist A: the worksheet, then the batch record with lots and weights.
  await a.goto(`/#/rx/${pid}/${rxId}`);
  await a.getByLabel(/Average weight of one 50 mg tablet/).fill('300');
  await a.getByLabel('Capsule size').selectOption('1');
  await a.getByLabel(/Calibrated net fill/).fill('250');
  await a.getByRole('button', { name: 'Compute the worksheet' }).click();
  await a.getByRole('heading', { name: 'Record this batch' }).waitFor();
  const formulaChoice = await a.getByLabel('Master formula followed').inputValue();
  check(formulaChoice === 'ldn-caps-4.5mg-mcc@1', `the approved master formula for 4.5 mg capsules is proposed (${formulaChoice})`);
  const rows = a.locator('[data-ingredient]');
  check(await rows.count() === 2, `one lot per ingredient of the worksheet (${await rows.count()})`);
  const pick = async (select, text) => select.selectOption(await select.locator('option', { hasText: text }).getAttribute('value'));
  await pick(rows.nth(0).getByRole('combobox'), 'NX-2611');
  await pick(rows.nth(1).getByRole('combobox'), 'MCC-88');
  const weights = a.getByLabel(/^Weighed: /);
  const targets = [];
  for (let i = 0; i < await weights.count(); i += 1) {
    const label = await a.locator(`label[for="${await weights.nth(i).getAttribute('id')}"]`).textContent();
    targets.push(Number(/target ([\d.]+) mg/.exec(label)[1]));
  }
  check(targets.length === 2, `the worksheet's two weighings are asked for (${targets.join(', ')} mg)`);
  await rows.nth(1).getByLabel(/Amount taken/).fill(String(targets[1] / 1000));
  // Out of tolerance: 20% over the drug's target.
  await weights.nth(0).fill(String(Math.round(targets[0] * 1.2 * 10) / 10));
  await weights.nth(1).fill(String(targets[1]));
  await a.getByRole('button', { name: 'Record the batch' }).click();
  const recordError = a.locator('section.card form p.error').filter({ hasText: /weigh again/ });
  await recordError.waitFor();
  check(/\+20\.0%/.test(await recordError.textContent()), `a weight 20% over its target is refused: "${await recordError.textContent()}"`);
  check(!/weighings_mg|\[0\]/.test(await recordError.textContent()), 'the refusal is in the pharmacist\'s words (no field path)');
  await weights.nth(0).fill(String(Math.round((targets[0] + 1.3) * 10) / 10));
  await a.getByRole('button', { name: 'Record the batch' }).click();
  await a.waitForURL(/#\/batches\/\d+$/);
  const batchId = Number(/#\/batches\/(\d+)$/.exec(a.url())[1]);
  await a.getByRole('heading', { name: /^Batch \d{4}-\d{5}$/ }).waitFor();
  const batchNumber = (await a.getByRole('heading', { level: 1 }).textContent()).replace('Batch ', '');
  check(await a.locator('[data-status="prepared"]').count() === 1, `batch ${batchNumber} is prepared, waiting for the check`);
  check(/ldn-caps-4\.5mg-mcc, version 1/.test(await a.locator('main').textContent()), 'the batch record names the master formula and its version');
  check(await a.getByText('You prepared this batch: a second pharmacist checks and releases it.').count() === 1,
    'the preparer is told a second pharmacist releases it (no release form for them)');
  r = await apiAs(a, 'POST', `/batches/${batchId}/check`, { password: 'ldn-demo-compounding', decision: 'release',
    qc: { appearance: 'pass', capsule_weights_mg: Array(10).fill(250) } });
  check(r.status === 403 && /second pharmacist/.test(r.json.error.message), `the server refuses a one-person release (${r.status}: ${r.json.error.message})`);
  await audit(a, 'batch-prepared');
  await shot(a, 'batch-prepared', 'desktop');
  const stock = await apiAs(a, 'GET', '/lots');
  const tablets = stock.json.lots.find((l) => l.lot === 'NX-2611');
  check(tablets.remaining < 100, `the tablets taken are subtracted from stock (${tablets.remaining} of 100 left)`);
  await aContext.close();

  // Pharmacist B: the check and the release, on a phone.
  const { context: bContext, page: b } = await newPage(PHONE_390);
  await login(b, 'pharmacist2');
  await b.goto('/#/batches');
  await b.locator(`tr[data-batch="${batchNumber}"]`).getByRole('link').click();
  await b.getByRole('heading', { name: 'Check and release' }).waitFor();
  const capsuleWeights = [251.0, 249.5, 250.2, 248.9, 252.3, 250.0, 249.1, 250.8, 251.7, 247.9];
  for (let i = 0; i < 10; i += 1) await b.getByLabel(`Capsule ${i + 1}, mg`).fill(String(capsuleWeights[i]));
  await b.getByLabel('Your password').fill('ldn-demo-second-check');
  await audit(b, 'batch-check');
  await shot(b, 'batch-check', 'phone');
  await b.getByRole('button', { name: 'Record the check' }).click();
  await b.locator('[data-status="released"]').waitFor();
  const released = await b.locator('main').textContent();
  check(/Passes USP <905> weight variation, stage 1/.test(released), 'the weight variation is recorded as passed');
  check(/Released/.test(released) && /pharm2/.test(released), 'the batch record names pharm2 as the releasing pharmacist');

  // The label and the counselling sheet, from the stored record.
  const labelBox = b.locator(`[data-label-for="${rxId}"] .label-print`);
  await labelBox.waitFor();
  const labelText = await labelBox.textContent();
  check(labelText.includes(NAME) && (labelText.includes('03.02.1981') || labelText.includes('1981-02-03')),
    'the label names the patient and the date of birth');
  check(labelText.includes(batchNumber) && labelText.includes(`Rx ${rxId}`), `the label carries Rx ${rxId} and batch ${batchNumber}, apart`);
  check(!/FDA/.test(labelText), 'a label for Norway has no US FDA text');
  check(/Dr Dana Demo/.test(labelText) && /Demo Pharmacy/.test(labelText), 'the label names the prescriber and the pharmacy');
  await audit(b, 'batch-label');
  await shot(b, 'batch-label', 'phone');
  const label1 = await apiAs(b, 'GET', `/batches/${batchId}/label?prescription_id=${rxId}`);
  const pdf1 = await (await b.request.get(`/api/v1/batches/${batchId}/label?prescription_id=${rxId}&format=pdf`)).body();
  // A reprint in a new browser context, by the other pharmacist: identical lines and bytes.
  const { context: cContext, page: c } = await newPage(DESKTOP);
  await login(c, 'pharmacist');
  const label2 = await apiAs(c, 'GET', `/batches/${batchId}/label?prescription_id=${rxId}`);
  const pdf2 = await (await c.request.get(`/api/v1/batches/${batchId}/label?prescription_id=${rxId}&format=pdf`)).body();
  check(JSON.stringify(label1.json.lines) === JSON.stringify(label2.json.lines), `the reprinted label's ${label2.json.lines.length} lines are identical`);
  check(Buffer.compare(pdf1, pdf2) === 0 && pdf1.subarray(0, 5).toString() === '%PDF-', `the reprinted label PDF is byte-identical (${pdf1.length} bytes)`);
  const pdfPath = join(work, 'label.pdf');
  writeFileSync(pdfPath, pdf1);
  writeFileSync(join(shots, 'pharmacy-label.pdf'), pdf1);
  execFileSync('pdftoppm', ['-png', '-r', '300', '-singlefile', pdfPath, join(work, 'label')]);
  execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', pdfPath, join(shots, 'pharmacy-label-page')]);
  const decoded = execFileSync('zbarimg', ['-q', '--raw', '-Scode128.enable=1', join(work, 'label.png')]).toString().trim();
  check(decoded === `RX${rxId}/${batchNumber}`, `zbarimg reads the label's barcode back: "${decoded}"`);
  const sheet = await apiAs(c, 'GET', `/batches/${batchId}/counselling?prescription_id=${rxId}`);
  const sheetText = sheet.json.lines.join('\n');
  check(sheet.status === 200 && /opioid/i.test(sheetText), `the counselling sheet warns about opioids (${sheet.status})`);
  const rxJson = await apiAs(c, 'GET', `/patients/${pid}/prescriptions/${rxId}`);
  const firstStep = rxJson.json.formulation.lines[0];
  check(sheetText.includes(firstStep.from) || sheetText.includes(firstStep.from.split('-').reverse().join('.')),
    `the counselling sheet gives the patient's own first step date (${firstStep.from})`);
  const sheetPdf = await (await c.request.get(`/api/v1/batches/${batchId}/counselling?prescription_id=${rxId}&format=pdf`)).body();
  writeFileSync(join(shots, 'pharmacy-counselling.pdf'), sheetPdf);
  check(sheetPdf.subarray(0, 5).toString() === '%PDF-', `the counselling sheet prints as a PDF (${sheetPdf.length} bytes)`);
  await cContext.close();

  // Dispensing: the checklist, then the order leaves with this batch.
  await b.getByRole('button', { name: `Dispense #${rxId}` }).click();
  const dispenseError = b.locator('form p.error').last();
  await dispenseError.filter({ hasText: /not confirmed/ }).waitFor();
  check(true, `dispensing without the checklist is refused: "${await dispenseError.textContent()}"`);
  for (const box of await b.locator('input[data-check]').all()) await box.check();
  await b.getByRole('button', { name: `Dispense #${rxId}` }).click();
  await b.getByText(`Prescription #${rxId} is dispensed.`).waitFor();
  check(new RegExp(`Dispensed\\s*${ordered} of`).test(await b.locator('main').textContent()),
    `the batch record counts the ${ordered} capsules dispensed`);
  await audit(b, 'batch-dispensed');
  await shot(b, 'batch-dispensed', 'phone');
  const rx = await apiAs(b, 'GET', `/patients/${pid}/prescriptions/${rxId}`);
  check(rx.json.status === 'dispensed', `the order is dispensed (${rx.json.status})`);
  await bContext.close();
});
