import { runSpec, PHONE_390, DESKTOP, heading, localDate } from '../harness.mjs';

// The rest of the clinic's workspace (issue 13) on the demo's records, driven through the web app:
// the clinician edits a patient's demographics, adds and resolves a condition, records an adverse
// event linked to the course and follows it up, sees the diary's revision history after the
// patient edited a day, filters the timeline, and cancels a signed prescription with a reason that
// the pharmacist then sees; the admin resets a password by a one-time code (the old password stops
// working once the new one is set), disables and re-enables an account, and makes a care team.
runSpec('clinic_records', async (t) => {
  const { check, newPage, login, visit, audit, shot, apiAs } = t;
  const tz = 'Europe/Oslo';  // Pat Demo's (patient #1) time zone

  // ---- The patient edits a diary day (a second revision) ---------------------------------------
  {
    const { context, page } = await newPage(PHONE_390);
    await login(page, 'patient');
    const list = await apiAs(page, 'GET', `/patients/1/diary?from=${localDate(tz, -10)}&to=${localDate(tz, -1)}`);
    const entries = (list.json && (list.json.entries || list.json.days)) || [];
    check(list.status === 200 && entries.length > 0, `the demo has diary entries in the last 10 days (${list.status}, ${entries.length})`);
    const edited = entries[entries.length - 1].date;
    const items = entries[entries.length - 1].items;
    const before = items.pain;
    items.pain = before === 9 ? 8 : before + 1;
    const put = await apiAs(page, 'PUT', `/patients/1/diary/${edited}`, { client_id: `e2e-edit-${Date.now()}`, scale_version: 2, items });
    check(put.status === 200, `the patient edited the day (${put.status}${put.status !== 200 ? ` ${JSON.stringify(put.json)}` : ''})`);
    t.painChange = `pain ${before} → ${items.pain}`;
    await context.close();
  }

  // ---- Clinician: the chart of Pat Demo ------------------------------------------------------------
  let rxId;
  {
    const { context, page } = await newPage(DESKTOP);
    await login(page, 'clinician');
    await visit(page, '#/patient/1/chart', 'clinician-chart-demo', 'desktop', heading('Chart: Pat Demo'));
    // Demographics.
    await page.locator('summary', { hasText: 'Edit the demographics' }).click();
    await page.getByLabel('Address', { exact: true }).fill('Kirkeveien 7, 0368 Oslo');
    await page.getByRole('button', { name: 'Save the demographics' }).click();
    await page.getByText('Demographics saved.').waitFor();
    await page.locator('dd', { hasText: 'Kirkeveien 7, 0368 Oslo' }).waitFor();
    check(true, 'the clinician changed the address');
    // A condition, then resolved.
    await page.locator('summary', { hasText: 'Add a condition' }).click();
    await page.getByLabel('Condition', { exact: true }).fill('migraine');
    await page.getByLabel('Since').fill('2019-04-01');
    await page.getByRole('button', { name: 'Add the condition' }).click();
    await page.getByText('migraine added.').waitFor();
    await page.locator('summary', { hasText: 'Resolve migraine' }).click();
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await page.getByText('migraine resolved.').waitFor();
    await page.locator('li.record', { hasText: 'migraine' }).filter({ hasText: /\(resolved/ }).waitFor();  // after the reload
    const cond = await page.locator('li.record', { hasText: 'migraine' }).textContent();
    check(cond.includes('resolved') && cond.includes('since'), `the condition is listed as resolved: ${cond.slice(0, 120)}`);
    // An adverse event, linked to the current course, then followed up.
    await page.locator('summary', { hasText: 'Record an adverse event' }).click();
    await page.getByLabel('What happened').fill('nausea after the evening dose');
    await page.getByLabel('Grade (CTCAE v5.0)').selectOption('moderate');
    await page.getByLabel('Action taken with LDN').selectOption('dose_reduced');
    await page.getByRole('button', { name: 'Record the adverse event' }).click();
    await page.getByText('Adverse event recorded.').waitFor();
    const ae = page.locator('li.record', { hasText: 'nausea after the evening dose' });
    const aeText = await ae.textContent();
    check(aeText.includes('grade 2') && aeText.includes('dose reduced') && /course #\d+/.test(aeText),
      `the adverse event has its CTCAE grade, action and course: ${aeText.slice(0, 160)}`);
    await ae.locator('summary', { hasText: 'Follow up: nausea' }).click();
    await ae.getByLabel('Outcome').selectOption('recovered');
    await ae.getByRole('button', { name: 'Save the follow-up' }).click();
    await page.getByText('Follow-up saved.').waitFor();
    await page.locator('li.record', { hasText: 'nausea after the evening dose' }).filter({ hasText: 'outcome: recovered' }).waitFor();
    const followed = await page.locator('li.record', { hasText: 'nausea after the evening dose' }).textContent();
    check(followed.includes('outcome: recovered') && /outcome \S+ -> recovered/.test(followed), `the follow-up is kept with its history: ${followed.slice(0, 200)}`);
    // The diary's revision history.
    const diary = page.locator('section', { has: page.getByRole('heading', { name: 'Diary: what changed and when' }) });
    await diary.locator('li.record').first().waitFor();
    const hist = await diary.textContent();
    check(hist.includes('2 versions') && hist.includes(t.painChange), `the diary history shows the patient's edit (${t.painChange})`);
    await audit(page, 'clinician-chart-demo (records)');
    await shot(page, 'clinician-chart-records', 'desktop');

    // The timeline filtered to adverse events and conditions.
    await visit(page, '#/patient/1/timeline', 'clinician-timeline-demo', 'desktop', heading('Timeline: Pat Demo'));
    const kinds = page.locator('fieldset input[type="checkbox"]');
    for (let i = 0; i < await kinds.count(); i += 1) await kinds.nth(i).uncheck();
    await page.getByLabel('Adverse events').check();
    await page.getByLabel('Conditions').check();
    await page.waitForFunction(() => !document.querySelector('li.tl-event[data-kind="prescription"]'));
    await page.locator('li.tl-event', { hasText: 'nausea' }).waitFor();
    await page.locator('li.tl-event', { hasText: 'migraine' }).first().waitFor();
    const tl = await page.locator('ul.timeline').textContent();
    check(tl.includes('nausea') && tl.includes('migraine'), 'the filtered timeline shows the adverse event and the condition');
    check(await page.locator('li.tl-event:not([data-kind="adverse_event"]):not([data-kind="condition"])').count() === 0, 'and nothing else');
    await shot(page, 'clinician-timeline-records', 'desktop');

    // Cancel the signed demo prescription with a reason.
    await page.goto('/#/patient/1');
    const item = page.locator('details.order-item').first();
    await item.waitFor();
    rxId = Number((await item.locator('summary').first().textContent()).match(/#(\d+)/)[1]);
    if (!(await item.getAttribute('open'))) await item.locator('summary').first().click();
    await item.locator('summary', { hasText: `Cancel prescription #${rxId}` }).click();
    await item.getByLabel('Reason (the pharmacy sees it)').fill('E2E: switching to capsules');
    await item.getByRole('button', { name: 'Cancel it' }).click();
    await page.locator('details.order-item > summary', { hasText: `#${rxId}:` }).filter({ hasText: 'cancelled' }).waitFor();
    check(true, `the clinician cancelled prescription #${rxId}`);
    await context.close();
  }
  {
    const { context, page } = await newPage(DESKTOP);
    await login(page, 'pharmacist');
    await page.goto('/#/rx');
    const row = page.locator(`tr[data-rx="${rxId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    check(text.includes('cancelled') && text.includes('E2E: switching to capsules'), `the pharmacy sees the cancellation and its reason: ${text.slice(0, 200)}`);
    await shot(page, 'pharmacist-order-cancelled', 'desktop');
    await context.close();
  }

  // ---- Admin: a password reset by one-time code, disabling, a care team ---------------------------
  let resetCode;
  {
    const { context, page } = await newPage(DESKTOP);
    await login(page, 'admin');
    await visit(page, '#/admin', 'admin-records', 'desktop', heading('Administration'));
    await page.getByRole('button', { name: 'Password code for res' }).click();
    const code = page.locator('.code-box .code').first();
    await code.waitFor();
    resetCode = await code.getAttribute('data-code');
    check(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){5}$/.test(resetCode), `a reset code is shown, no password (${resetCode})`);
    check(!(await page.locator('body').textContent()).includes('ldn-demo-outcomes'), 'the admin never sees a password');
    await shot(page, 'admin-reset-code', 'desktop');
    // Disable the pharmacist, whose login then fails; enable again.
    await page.getByRole('button', { name: 'Disable pharm', exact: true }).click();
    await page.getByText('pharm disabled.').waitFor();
    await page.locator('tr[data-user="pharm"]', { hasText: 'Enable pharm' }).waitFor();  // after the reload
    check((await page.locator('tr[data-user="pharm"]').textContent()).includes('disabled'), 'the account is shown as disabled');
    const refused = await page.request.post('/api/v1/session', { data: { username: 'pharm', password: 'ldn-demo-compounding' } });
    check(refused.status() === 401, `a disabled account cannot log in (${refused.status()})`);
    await page.getByRole('button', { name: 'Enable pharm', exact: true }).click();
    await page.getByText('pharm enabled.').waitFor();
    await page.locator('tr[data-user="pharm"]', { hasText: 'Disable pharm' }).waitFor();
    // A care team with a member and a patient.
    await page.getByLabel('New care team').fill('E2E team');
    await page.getByRole('button', { name: 'Create the team' }).click();
    const team = page.locator('li.record[data-team="E2E team"]');
    await team.waitFor();
    await team.getByLabel('Add a member to E2E team').selectOption({ label: 'doc (clinician)' });
    await team.getByRole('button', { name: 'Add member' }).click();
    await page.getByText('Member added.').waitFor();
    await page.locator('li.record[data-team="E2E team"]', { hasText: 'remove doc from E2E team' }).waitFor();
    await page.locator('li.record[data-team="E2E team"]').getByLabel('Patient number to add to E2E team').fill('2');
    await page.locator('li.record[data-team="E2E team"]').getByRole('button', { name: 'Add patient' }).click();
    await page.getByText('Patient added to the team.').waitFor();
    await page.locator('li.record[data-team="E2E team"]', { hasText: '1 patients' }).waitFor();
    const teamText = await page.locator('li.record[data-team="E2E team"]').textContent();
    check(teamText.includes('1 patients') && teamText.includes('doc'), `the care team has its member and patient: ${teamText.slice(0, 120)}`);
    await audit(page, 'admin-records (after)');
    await shot(page, 'admin-care-team', 'desktop');
    await context.close();
  }
  {
    const { context, page } = await newPage(PHONE_390);
    const before = await page.request.post('/api/v1/session', { data: { username: 'res', password: 'ldn-demo-outcomes' } });
    check(before.status() === 201 || before.status() === 200, `the old password works until the code is used (${before.status()})`);
    await visit(page, `#/password/${resetCode}`, 'account-reset-password', 'phone', heading('Set your password'));
    await page.getByLabel('Choose a password').fill('a calm evening by the sea');
    await page.getByLabel('The same password again').fill('a calm evening by the sea');
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.getByText(/password of .* is set/).waitFor();
    const old = await page.request.post('/api/v1/session', { data: { username: 'res', password: 'ldn-demo-outcomes' } });
    check(old.status() === 401, `the old password no longer works (${old.status()})`);
    await context.close();
  }
  {
    const { context, page } = await newPage(PHONE_390);
    await login(page, ['res', 'a calm evening by the sea']);
    check(true, 'the researcher logs in with the new password');
    await context.close();
  }
});
