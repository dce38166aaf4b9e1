import {DESKTOP, PHONE_390, runSpec} from '../harness.mjs';

// "Your plan changed" (issue 15, item 2c): the clinician adjusts the plan in the web app (sleep side
// effects: morning dosing); the patient's Today says what changed, in words and dates, above the
// diary, until they tap "Got it", which the server keeps (a reload shows no banner); a plan changed
// again while the page was open is not acknowledged unseen (409, said in words); light and dark,
// axe clean, at 390 px; the clinician's side of the same notice at 1280 px.
runSpec('plan_notice', async (t) => {
  const {check, newPage, login, visit, shot, apiAs, audit} = t;
  const today = t.localDate('Europe/Oslo');

  // The patient first: nothing changed, no banner.
  const {page: pat} = await newPage(PHONE_390);
  await login(pat, 'patient');
  await visit(pat, '#/today', 'patient-today-no-plan-change', 'phone-390', async (p) => {
    await p.getByRole('heading', {level: 1, name: /Today/}).waitFor();
  });
  check(await pat.locator('#plan-changed').count() === 0, 'a plan nobody changed shows no "plan changed" banner');
  const quiet = await apiAs(pat, 'GET', '/patients/1/plan-notice');
  check(
      quiet.status === 200 && quiet.json.changed === false,
      `the server has no news for the patient (${quiet.status}, changed ${quiet.json && quiet.json.changed})`);

  // The clinician adjusts the plan in the web app: vivid dreams not settled for 7 days -> morning dosing.
  const {page: doc} = await newPage(DESKTOP);
  await login(doc, 'clinician');
  await visit(doc, '#/patient/1', 'clinician-patient-before-adjust', 'desktop', async (p) => {
    await p.getByText('Adjust the plan', {exact: true}).first().waitFor();
  });
  const adjust = doc.locator('details').filter({has: doc.locator('summary', {hasText: 'Adjust the plan'})}).first();
  await adjust.locator('summary').click();
  await adjust.getByLabel('Reason (kept with the adjustment)').fill('Vivid dreams every night for a week.');
  await adjust.getByLabel('Event', {exact: true}).selectOption('sleep_side_effects');
  await adjust.getByLabel('Date (side effect) or first day of the gap').fill(today);
  await adjust.getByLabel('Side effect', {exact: true}).fill('vivid_dreams');
  await adjust.getByLabel('Days not settled').fill('7');
  await Promise.all([doc.waitForEvent('load'), adjust.getByRole('button', {name: 'Adjust the plan'}).click()]);
  const seenByDoc = await apiAs(doc, 'GET', '/patients/1/plan-notice');
  check(
      seenByDoc.status === 200 && seenByDoc.json.changed === true,
      `the clinician sees what the patient has yet to see (${
          JSON.stringify(seenByDoc.json && seenByDoc.json.changes)})`);
  const changes = seenByDoc.json.changes || [];
  check(
      changes.some((c) => c.kind === 'time' && c.now === 'morning' && c.from >= today),
      `the change is the time of the dose, from today on (${
          changes.map((c) => `${c.kind} ${c.from} ${c.now}`).join('; ')})`);
  const forThem =
      await apiAs(doc, 'POST', '/patients/1/plan-notice/acknowledge', {snapshot_id: seenByDoc.json.snapshot_id});
  check(forThem.status === 403, `the clinician cannot make it go away for the patient (${forThem.status})`);

  // The patient's Today: the banner, in words, above the diary.
  // (The patient had Today open: they come back to it and reload, as after a night.)
  await pat.reload();
  await pat.locator('#plan-changed').waitFor();
  await audit(pat, 'patient-today-plan-changed');
  await shot(pat, 'patient-today-plan-changed', 'phone-390');
  const banner = pat.locator('#plan-changed');
  const text = await banner.innerText();
  check(
      /Your plan changed/.test(text) && /in the morning/.test(text) && /it was at bedtime/.test(text),
      `the banner says what changed in words: "${text.replace(/\s+/g, ' ').slice(0, 160)}"`);
  check(!/\d{4}-\d{2}-\d{2}|_ug|snapshot/.test(text), 'no ISO dates, field names or ids on the patient\'s screen');
  const order = await pat.evaluate(() => {
    const b = document.getElementById('plan-changed');
    const form = document.querySelector('form');
    return b && form ? (b.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 : false;
  });
  check(order, 'the banner comes before the diary');
  const gotIt = banner.getByRole('button', {name: 'Got it'});
  const box = await gotIt.boundingBox();
  check(box && box.height >= 44, `"Got it" is a large target (${box && Math.round(box.height)} px)`);
  await pat.emulateMedia({colorScheme: 'dark'});
  await audit(pat, 'patient-today-plan-changed-dark');
  await shot(pat, 'patient-today-plan-changed-dark', 'phone-390');
  await pat.emulateMedia({colorScheme: 'light'});

  // The plan changes again while the page is open: "Got it" on the old page is refused, in words.
  const again = await apiAs(
      doc, 'POST',
      `/patients/1/courses/${(await apiAs(doc, 'GET', '/patients/1/plan-notice')).json.plan.course_id}/adjustments`, {
        reason: 'Headache as well.',
        events: [
          ...((await apiAs(doc, 'GET', '/patients/1/courses'))
                  .json.courses.find((c) => c.status === 'active')
                  .plan.events ||
              []),
          {type: 'side_effects', date: today, name: 'headache', days_unsettled: 5}
        ],
      });
  check(again.status === 201, `the clinician adjusts again (${again.status})`);
  await gotIt.click();
  await banner.getByText('changed again').waitFor();
  check(await banner.getByText('Reload the page').count() === 1, 'a stale "Got it" is refused and says to reload');
  const stillNews = await apiAs(pat, 'GET', '/patients/1/plan-notice');
  check(stillNews.json.changed === true, 'nothing was acknowledged unseen');
  await shot(pat, 'patient-today-plan-changed-again', 'phone-390');

  // Reloaded: the latest changes (the dose now halved as well); "Got it" is kept by the server.
  await pat.reload();
  await banner.waitFor();
  const latest = await banner.innerText();
  check(
      /mg/.test(latest),
      `after the reload the banner has the latest change of dose: "${latest.replace(/\s+/g, ' ').slice(0, 200)}"`);
  await banner.getByRole('button', {name: 'Got it'}).click();
  await pat.getByText('Noted. Your plan is shown below.').waitFor();
  check(true, 'the patient acknowledges the plan they saw');
  await pat.reload();
  await pat.getByRole('heading', {level: 1, name: /Today/}).waitFor();
  await pat.locator('form').first().waitFor();
  check(
      await pat.locator('#plan-changed').count() === 0,
      'after "Got it" the banner is gone for good (the server keeps it)');
  const done = await apiAs(pat, 'GET', '/patients/1/plan-notice');
  check(
      done.json.changed === false && typeof done.json.acknowledged_at === 'string',
      `acknowledged on the server (${done.json.acknowledged_at})`);
});
