import { runSpec, PHONE_390, DESKTOP, localDate } from '../harness.mjs';

// Issue 13, the clinician's inbox (docs/clinic.md "Tasks"): a patient of the demo clinic with a
// message waiting, a red flag, a missing diary, an unsigned prescription and an overdue FIQR; the
// clinician sees each as a task in the web app and clears each -- by its cause (a reply) or by
// marking it done or dismissing it with a reason -- and the server refuses what cannot be settled.
runSpec('inbox', async (t) => {
  const { check, newPage, login, audit, shot, apiAs } = t;
  const TZ = 'Europe/Oslo';
  const day = (n) => localDate(TZ, n);
  const NAME = 'Ingrid Inbox';

  const { page: doc } = await newPage(DESKTOP);
  await login(doc, 'clinician');
  const teams = await apiAs(doc, 'GET', '/care-teams');
  const teamId = teams.json.care_teams.find((x) => x.name === 'Demo clinic').id;
  let r = await apiAs(doc, 'POST', '/patients', { display_name: NAME, time_zone: TZ, care_team_id: teamId });
  check(r.status === 201, `the clinician creates ${NAME} (${r.status})`);
  const pid = r.json.id;
  // An active course since 20 days ago (screening and baseline overridden with a reason).
  const overrides = [{ code: 'screening.missing', reason: 'Screened at the visit; see the consultation note.' },
    { code: 'start.before_baseline', reason: 'Baseline diary kept on paper before the app.' }];
  r = await apiAs(doc, 'POST', `/patients/${pid}/courses`, { protocol: 'ldnrt-standard', start: day(-20), overrides });
  check(r.status === 201, `a course is planned (${r.status})`);
  const courseId = r.json.id;
  r = await apiAs(doc, 'PUT', `/patients/${pid}/courses/${courseId}/status`, { status: 'active', overrides });
  check(r.status === 200, `the course is active (${r.status})`);
  // Diary days up to 5 days ago, then nothing: the diary is missing on each of the last 4 days.
  const entries = [];
  for (let n = -20; n <= -5; n += 1) entries.push({ date: day(n), client_id: `inbox-${n}`, scale_version: 2, items: { pain: 6 } });
  r = await apiAs(doc, 'POST', `/patients/${pid}/diary:batch`, { entries });
  check(r.status === 200, `diary days (${r.status})`);
  // A FIQR answered 35 days ago: the next was due 7 days ago -> overdue.
  r = await apiAs(doc, 'POST', `/patients/${pid}/instruments`, { instrument: 'fiqr', date: day(-35),
    answers: { function: [3, 3, 3, 3, 3, 3, 3, 3, 3], impact: [5, 5], symptoms: [6, 6, 6, 6, 6, 6, 6, 6, 6, 6] } });
  check(r.status === 201, `an old FIQR (${r.status})`);
  // A severe adverse event: a red flag.
  r = await apiAs(doc, 'POST', `/patients/${pid}/adverse-events`, { onset_date: day(-1), description: 'fainted in the shower', severity: 'severe' });
  check(r.status === 201, `a severe adverse event (${r.status})`);
  // A draft prescription to the demo pharmacy (an order carries the date of birth and address).
  r = await apiAs(doc, 'PATCH', `/patients/${pid}`, { date_of_birth: '1979-05-14', address: 'Parkveien 2, Oslo' });
  check(r.status === 200, `date of birth and address recorded (${r.status})`);
  const pharmacies = (await apiAs(doc, 'GET', '/pharmacies')).json.pharmacies;
  r = await apiAs(doc, 'POST', `/patients/${pid}/prescriptions`, { course_id: courseId, pharmacy_id: pharmacies[0].id,
    formulation: { form: 'liquid', strength_mg: 1 } });
  check(r.status === 201, `a draft prescription (${r.status}: ${JSON.stringify(r.json).slice(0, 200)})`);

  // The patient joins from an invitation and writes from the Messages page.
  const invited = await apiAs(doc, 'POST', `/patients/${pid}/invitations`);
  const { page: pat } = await newPage(PHONE_390);
  const accept = await pat.request.post('/api/v1/invitations/accept', { data: { code: invited.json.code, username: 'ingrid', password: 'spring diary passphrase 7' } });
  check(accept.status() === 201, `the patient makes an account (${accept.status()})`);
  await login(pat, ['ingrid', 'spring diary passphrase 7']);
  await pat.goto('/#/messages');
  await pat.getByLabel('Your message').fill('I fainted yesterday morning. Should I skip tonight\'s dose?');
  await pat.getByRole('button', { name: 'Send' }).click();
  await pat.getByText('Message sent.').waitFor();
  check(true, 'the patient sent a message from the phone');

  // ---- The inbox shows each task ----
  await doc.goto('/#/inbox');
  await doc.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  const card = (kind) => doc.locator(`li.task[data-kind="${kind}"]`, { hasText: NAME });
  for (const kind of ['message', 'flag', 'prescription_to_sign', 'questionnaire_overdue', 'diary_missing']) {
    check(await card(kind).count() >= 1, `the inbox shows a ${kind} task for ${NAME}`);
  }
  const firstRed = doc.locator('li.task').first();
  check((await firstRed.getAttribute('class')).includes('task-red') || (await doc.locator('li.task.task-red').count()) > 0, 'red flags are marked red');
  check(!(await doc.locator('main').textContent()).includes('Should I skip'), 'the inbox names the thread, never the message text');
  check(await card('prescription_to_sign').locator('summary', { hasText: 'Mark done' }).count() === 0,
    'a prescription cannot be marked done from the inbox (it is done when signed)');
  await audit(doc, 'clinician-inbox');
  await shot(doc, 'inbox-1-tasks', 'desktop');

  // ---- The server refuses what the form would not send: a flag settled without a note ----
  const tasks = (await apiAs(doc, 'GET', `/patients/${pid}/tasks`)).json.tasks;
  const red = tasks.find((x) => x.kind === 'flag' && x.level === 'red');
  r = await apiAs(doc, 'POST', `/patients/${pid}/tasks/resolve`, { key: red.key, resolution: 'done' });
  check(r.status === 400 && r.json.error.field === 'note', `the server refuses a flag settled without a note (${r.status} ${r.json.error && r.json.error.field})`);
  const rx = tasks.find((x) => x.kind === 'prescription_to_sign');
  r = await apiAs(doc, 'POST', `/patients/${pid}/tasks/resolve`, { key: rx.key, resolution: 'done' });
  check(r.status === 409, `the server refuses "done" for an unsigned prescription (${r.status})`);

  // ---- Clearing each ----
  // 1. The message: answered from its thread.
  await card('message').getByRole('link', { name: 'Open the messages' }).click();
  await doc.getByLabel('Your message').fill('Please skip tonight\'s dose; I will phone you within the hour.');
  await doc.getByRole('button', { name: 'Send' }).click();
  await doc.getByText('Message sent.').waitFor();
  await doc.goto('/#/inbox');
  await doc.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  check(await card('message').count() === 0, 'a reply cleared the message task');

  // 2. The red flag: marked done with what was done (kept as the flag's acknowledgement).
  const flagCard = doc.locator(`li.task[data-key="${red.key}"]`);
  await flagCard.locator('summary', { hasText: 'Mark done' }).click();
  await flagCard.getByLabel(/What was seen or done/).fill('Phoned: a vasovagal faint after a hot shower; ECG booked.');
  await flagCard.getByRole('button', { name: 'Mark done' }).click();
  await doc.locator(`li.task[data-key="${red.key}"]`).waitFor({ state: 'detached' });
  const flags = (await apiAs(doc, 'GET', `/patients/${pid}/flags`)).json.flags;
  const acked = flags.find((f) => f.code === red.key);
  check(acked && acked.acknowledged && /vasovagal/.test(acked.acknowledgement.note), 'the flag is acknowledged with the note on the chart too');

  // 3. The missing diary: dismissed with a reason.
  const diaryCard = card('diary_missing');
  await diaryCard.locator('summary', { hasText: 'Dismiss' }).click();
  await diaryCard.getByLabel('Why is this dismissed?').fill('In hospital for two days; she told us by phone.');
  await shot(doc, 'inbox-2-dismissing', 'desktop');
  await diaryCard.getByRole('button', { name: 'Dismiss' }).click();
  await card('diary_missing').waitFor({ state: 'detached' });
  check(true, 'the missing diary was dismissed with a reason');

  // 4. The overdue FIQR: marked done (a paper copy posted), on a phone.
  await doc.setViewportSize(PHONE_390);
  const fiqrCard = card('questionnaire_overdue');
  await fiqrCard.locator('summary', { hasText: 'Mark done' }).click();
  await fiqrCard.getByLabel('Note (optional)').fill('Paper FIQR posted to her.');
  await shot(doc, 'inbox-3-phone', 'phone');
  await fiqrCard.getByRole('button', { name: 'Mark done' }).click();
  await card('questionnaire_overdue').waitFor({ state: 'detached' });
  const overflow = await doc.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `the inbox fits a 390 px phone (overflow ${overflow} px)`);
  await doc.setViewportSize(DESKTOP);

  // 5. The prescription: signed from the patient's page is its cause; here a duplicate draft is dismissed.
  const rxCard = card('prescription_to_sign');
  await rxCard.locator('summary', { hasText: 'Dismiss' }).click();
  await rxCard.getByLabel('Why is this dismissed?').fill('Will sign after the phone call; the dose may change.');
  await rxCard.getByRole('button', { name: 'Dismiss' }).click();
  await card('prescription_to_sign').waitFor({ state: 'detached' });

  const left = (await apiAs(doc, 'GET', `/patients/${pid}/tasks`)).json;
  check(left.tasks.filter((x) => x.level === 'red' || ['message', 'prescription_to_sign', 'questionnaire_overdue', 'diary_missing'].includes(x.kind)).length === 0,
    `no red flag, message, prescription, questionnaire or diary task is left for ${NAME} (${left.tasks.map((x) => x.key).join(', ')})`);
  check(left.settled.length === 4 && left.settled.every((s) => s.recorded_by > 0),
    `four tasks are recorded as settled, each with who settled it (${left.settled.length})`);
  await doc.locator('details', { hasText: 'Recently settled' }).locator('summary').click();
  check(await doc.getByText(/Diaries missing — Ingrid Inbox: dismissed/).count() === 1, 'the inbox lists what was settled and how');
  await shot(doc, 'inbox-4-cleared', 'desktop');
});
