import { patientWithCapsuleOrder } from '../clinic_seed.mjs';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec, PHONE_390, DESKTOP, localDate } from '../harness.mjs';

// The text of a PDF (poppler's pdftotext), whitespace collapsed.
const pdfText = (file) => execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString().replace(/\s+/g, ' ');

// Issue 16, blinded N-of-1 trials in the clinic (this part: design, kits, start). The clinician, on a
// phone, designs a 2-pair trial for a patient on a stable dose of 4.5 mg capsules: the page shows what
// the design can tell (the randomization test's floor, the simulated decisions when LDN works and
// when it does nothing), then saves it. The pharmacy makes two placebo-twin kits for the order (API,
// as in the kits spec) and gives each pair its kit on its Trials page, seeing which pack holds
// naltrexone; the clinician starts the trial: the schedule shows the pack codes per period, and
// nothing the clinician reads says which pack is active.
runSpec('trial', async (t) => {
  const { check, newPage, login, audit, shot, apiAs, shots } = t;
  const TZ = 'Europe/Oslo';
  const day = (n) => localDate(TZ, n);
  const NAME = 'Tove Trialpatient';

  const { context: docContext, page: doc } = await newPage(PHONE_390);
  await login(doc, 'clinician');

  // The demo's own trial (Nora Trial, as `make run` has it): its last period ended 5 days ago; the
  // clinician ends it and reads the frozen rule's answer from her stored diary.
  const nora = (await apiAs(doc, 'GET', '/patients?q=Nora')).json.patients.find((p) => p.display_name === 'Nora Trial');
  const noraTrial = nora && (await apiAs(doc, 'GET', `/patients/${nora.id}/trials`)).json.trials[0];
  check(noraTrial && noraTrial.status === 'started' && noraTrial.pairs.length === 2,
    `the demo has a running 2-pair trial (${noraTrial && noraTrial.status})`);
  await doc.goto(`/#/patient/${nora.id}/trial`);
  await doc.getByRole('heading', { name: 'The last period is over' }).waitFor();
  await doc.getByRole('button', { name: 'End the trial and see the answer' }).click();
  const noraDecision = doc.locator('[data-decision]');
  await noraDecision.waitFor();
  check(await noraDecision.getAttribute('data-decision') === 'continue',
    `the demo trial's answer: "${(await noraDecision.locator('h3').textContent()).trim()}"`);
  check(await doc.locator('[data-conduct]').count() === 4 && await doc.getByRole('link', { name: 'Trial report (PDF, CENT 2015)' }).count() === 1,
    'its four periods and its report');
  await shot(doc, 'demo-trial-ended', 'phone');
  // Nora (her own demo login), on her phone, reads the answer on Today with her letter to download.
  const { context: noraContext, page: noraPage } = await newPage(PHONE_390);
  await login(noraPage, ['nora', 'ldn-demo-trial-answer']);
  await noraPage.goto('/#/today');
  const noraAnswer = noraPage.locator('[data-trial-answer] [data-answer]');
  await noraAnswer.waitFor();
  check(await noraAnswer.getAttribute('data-answer') === 'continue' && await noraPage.locator('[data-trial-letter] a').count() === 1,
    'Nora reads the answer on Today, with her letter to download');
  await noraContext.close();
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
  // The form starts from the server's defaults (none are held in the web app).
  const defaults = (await apiAs(doc, 'GET', '/trial-designs/defaults')).json;
  const shown = {
    pairs: await doc.getByLabel('Pairs of periods').inputValue(),
    weeks: await doc.getByLabel('Weeks per period').inputValue(),
    sd: await doc.locator('[data-field=sd]').inputValue(),
    rho: await doc.locator('[data-field=rho]').inputValue(),
  };
  check(Number(shown.pairs) === defaults.protocol.pairs && Number(shown.weeks) * 7 === defaults.protocol.period_days &&
    Number(shown.sd) === defaults.scenario.sd && Number(shown.rho) === defaults.scenario.rho,
  `the form shows the server's defaults (${JSON.stringify(shown)})`);
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

  // Sixteen weeks later (the same database, the server's clock fixed on day 114): the patient has
  // kept the diary, pain about 3 on LDN and about 6 on placebo; the clinician ends the trial and
  // reads the answer with the blind lifted.
  const orders = pharmacyRows.map((x) => x.match(/order (AB|BA)/)[1]);
  const addDays = (iso, n) => {
    const d = new Date(`${iso}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  };
  const start = day(0);
  await t.restart({ at: `${addDays(start, 113)}T09:00:00Z` });
  const armOf = (i) => {  // day i (0-based) of the trial: 4 periods of 28 days
    const period = Math.floor(i / 28) + 1;
    const order = orders[Math.ceil(period / 2) - 1];
    return order[(period - 1) % 2] === 'A' ? 'placebo' : 'ldn';
  };
  const ldnPacks = () => [0, 1, 2, 3].filter((k) => armOf(k * 28) === 'ldn').map((k) => `${kitCodes[Math.floor(k / 2)]}-${'AB'[k % 2]}`);
  const { context: pat2Context, page: pat2 } = await newPage(PHONE_390);
  await login(pat2, ['tove.trial', 'tove-trial-diary-2026']);
  // Day-to-day ups and downs of -2 to +2 points, the same on every run (a linear congruential
  // generator): a diary, not a pattern a model could fit exactly.
  let seed = 16;
  const wobble = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * 5) - 2;
  };
  const entries = [];
  for (let i = 0; i < 112; i += 1) {
    const ldn = armOf(i) === 'ldn';
    entries.push({ date: addDays(start, i), client_id: `trial-${i}`, scale_version: 2,
      items: { pain: (ldn ? 3 : 6) + wobble(), fatigue: 5 + wobble(), sleep: 4 + wobble() } });
  }
  r = await apiAs(pat2, 'POST', `/patients/${pid}/diary:batch`, { entries });
  check(r.status === 200 || r.status === 201, `112 diary days written (${r.status}: ${JSON.stringify(r.json).slice(0, 120)})`);
  // The end-of-period question of period 1 on Today (the others through the API).
  await pat2.goto('/#/today');
  const q1 = pat2.locator('[data-trial-questions="1"]');
  await q1.waitFor();
  await q1.getByLabel(armOf(0) === 'ldn' ? 'LDN' : 'Placebo', { exact: true }).check();
  await q1.getByLabel('4. No change').check();
  await q1.getByRole('button', { name: 'Save my answers' }).click();
  await pat2.locator('[data-trial-questions="2"]').waitFor();
  for (const period of [2, 3, 4]) {
    r = await apiAs(pat2, 'POST', `/patients/${pid}/trials/${trialId}/periods/${period}/answer`, { guess: 'dont_know', pgic: 4 });
    check(r.status === 201, `period ${period} answered (${r.status})`);
  }
  r = await apiAs(pat2, 'GET', `/patients/${pid}/trials/${trialId}/analysis`);
  check(r.status === 409, `the patient has no answer before the clinic ends the trial (${r.status})`);

  const { context: doc2Context, page: doc2 } = await newPage(PHONE_390);
  await login(doc2, 'clinician');
  await doc2.goto(`/#/patient/${pid}/trial`);
  await doc2.getByRole('heading', { name: 'The last period is over' }).waitFor();
  await doc2.getByRole('button', { name: 'End the trial and see the answer' }).click();
  const decision = doc2.locator('[data-decision]');
  await decision.waitFor();
  check(await decision.getAttribute('data-decision') === 'continue',
    `the frozen rule's answer: "${(await decision.locator('h3').textContent()).trim()}"`);
  const said = await decision.textContent();
  const diff = Number((said.match(/LDN − placebo on pain \(lower is better\): (-?[\d.]+) points/) || [])[1]);
  check(diff < -2 && diff > -4, `LDN − placebo on pain is about −3 points (${diff})`);
  const link = await doc2.locator('[data-link] li').allTextContents();
  check(link.length === 2 && link.every((x, i) => x.includes(`order ${orders[i]}`)),
    `the blind is lifted: the pharmacy's orders are shown (${link.join(' | ')})`);
  const took = await doc2.locator('table [data-period]').evaluateAll((rows) => rows.map((row) => row.cells[2].textContent));
  check(took.length === 4 && took.every((x, i) => x === (armOf(i * 28) === 'ldn' ? 'LDN' : 'placebo')),
    `each period says what it held (${took.join(', ')})`);
  check(await doc2.locator('[data-conduct]').count() === 4 && await doc2.locator('[data-limits] li').count() >= 2,
    'how each period went, and what the trial cannot show');
  await audit(doc2, 'trial-ended');
  await shot(doc2, 'trial-ended', 'phone');
  // The clinician's report (CENT 2015), downloaded from the page and read back as text.
  const [reportFile] = await Promise.all([doc2.waitForEvent('download'),
    doc2.getByRole('link', { name: 'Trial report (PDF, CENT 2015)' }).click()]);
  const reportPath = join(shots, 'trial-report.pdf');
  await reportFile.saveAs(reportPath);
  const report = pdfText(reportPath);
  check(reportFile.suggestedFilename() === `ldn-trial-${trialId}-report.pdf` && report.includes('Decision by the rule agreed before the start')
    && report.includes('Continue LDN'), `the trial report downloads and leads with the decision (${reportFile.suggestedFilename()})`);
  check(report.includes(`Order within each pair (A = placebo first): ${orders.join(',')}`) && ldnPacks().every((code) => report.includes(code)),
    'the report gives the pharmacy\'s allocation and every pack');
  for (const section of ['Design, as frozen when the trial started', 'Adherence and missing data by period', 'Posterior of the difference',
    'Exact randomization test over all 4 allocations', 'Bang\'s blinding index', 'Adverse events and rescue medication by arm',
    'What this trial can and cannot tell']) {
    check(report.includes(section), `the report has "${section}"`);
  }
  execFileSync('pdftoppm', ['-png', '-r', '60', reportPath, join(shots, 'trial-report-page')]);
  // The same page at a desk (1280 px).
  await doc2.setViewportSize(DESKTOP);
  await shot(doc2, 'trial-ended', 'desktop');
  await doc2Context.close();
  r = await apiAs(pat2, 'GET', `/patients/${pid}/trials/${trialId}/analysis`);
  check(r.status === 200 && r.json.analysis.allocation === orders.join(','), `the patient's app reads the answer too (${r.status})`);
  // The patient's letter on Today, in plain words: the rule's answer, the averages, the LDN packs.
  await pat2.reload();  // Today, drawn again now that the trial has ended
  const letter = pat2.locator('[data-trial-answer]');
  await letter.waitFor();
  const letterText = await letter.textContent();
  check(await letter.locator('[data-answer]').getAttribute('data-answer') === 'continue' && /continue LDN/.test(letterText),
    `the patient reads the answer in plain words ("${letterText.slice(0, 170)}")`);
  check(ldnPacks().every((code) => letterText.includes(code)), `and which packs held LDN (${ldnPacks().join(', ')})`);
  check(!/P\(|credible|interval|posterior|p =/.test(letterText), 'with no statistics jargon');
  await audit(pat2, 'patient-trial-answer');
  await shot(pat2, 'patient-trial-answer', 'phone-390');
  // The same answer as a letter to keep (PDF), in plain words.
  const [letterFile] = await Promise.all([pat2.waitForEvent('download'),
    pat2.getByRole('link', { name: 'My letter with the answer (PDF)' }).click()]);
  const letterPath = join(shots, 'trial-letter.pdf');
  await letterFile.saveAs(letterPath);
  const letterPdf = pdfText(letterPath);
  check(letterPdf.includes('The answer of your blinded trial') && /continue LDN/.test(letterPdf) && ldnPacks().every((code) => letterPdf.includes(code)),
    `the patient's letter downloads with the answer and the packs (${letterFile.suggestedFilename()})`);
  check(!/P\(|credible|posterior|randomization|Bang/.test(letterPdf), 'the letter has no statistics jargon');
  execFileSync('pdftoppm', ['-png', '-r', '60', letterPath, join(shots, 'trial-letter-page')]);
  await pat2Context.close();

  // The researcher: this clinic's two ended trials are not pooled (fewer than 5); a series of
  // trials from elsewhere pasted as CSV is, with the same numbers as `ldn trial pool` on that file.
  const { context: resContext, page: res } = await newPage(PHONE_390);
  await login(res, 'researcher');
  await res.goto('/#/research');
  await res.locator('[data-clinic-trials]').waitFor();
  check(await res.locator('[data-clinic-pool="suppressed"]').count() === 1,
    `the clinic's two ended trials are not pooled ("${(await res.locator('[data-clinic-trials]').textContent()).slice(0, 160)}")`);
  const series = 'id,estimate,sd\n' + [[-2.1, 0.6], [-0.4, 0.5], [-1.6, 0.7], [0.3, 0.6], [-1.1, 0.4], [-2.6, 0.8],
    [-0.8, 0.5], [0.1, 0.9], [-1.4, 0.6], [-0.9, 0.5]].map(([e, sd], i) => `z${i + 1},${e},${sd}`).join('\n') + '\n';
  const csvPath = join(t.work, 'pool-series.csv');
  writeFileSync(csvPath, series);
  const cli = JSON.parse(execFileSync(t.ldn, ['trial', 'pool', csvPath, '--json']).toString());
  const bad = 'id,estimate,sd\nz1,-1,0.5\nz2,-2,zero\n';
  await res.getByLabel('Trials (CSV: id,estimate,sd)').fill(bad);
  await res.getByRole('button', { name: 'Pool these trials' }).click();
  const error = res.locator('[data-given-pool]').locator('..').locator('p.error');
  await error.filter({ hasText: /line 3/ }).waitFor();
  check(/line 3, column sd/.test(await error.textContent()), `a bad cell is named ("${await error.textContent()}")`);
  await res.getByLabel('Trials (CSV: id,estimate,sd)').fill(series);
  await res.getByRole('button', { name: 'Pool these trials' }).click();
  const mu = res.locator('[data-given-pool] [data-pool="mu"] td').nth(1);
  await mu.waitFor();
  const muText = await mu.textContent();
  const fmt2 = (x) => x.toFixed(2).replace('-', '−');
  check(muText === `${fmt2(cli.mu.mean)} (${fmt2(cli.mu.q025)} to ${fmt2(cli.mu.q975)})`,
    `the pooled average effect is the CLI's: ${muText} (ldn trial pool: ${cli.mu.mean.toFixed(3)})`);
  check(await res.locator('[data-given-pool] [data-trial-row]').count() === 10, 'each of the 10 trials with its shrunken estimate');
  await audit(res, 'research-trial-pool');
  await shot(res, 'research-trial-pool', 'phone-390');
  await resContext.close();
});
