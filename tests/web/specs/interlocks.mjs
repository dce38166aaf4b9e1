import { runSpec, PHONE, DESKTOP, localDate, openMoreAboutToday } from '../harness.mjs';

// Issue 12, the safety interlocks (docs/safety.md), driven as the clinician and the patient:
// the course gate (a recent screening; no first dose inside a washout; not eligible; review
// findings acknowledged one by one; overrides only with a reason; activation re-checked and
// confirmed; a planned course discarded), the baseline before the first dose, safe dose entry
// (a decimal comma, 10x refused, an off-plan dose confirmed, the planned time on a past day),
// the safety net for a severe report, and the flags computed on the server and acknowledged.
runSpec('interlocks', async (t) => {
  const { check, newPage, login, audit, shot, apiAs } = t;
  const TZ = 'Europe/Oslo';
  const today = localDate(TZ);
  const day = (n) => localDate(TZ, n);
  const REASON = 'Discussed with the patient today; see the consultation note.';

  // ---- Setup through the API, as the clinician and the admin would ----
  const { context: docContext, page: doc } = await newPage(DESKTOP);
  await login(doc, 'clinician');
  const teams = await apiAs(doc, 'GET', '/care-teams');
  const teamId = teams.json.care_teams.find((x) => x.name === 'Demo clinic').id;
  async function newPatient(name) {
    const r = await apiAs(doc, 'POST', '/patients', { display_name: name, time_zone: TZ, care_team_id: teamId });
    check(r.status === 201, `the clinician creates ${name} (${r.status})`);
    return r.json.id;
  }
  async function diary(pid, from, to, extra = {}) {
    const entries = [];
    for (let n = from; n <= to; n += 1) entries.push({ date: day(n), client_id: `spec-${pid}-${n}`, scale_version: 2, items: { pain: 6, fatigue: 6, ...extra } });
    const r = await apiAs(doc, 'POST', `/patients/${pid}/diary:batch`, { entries });
    check(r.status === 200, `diary days ${from}..${to} for patient ${pid} (${r.status})`);
  }
  const { context: adminContext, page: admin } = await newPage(DESKTOP);
  await login(admin, 'admin');
  // The clinician invites the patient to the app and the patient makes an account (issue 13; an
  // admin may not attach a login to an existing record, issue 17 M6).
  async function patientLogin(pid, username) {
    const invited = await apiAs(doc, 'POST', `/patients/${pid}/invitations`);
    check(invited.status === 201, `the clinician invites patient ${pid} to the app (${invited.status})`);
    const r = await admin.request.post('/api/v1/invitations/accept', { data: { code: invited.json && invited.json.code, username, password: 'spec patient passphrase' } });
    check(r.status() === 201, `patient ${pid} makes an account from the invitation (${r.status()})`);
    return [username, 'spec patient passphrase'];
  }

  // ---- 1. A washout: the form's limit, the refusal, the override with a reason ----
  const wendy = await newPatient('Wendy Washout');
  await apiAs(doc, 'POST', `/patients/${wendy}/medications`, { name: 'tramadol', active: false, last_taken: day(-2) });
  await apiAs(doc, 'POST', `/patients/${wendy}/medications`, { name: 'duloxetine', active: true });
  await diary(wendy, -14, -1);
  await doc.goto(`/#/patient/${wendy}/new-course`);
  await doc.getByRole('button', { name: 'Run the screening' }).click();
  await doc.getByText(/Verdict:/).waitFor();
  check(await doc.locator('.verdict').textContent() === 'wait', 'the screening of Wendy says wait');
  await doc.getByRole('button', { name: 'Continue to the plan' }).click();
  await doc.getByText(/First dose from/).waitFor();
  const startInput = doc.getByLabel('First dose on');
  const earliest = day(8);  // tramadol 2 days ago + 10 days of washout
  check(await startInput.getAttribute('min') === earliest, `the form's first dose has min = the washout end ${earliest} (got ${await startInput.getAttribute('min')})`);
  check(await startInput.inputValue() === earliest, 'the form proposes the washout end as the first dose');
  check((await doc.getByText(/the end of the opioid washout/).count()) > 0, 'the form explains the limit: the end of the opioid washout');
  await audit(doc, 'clinician-new-course-gate');
  await shot(doc, 'interlocks-1-new-course-limit', 'desktop');
  await startInput.fill(day(3));
  check(await startInput.evaluate((el) => el.validity.rangeUnderflow), 'an earlier first dose is below the form\'s limit');
  await doc.getByLabel(/Allow an earlier first dose/).check();
  await startInput.dispatchEvent('change');
  await doc.locator('[data-check="start.before_earliest"].failed').waitFor();
  await doc.getByRole('button', { name: 'Create the plan' }).click();
  await doc.getByText(/start\.before_earliest.*\(start\)/).waitFor();
  check(true, 'the API refuses a first dose inside the washout: 409 naming start, shown in the form');
  await shot(doc, 'interlocks-1-washout-refused', 'desktop');
  await doc.locator('[data-check="start.before_earliest"] summary').click();
  await doc.locator('textarea[data-override="start.before_earliest"]').fill(REASON);
  await doc.getByRole('button', { name: 'Create the plan' }).click();
  await doc.getByRole('heading', { name: 'Prescription' }).waitFor();
  const wendyCourses = (await apiAs(doc, 'GET', `/patients/${wendy}/courses`)).json.courses;
  const wendyCourse = wendyCourses[0];
  check(wendyCourse.start_date === day(3) && wendyCourse.interlocks.overrides[0].code === 'start.before_earliest'
    && wendyCourse.interlocks.overrides[0].reason === REASON, 'the override is stored with its written reason');

  // ---- 2. Activation re-checks and asks for confirmation; the flag; the acknowledgement ----
  await doc.goto(`/#/patient/${wendy}`);
  await doc.getByText(/Overrides of the safety gate/).waitFor();
  check((await doc.getByText(REASON).count()) > 0, 'the patient page shows the override and its reason');
  await doc.getByRole('button', { name: `Activate course #${wendyCourse.id}` }).click();
  await doc.getByRole('group', { name: /confirmation/ }).waitFor();
  check((await doc.locator('.confirm [data-check="start.before_earliest"].failed').count()) === 1, 'activation re-runs the gate: the washout check fails again');
  await shot(doc, 'interlocks-2-activation-confirm', 'desktop');
  await doc.getByRole('button', { name: /^Confirm: activate/ }).click();
  await doc.locator('.confirm .error').filter({ hasText: /start/ }).waitFor();
  check(true, 'confirming without a reason is refused');
  await doc.locator('.confirm [data-check="start.before_earliest"] summary').click();
  await doc.locator('.confirm textarea[data-override="start.before_earliest"]').fill(REASON);
  await doc.getByRole('button', { name: /^Confirm: activate/ }).click();
  await doc.getByRole('heading', { name: /Flags \(\d+ to look at\)/ }).waitFor();
  const earlyFlag = doc.locator(`.flags li[data-code="course.${wendyCourse.id}.before_earliest_start"]`);
  await earlyFlag.waitFor();
  check(await earlyFlag.getAttribute('class') === 'red', 'a course started before its earliest start has a red flag (override or not)');
  await shot(doc, 'interlocks-2-red-flag', 'desktop');
  await earlyFlag.getByLabel(/What did you see or do/).fill('Naloxone challenge negative; patient informed.');
  await earlyFlag.getByRole('button', { name: 'Acknowledge' }).click();
  await doc.locator(`.flags li.acknowledged[data-code="course.${wendyCourse.id}.before_earliest_start"]`).waitFor();
  check(true, 'the clinician acknowledges the flag with a note');
  // Discarding another planned course.
  const second = await apiAs(doc, 'POST', `/patients/${wendy}/courses`, { protocol: 'sensitive', start: day(20) });
  check(second.status === 201, `a second, planned course (${second.status})`);
  await doc.reload();
  await doc.locator('summary', { hasText: `Discard planned course #${second.json.id}` }).click();
  await doc.getByLabel(/Why is the course discarded/).fill('Only one course at a time: the first one has started.');
  await doc.getByRole('button', { name: `Discard course #${second.json.id}` }).click();
  await doc.getByText(new RegExp(`Course #${second.json.id}: sensitive, discarded`)).waitFor();
  check(true, 'a planned course is discarded with its reason');

  // ---- 3. Not eligible; review findings acknowledged one by one; the baseline for the patient ----
  const nora = await newPatient('Nora Noteligible');
  await apiAs(doc, 'POST', `/patients/${nora}/medications`, { name: 'oxycodone', active: true });
  await doc.goto(`/#/patient/${nora}/new-course`);
  await doc.getByRole('button', { name: 'Run the screening' }).click();
  await doc.getByText(/unless you override this with a written reason/).waitFor();
  check(await doc.getByRole('button', { name: 'Continue to the plan' }).isDisabled(), 'not eligible: no plain way on to a plan');
  await doc.getByRole('button', { name: 'Plan anyway: override with a written reason' }).click();
  await doc.locator('[data-check="screening.not_eligible"].failed').waitFor();
  await doc.getByRole('button', { name: 'Create the plan' }).click();
  await doc.getByText(/screening\.not_eligible.*\(screening\)/).waitFor();
  check((await apiAs(doc, 'GET', `/patients/${nora}/courses`)).json.courses.length === 0, 'not eligible: no course is created');
  await shot(doc, 'interlocks-3-not-eligible', 'desktop');

  const rita = await newPatient('Rita Review');
  await apiAs(doc, 'POST', `/patients/${rita}/medications`, { name: 'levothyroxine', active: true });
  await apiAs(doc, 'POST', `/patients/${rita}/conditions`, { name: 'kidney disease' });
  await doc.goto(`/#/patient/${rita}/new-course`);
  await doc.getByRole('button', { name: 'Run the screening' }).click();
  await doc.getByText(/Verdict:/).waitFor();
  await doc.getByRole('button', { name: 'Continue to the plan' }).click();
  const reviewBoxes = doc.locator('input[data-key]');
  await reviewBoxes.first().waitFor();
  check(await reviewBoxes.count() === 2, `each review finding has its own acknowledgement (${await reviewBoxes.count()})`);
  await reviewBoxes.first().check();
  // The refusal redraws the gate from the server (one more data-loads on its box); the redraw
  // keeps the tick the clinician already gave.
  const loads = Number(await doc.locator('div[data-loads]').getAttribute('data-loads'));
  await doc.getByRole('button', { name: 'Create the plan' }).click();
  await doc.getByText(/screening\.review.*\(screening\)/).waitFor();
  check(true, 'one of two review findings acknowledged: refused');
  await doc.locator(`div[data-loads="${loads + 1}"]`).waitFor();
  check(await doc.locator('input[data-key]').nth(0).isChecked() && !(await doc.locator('input[data-key]').nth(1).isChecked()),
    'the redrawn gate keeps the one tick given, the other box still empty');
  await doc.locator('input[data-key]').nth(1).check();
  await doc.getByRole('button', { name: 'Create the plan' }).click();
  await doc.getByRole('heading', { name: 'Prescription' }).waitFor();
  const ritaCourse = (await apiAs(doc, 'GET', `/patients/${rita}/courses`)).json.courses[0];
  check(ritaCourse.start_date === day(14), `no diary yet: the first dose is 14 days ahead, after the baseline (${ritaCourse.start_date})`);
  await shot(doc, 'interlocks-3-review-acknowledged', 'desktop');
  // No diary yet: the report cannot be made, and the page says so in words (never a silent failure).
  await doc.goto(`/#/patient/${rita}`);
  await doc.getByRole('link', { name: 'Download the response report (PDF)' }).click();
  const pdfError = doc.locator('[data-report-error]');
  await pdfError.filter({ hasText: /The report could not be made/ }).waitFor();
  const pdfErrorText = await pdfError.textContent();
  check(!/\b[a-z_]+\[\d+\]/.test(pdfErrorText), `the refused report is explained in words: "${pdfErrorText}"`);
  await shot(doc, 'interlocks-3-report-refused', 'desktop');

  {
    const { context, page } = await newPage(PHONE);
    await login(page, await patientLogin(rita, 'rita'));
    await page.getByText('Baseline: keep your diary for 14 days before your first dose').waitFor();
    check((await page.getByText(/Baseline questionnaire \(FIQR\) is due/).count()) === 1, 'the patient is asked for the baseline FIQR');
    await audit(page, 'patient-today-baseline');
    await shot(page, 'interlocks-3-patient-baseline', 'phone');
    await page.goto('/#/questionnaires');
    await page.getByText(/Baseline FIQR is due: answer it before your first dose/).waitFor();
    check(true, 'the questionnaires page says the baseline FIQR is due');
    await context.close();
  }

  // ---- 4. Safe dose entry and the safety net, as a patient on an active course ----
  const cora = await newPatient('Cora Course');
  await diary(cora, -24, -1);
  const screened = await apiAs(doc, 'POST', `/patients/${cora}/screenings`, { today: day(-12) });
  check(screened.status === 201 && screened.json.verdict === 'eligible', 'Cora was screened eligible 12 days ago');
  const created = await apiAs(doc, 'POST', `/patients/${cora}/courses`, { protocol: 'ldnrt-standard', start: day(-10) });
  check(created.status === 201, `Cora's course, first dose 10 days ago after a full baseline, passes the gate without override (${created.status})`);
  const activated = await apiAs(doc, 'PUT', `/patients/${cora}/courses/${created.json.id}/status`, { status: 'active' });
  check(activated.status === 200 && activated.json.gate.allowed, `and its activation too (${activated.status})`);
  check(!(await apiAs(doc, 'GET', `/patients/${cora}/flags`)).json.flags.some((f) => f.level === 'red'), 'a correctly scheduled start raises no safety flag');
  {
    const { context, page } = await newPage(PHONE);
    await login(page, await patientLogin(cora, 'cora'));
    await page.goto('/#/today');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await page.locator('fieldset[data-scale="pain"] label', { hasText: /^5$/ }).click();
    await page.locator('.dose-q label', { hasText: /^Yes$/ }).click();
    await page.getByLabel('Amount (mg)').fill('20');
    await page.getByRole('button', { name: /Save/ }).click();
    await page.getByText(/20 mg was not saved: it is 10 times the planned 2 mg/).waitFor();
    check(true, '10 times the step is refused in plain words');
    await shot(page, 'interlocks-4-dose-refused', 'phone');
    await page.getByLabel('Amount (mg)').fill('1,5');
    await page.getByRole('button', { name: /Save/ }).click();
    await page.getByRole('group', { name: 'Confirm your dose' }).waitFor();
    check((await page.getByText(/Your plan says 2 mg on .* and you entered 1\.5 mg/).count()) === 1, '"1,5" is read as 1.5 mg, and it differs from the plan: the patient is asked');
    await shot(page, 'interlocks-4-dose-confirm', 'phone');
    await page.getByLabel(/Why is it different/).fill('felt sick, took less');
    await page.getByRole('button', { name: 'Yes, I took 1.5 mg' }).click();
    await page.getByText(/Dose saved: 1\.5 mg/).waitFor();
    const doses = (await apiAs(page, 'GET', `/patients/${cora}/doses?from=${today}&to=${today}`)).json.doses;
    check(doses.length === 1 && doses[0].dose_mg === 1.5 && doses[0].off_plan.reason === 'felt sick, took less',
      `the dose is stored as 1.5 mg (never 15) with the patient's reason (${JSON.stringify(doses.map((d) => d.dose_mg))})`);
    // A past day: the time defaults to the planned time of the dose.
    await page.goto(`/#/day/${day(-3)}`);
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    check(await page.getByLabel('Time').inputValue() === '22:00', `a past day's dose time defaults to the planned bedtime (got ${await page.getByLabel('Time').inputValue()})`);
    // A severe report: guidance at once.
    await page.goto('/#/today');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await openMoreAboutToday(page);
    await page.getByRole('button', { name: 'Temporary worsening of symptoms' }).click();
    await page.getByLabel('severe').check();
    await page.getByLabel('Note (optional)').fill('heart racing. Should I stop?');
    await page.getByRole('button', { name: /Save/ }).click();
    await page.getByRole('heading', { name: 'Please contact your clinician today' }).waitFor();
    const alertText = await page.locator('section.card.alert').textContent();
    check(alertText.includes('Severe side effect: Temporary worsening of symptoms') && alertText.includes('You wrote about heart racing or palpitations'),
      'the patient sees why: the severe side effect and the worrying words');
    check(alertText.includes('How to stop LDN') && alertText.includes('Call your emergency number now'),
      'the guidance says how to stop LDN and the emergency signs');
    await audit(page, 'patient-today-guidance');
    await shot(page, 'interlocks-4-guidance', 'phone');
    // A serious event reported between diary days: the same safety net (POST .../adverse-events).
    await page.getByRole('link', { name: 'Report a problem to your care team' }).click();
    await page.getByRole('heading', { name: 'Report a problem' }).waitFor();
    await page.getByLabel('What happened?').fill('Fainted in the kitchen, my chest hurts');
    await page.getByLabel(/^Severe:/).check();
    await page.getByLabel('It needed a hospital stay or emergency care').check();
    await audit(page, 'patient-report-problem');
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.getByRole('heading', { name: 'Please act now' }).waitFor();
    const aeText = await page.locator('.problem-result section.card.alert').textContent();
    check(aeText.includes('Call your emergency number now') && /chest pain/i.test(aeText),
      `a serious event naming chest pain: emergency guidance at once (${aeText.slice(0, 120)}...)`);
    await shot(page, 'interlocks-4-problem-emergency', 'phone');
    check(page.errors.length === 0, `patient pages raised no script or CSP error ${page.errors.join('; ')}`);
    await context.close();
  }

  // ---- 5. The clinician: server flags on the panel and the patient page, the 14-day view ----
  await doc.goto('/#/panel');
  const coraRow = doc.locator('tr', { hasText: 'Cora Course' });
  await coraRow.waitFor();
  const rowText = await coraRow.textContent();
  check(rowText.includes('heart racing') && rowText.includes('Severe side effect') && rowText.includes('1.5 mg logged, the plan says 2 mg'),
    'the panel shows the red flags: the worrying note, the severe side effect, the off-plan dose');
  check(rowText.includes('(severe, serious): "Fainted in the kitchen, my chest hurts"'),
    'and the serious event the patient reported, with its severity and words');
  check((await doc.locator('tbody tr').first().textContent()).includes('Cora Course') || (await doc.locator('tbody tr').first().locator('.flag.red').count()) > 0,
    'patients with red flags come first');
  const noraRow = doc.locator('tr', { hasText: 'Nora Noteligible' });
  check((await noraRow.textContent()).includes('No flags'), 'no "diary missing" (nor any flag) for a patient with no course');
  await audit(doc, 'clinician-panel-server-flags');
  await shot(doc, 'interlocks-5-panel', 'desktop');
  await doc.goto(`/#/patient/${cora}`);
  await doc.getByRole('heading', { name: 'The last 14 days: notes and side effects' }).waitFor();
  const todayRow = doc.locator('section.card', { hasText: 'The last 14 days' }).locator('tbody tr').first();
  const todayText = await todayRow.textContent();
  check(todayText.includes('heart racing. Should I stop?') && todayText.includes('Temporary worsening of symptoms (severe)'),
    'the 14-day view shows the note, the side effect and its severity');
  const noteFlag = doc.locator(`.flags li[data-code="diary.${today}.note.heart_racing"]`);
  check((await noteFlag.textContent()).includes('"heart racing. Should I stop?"'), 'the red flag quotes the note');
  await noteFlag.getByLabel(/What did you see or do/).fill('Phoned: palpitations after coffee; ECG booked.');
  await noteFlag.getByRole('button', { name: 'Acknowledge' }).click();
  await doc.locator(`.flags li.acknowledged[data-code="diary.${today}.note.heart_racing"]`).waitFor();
  await shot(doc, 'interlocks-5-patient-flags', 'desktop');
  const [download] = await Promise.all([doc.waitForEvent('download'),
    doc.getByRole('link', { name: 'Download the response report (PDF)' }).click()]);
  check(download.suggestedFilename() === `ldn-report-patient-${cora}.pdf` && (await doc.locator('[data-report-error]').textContent()) === '',
    `the report of an analysable record downloads (${download.suggestedFilename()})`);
  const flags = (await apiAs(doc, 'GET', `/patients/${cora}/flags`)).json.flags;
  check(flags.find((f) => f.code === `diary.${today}.note.heart_racing`).acknowledged
    && !flags.find((f) => f.code === `diary.${today}.severe.symptom_flare`).acknowledged, 'the acknowledgement sticks to that flag only');
  await doc.goto('/#/panel');
  await coraRow.waitFor();
  await coraRow.locator(`.flag[data-code="diary.${today}.severe.symptom_flare"]`).waitFor();
  check(await coraRow.locator(`.flag[data-code="diary.${today}.note.heart_racing"]`).count() === 0,
    'an acknowledged flag leaves the panel; the severe side effect, not acknowledged, stays');
  check(doc.errors.length === 0, `clinician pages raised no script or CSP error ${doc.errors.join('; ')}`);
  await docContext.close();
  await adminContext.close();
});
