import { runSpec, PHONE, DESKTOP, heading, localDate, openMoreAboutToday } from '../harness.mjs';

// The patient: an entry appears in the chart, the PGIC is scored; an entry made offline is sent exactly once.
runSpec('patient_diary', async (t) => {
  const { check, newPage, login, visit, audit, shot, base, shots } = t;

  async function patientEntryInChart() {
    const { context, page } = await newPage(PHONE);
    await login(page, 'patient');
    const today = localDate('Europe/Oslo');
    await page.goto('/#/today');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    // The "due" banner says what the server's schedule says is due (issue 15, item 2c).
    const scheduleOf = () => page.evaluate(async () => (await fetch('/api/v1/patients/1/questionnaires/schedule')).json());
    const dueNames = (s) => ['fiqr', 'pgic'].filter((k) => s[k].due).map((k) => k.toUpperCase());
    const before = await scheduleOf();
    const bannerText = async () => ((await page.locator('#due-banner').count()) ? await page.locator('#due-banner').textContent() : '');
    const banner1 = await bannerText();
    check(dueNames(before).length > 0 && dueNames(before).every((n) => banner1.includes(n)) &&
          ['FIQR', 'PGIC'].filter((n) => !dueNames(before).includes(n)).every((n) => !banner1.includes(n)),
      `Today's banner names what is due (${dueNames(before).join(', ')}): "${banner1}"`);
    // Pain 1 and fatigue 2: values the demo diary never has for today's pain.
    await page.locator('fieldset[data-scale="pain"] label', { hasText: /^1$/ }).click();
    await page.locator('fieldset[data-scale="fatigue"] label', { hasText: /^2$/ }).click();
    await openMoreAboutToday(page);
    await page.getByRole('button', { name: 'Vivid dreams or nightmares' }).click();
    await page.locator('.dose-q label', { hasText: /^Yes$/ }).click();
    await page.getByRole('button', { name: /Save/ }).click();
    await page.getByText('Saved. Thank you.').first().waitFor();
    await page.getByRole('link', { name: 'See your progress' }).click();
    await page.locator('.chart canvas').first().waitFor();
    await page.locator('details summary', { hasText: 'The last 14 days as a table' }).click();
    const row = page.locator('details table tbody tr').first();
    const cells = await row.locator('td').allTextContents();
    check(cells[0] === '1' && cells[1] === '2', `the patient's entry (pain 1, fatigue 2) is in the chart's data table (got ${cells.join(',')})`);
    const plotted = await page.evaluate(() => document.querySelectorAll('.chart .u-legend .u-series').length);
    check(plotted >= 4, `the chart draws the diary series (legend entries: ${plotted})`);
    const stored = await page.evaluate(async (d) => (await fetch(`/api/v1/patients/1/diary/${d}`)).json(), today);
    check(stored.items && stored.items.pain === 1 && stored.items.side_effects && stored.items.side_effects[0].name === 'vivid_dreams',
      'the entry is stored with its side effect');
    // PGIC when due: the answer is scored by the API and listed.
    await page.goto('/#/questionnaires');
    await page.getByLabel('2. Much improved').check();
    await page.getByRole('button', { name: 'Save PGIC' }).click();
    await page.getByText('Thank you: your answers are saved.').waitFor();
    await page.locator('li', { hasText: /PGIC much improved/ }).first().waitFor();
    check(true, 'the patient answered the PGIC and sees it scored');
    await page.goto('/#/today');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    const banner2 = await bannerText();
    check(!(await scheduleOf()).pgic.due && !banner2.includes('PGIC'), `once answered, the PGIC leaves Today's banner ("${banner2}")`);
    await context.close();
  }

  async function offlineEntrySentOnce() {
    const { context, page } = await newPage(PHONE);
    await login(page, 'patient');
    const date = localDate('Europe/Oslo', -3);
    await page.goto(`/#/day/${date}`);
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    const puts = [];
    page.on('requestfinished', async (req) => {
      if (req.method() === 'PUT' && req.url().includes(`/diary/${date}`)) {
        const resp = await req.response();
        puts.push({ status: resp && resp.status(), body: req.postDataJSON() });
      }
    });
    await context.setOffline(true);
    await page.locator('fieldset[data-scale="pain"] label', { hasText: /^9$/ }).click();
    await page.locator('textarea').fill('written offline');
    await page.getByRole('button', { name: /Save/ }).click();
    await page.getByText(/Saved on this device/).first().waitFor();
    const outbox = await page.evaluate(() => JSON.parse(localStorage.getItem('ldn.outbox.v2') || '[]'));
    const queued = outbox.filter((w) => w.method === 'PUT' && w.path.endsWith(`/diary/${date}`));
    check(queued.length === 1, `the diary write waits in the outbox while offline (${outbox.length} writes in all, the dose too)`);
    await shot(page, 'patient-offline-queued', 'phone');
    check(puts.length === 0, 'nothing reached the server while offline');
    await context.setOffline(false);
    await page.getByText(/Back online: \d+ saved entr(y was|ies were) sent/).waitFor();
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('ldn.outbox.v2') || '[]').length === 0);
    // A second 'online' event must not send it again.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForLoadState('networkidle');
    check(puts.length === 1 && puts[0].status === 200, `the offline entry was sent exactly once (${JSON.stringify(puts.map((p) => p.status))})`);
    const revisions = await page.evaluate(async (d) => (await fetch(`/api/v1/patients/1/diary/${d}/revisions`)).json(), date);
    const clientId = queued[0].body.client_id;
    const mine = (revisions.revisions || []).filter((r) => r.client_id === clientId);
    check(mine.length === 1, `the server holds exactly one revision with the offline client_id (${mine.length})`);
    const entry = await page.evaluate(async (d) => (await fetch(`/api/v1/patients/1/diary/${d}`)).json(), date);
    check(entry.items.pain === 9 && entry.items.note === 'written offline', 'the stored entry is the one written offline');
    await context.close();
  }

  await patientEntryInChart();
  await offlineEntrySentOnce();
});
