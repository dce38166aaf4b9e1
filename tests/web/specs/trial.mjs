import { patientWithCapsuleOrder } from '../clinic_seed.mjs';
import { runSpec, PHONE_390, DESKTOP, localDate } from '../harness.mjs';

// Issue 16, blinded N-of-1 trials in the clinic (this part: design, kits, start). The clinician, on a
// phone, designs a 2-pair trial for a patient on a stable dose of 4.5 mg capsules: the page shows what
// the design can tell (the randomization test's floor, the simulated decisions when LDN works and
// when it does nothing), then saves it. The pharmacy makes two placebo-twin kits for the order (API,
// as in the kits spec) and gives each pair its kit on its Trials page, seeing which pack holds
// naltrexone; the clinician starts the trial: the schedule shows the pack codes per period, and
// nothing the clinician reads says which pack is active.
runSpec('trial', async (t) => {
  const { check, newPage, login, audit, shot, apiAs } = t;
  const TZ = 'Europe/Oslo';
  const day = (n) => localDate(TZ, n);
  const NAME = 'Tove Trialpatient';

  const { context: docContext, page: doc } = await newPage(PHONE_390);
  await login(doc, 'clinician');
  const seeded = await patientWithCapsuleOrder(t, doc, { name: NAME, timeZone: TZ, courseStart: day(-60),
    dateOfBirth: '1974-02-11', address: 'Trondheimsveien 9, 0560 Oslo' });
  const { pid } = seeded;
  let r;

  // No capsule order yet: the page says what is missing and cannot save.
  await doc.goto(`/#/patient/${pid}/chart`);
  await doc.getByRole('link', { name: 'Blinded trial (N-of-1)' }).click();
  await doc.getByRole('heading', { name: 'Design a blinded trial' }).waitFor();
  check(await doc.locator('[data-no-order]').count() === 1 && await doc.getByRole('button', { name: 'Save the design' }).isDisabled(),
    'without a capsule order the page asks for one and cannot save');
  const { rxId, ordered } = await seeded.order();

  // The design: 2 pairs; what it can tell, from the server's simulation.
  await doc.reload();
  await doc.getByRole('heading', { name: 'Design a blinded trial' }).waitFor();
  await doc.getByLabel('Pairs of periods').fill('2');
  await doc.getByRole('button', { name: 'What can this design tell?' }).click();
  await doc.locator('[data-characteristics]').waitFor({ timeout: 60_000 });
  const allows = await doc.locator('[data-allows]').textContent();
  check(/all 4 ways/.test(allows) && /two-sided p-value is 0\.5/.test(allows) && /6 pairs needed/.test(allows),
    `the design says what the randomization test can reach with 2 pairs ("${allows.slice(0, 160)}")`);
  const effectRow = await doc.locator('[data-scenario="effect"]').textContent();
  const nullRow = await doc.locator('[data-scenario="null"]').textContent();
  const share = (text) => Number(/(\d+)%/.exec(text)[1]);
  check(share(effectRow) > share(nullRow), `"continue" is likelier when LDN works (${share(effectRow)}%) than when it does nothing (${share(nullRow)}%)`);
  await audit(doc, 'trial-design');
  await shot(doc, 'trial-design', 'phone');
  // A protocol the server refuses is explained, naming the field.
  await doc.getByLabel('Run-in days not analysed').fill('25');
  await doc.getByRole('button', { name: 'Save the design' }).click();
  const refusal = doc.locator('p.error', { hasText: 'Run-in days not analysed:' });
  await refusal.waitFor();
  check(true, `an impossible run-in is refused, naming the field: "${await refusal.textContent()}"`);
  await doc.getByLabel('Run-in days not analysed').fill('14');
  await doc.getByRole('button', { name: 'Save the design' }).click();
  await doc.getByRole('heading', { name: /Trial #\d+: designed, not started/ }).waitFor();
  const trialId = Number(await doc.locator('[data-trial]').getAttribute('data-trial'));
  check(/4\.5 mg/.test(await doc.locator('#status').textContent()), 'the save names the stable dose');
  check((await doc.locator('[data-pair]').allTextContents()).every((x) => /waiting for the pharmacy/.test(x)), 'both pairs wait for their kit');
  await doc.getByRole('button', { name: 'Start the trial' }).click();
  await doc.locator('p.error', { hasText: /0 of the 2 pairs/ }).waitFor();
  check(true, 'starting before the kits is refused with the count of pairs that have one');

  // The pharmacy: two kits for the order, each an active batch and its placebo twin (API), released by a second pharmacist.
  const { context: aContext, page: a } = await newPage(DESKTOP);
  await login(a, 'pharmacist');
  const lot = async (ingredient, number, unit, quantity) => (await apiAs(a, 'POST', '/lots', { ingredient,
    manufacturer: 'Accord', lot: number, expiry: day(400), quantity, unit })).json.id;
  const tablets = await lot('naltrexone HCl 50 mg tablets', 'NX-TRIAL', 'tablet', 200);
  const filler = await lot('microcrystalline cellulose (Avicel PH-105)', 'MCC-TRIAL', 'g', 2000);
  const batch = async (placebo) => {
    const body = { prescription_ids: [rxId], quantity: ordered, capsule_size: '1', fill_weight_mg: 250, date: day(0) };
    Object.assign(body, placebo ? { master_formula_id: 'ldn-caps-placebo-mcc', master_formula_version: 1, lots: [{ lot_id: filler, amount: 20 }] } :
      { master_formula_id: 'ldn-caps-4.5mg-mcc', master_formula_version: 1, source: 'tablets', tablet_weight_mg: 300,
        lots: [{ lot_id: tablets, amount: Math.ceil(ordered * 4.5 / 50) }, { lot_id: filler, amount: 20 }] });
    const made = await apiAs(a, 'POST', '/batches', body);
    check(made.status === 201, `a ${placebo ? 'placebo' : 'active'} batch (${made.status}: ${JSON.stringify(made.json).slice(0, 160)})`);
    return made.json.id;
  };
  const batches = [];
  for (let i = 0; i < 2; i += 1) batches.push([await batch(false), await batch(true)]);
  const { context: bContext, page: b } = await newPage(DESKTOP);
  await login(b, 'pharmacist2');
  for (const id of batches.flat()) {
    r = await apiAs(b, 'POST', `/batches/${id}/check`, { password: 'ldn-demo-second-check', decision: 'release',
      qc: { appearance: 'pass', capsule_weights_mg: [251.0, 249.5, 250.2, 248.9, 252.3, 250.0, 249.1, 250.8, 251.7, 247.9] } });
    check(r.status === 200, `pharm2 releases batch ${id} (${r.status})`);
  }
  await bContext.close();
  const kitCodes = [];
  for (const [active, placebo] of batches) {
    r = await apiAs(a, 'POST', '/kits', { prescription_id: rxId, active_batch_id: active, placebo_batch_id: placebo });
    check(r.status === 201, `kit ${r.json.kit_code} made (${r.status})`);
    kitCodes.push(r.json.kit_code);
  }

  // The pharmacy's Trials page: each pair gets its kit; the pharmacist sees which pack holds naltrexone.
  await a.goto('/#/trials');
  const card = a.locator(`[data-trial="${trialId}"]`);
  await card.waitFor();
  check((await card.textContent()).includes(NAME), 'the pharmacy sees the trial of its order with the patient\'s name');
  for (const pair of [1, 2]) {
    const row = a.locator(`[data-trial="${trialId}"] [data-pair="${pair}"]`);
    await row.getByRole('combobox').selectOption({ label: kitCodes[pair - 1] });
    await row.getByRole('button', { name: `Give pair ${pair} this kit` }).click();
    await a.locator(`[data-trial="${trialId}"] [data-pair="${pair}"] a`, { hasText: kitCodes[pair - 1] }).waitFor();
  }
  const pharmacyRows = await a.locator(`[data-trial="${trialId}"] [data-pair]`).allTextContents();
  check(pharmacyRows.every((x) => /pack [AB] \(order (AB|BA)\)/.test(x)), `the pharmacy's page shows each pair's order (${pharmacyRows.join(' | ')})`);
  await audit(a, 'pharmacy-trials');
  await shot(a, 'pharmacy-trials', 'desktop');
  await aContext.close();

  // The clinician starts it tomorrow: the protocol freezes, the schedule shows the pack codes.
  await doc.reload();
  await doc.getByRole('heading', { name: /designed, not started/ }).waitFor();
  const pairText = await doc.locator('[data-pair]').allTextContents();
  check(kitCodes.every((code, i) => pairText[i].includes(code)), `the clinician sees the kit codes (${pairText.join(' | ')})`);
  await doc.getByLabel(/First day of period 1/).fill(day(0));
  await doc.getByRole('button', { name: 'Start the trial' }).click();
  await doc.getByRole('heading', { name: /Trial #\d+: running/ }).waitFor();
  const periods = await doc.locator('[data-period]').allTextContents();
  check(periods.length === 4 && periods[0].includes(`${kitCodes[0]}-A`) && periods[1].includes(`${kitCodes[0]}-B`) &&
    periods[3].includes(`${kitCodes[1]}-B`), `four periods with their pack codes (${periods.map((p) => p.slice(0, 40)).join(' | ')})`);
  const sha = await doc.locator('[data-sha]').getAttribute('data-sha');
  check(/^[0-9a-f]{64}$/.test(sha), `the frozen protocol's SHA-256 is shown (${sha.slice(0, 12)}…)`);
  const pageText = await doc.locator('main').textContent();
  check(!/holds naltrexone \(|order (AB|BA)|active_pack/.test(pageText), 'nothing on the clinician\'s page says which pack is active');
  const seen = await apiAs(doc, 'GET', `/patients/${pid}/trials`);
  check(!/active_pack|"order"/.test(JSON.stringify(seen.json)), 'nor does the API answer the clinician reads');
  await audit(doc, 'trial-running');
  await shot(doc, 'trial-running', 'phone');

  // The patient (invited to the app): Today says which pack to take, until when, and what comes next.
  const invitation = await apiAs(doc, 'POST', `/patients/${pid}/invitations`);
  check(invitation.status === 201, `the clinic invites the patient (${invitation.status})`);
  await docContext.close();
  const { context: patContext, page: pat } = await newPage(PHONE_390);
  r = await pat.request.post('/api/v1/invitations/accept', { data: { code: invitation.json.code, username: 'tove.trial',
    password: 'tove-trial-diary-2026' } });
  check(r.status() === 201, `the patient accepts the invitation (${r.status()})`);
  await login(pat, ['tove.trial', 'tove-trial-diary-2026']);
  await pat.goto('/#/today');
  const trialCard = pat.locator('[data-trial-card]');
  await trialCard.waitFor();
  const cardText = await trialCard.textContent();
  check(cardText.includes(`${kitCodes[0]}-A`) && /Period 1 of 4/.test(cardText) && cardText.includes(`Next: pack ${kitCodes[0]}-B`),
    `Today names the pack of the day, the period and the next pack ("${cardText.slice(0, 150)}")`);
  check(!/order (AB|BA)|holds naltrexone \(/.test(cardText), 'and nothing that says which pack is active');
  check(await pat.locator('[data-trial-questions]').count() === 0, 'the end-of-period questions are not asked in the first days');
  await audit(pat, 'patient-trial');
  await shot(pat, 'patient-trial', 'phone');
  // Shown before their day (the page is given a schedule that opens them today), the questions are
  // refused by the server, which says from when they are asked.
  await pat.route('**/api/v1/patients/*/trials', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.trials[0].schedule[0].answer_from = day(0);
    await route.fulfill({ response, json: body });
  });
  await pat.reload();
  const questions = pat.locator('[data-trial-questions="1"]');
  await questions.waitFor();
  await questions.getByLabel('LDN', { exact: true }).check();
  await questions.getByLabel('4. No change').check();
  await questions.getByRole('button', { name: 'Save my answers' }).click();
  const refusedAnswer = questions.locator('p.error');
  await refusedAnswer.filter({ hasText: /This question is asked from/ }).waitFor();
  check(true, `the server refuses an answer before its day: "${await refusedAnswer.textContent()}"`);
  const stored = (await apiAs(pat, 'GET', `/patients/${pid}/trials`)).json.trials[0].answers;
  check(stored.length === 0, 'nothing is stored');
  await patContext.close();
});
