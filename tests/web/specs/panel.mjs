import { runSpec, PHONE_390, DESKTOP, heading } from '../harness.mjs';

// The clinician's panel at more than one page (issue 13, item 5), driven through the web app on the
// demo: the clinician adds 25 patients through the API (30 with the demo clinic's five), then searches,
// sorts by a column both ways (the header's aria-sort follows), filters by a red flag (one new
// patient gets a severe adverse event), pages with Next and Previous, and walks back and forward
// through the browser's history (the state is in the hash). What each page shows is compared with
// what the server answers for the same query. Screenshots at 1280 and 390 px.
runSpec('panel', async (t) => {
  const { check, newPage, login, audit, shot, apiAs } = t;
  const { context, page } = await newPage(DESKTOP);
  await login(page, 'clinician');

  const teams = await apiAs(page, 'GET', '/care-teams');
  check(teams.status === 200 && teams.json.care_teams.length > 0, 'the clinician has a care team');
  const team = teams.json.care_teams[0].id;
  const ids = {};
  for (let i = 1; i <= 25; i += 1) {
    const name = `Panel Test ${String(i).padStart(2, '0')}`;
    const r = await apiAs(page, 'POST', '/patients', { display_name: name, time_zone: 'Europe/Oslo', care_team_id: team });
    if (r.status !== 201) throw new Error(`creating ${name}: ${r.status} ${JSON.stringify(r.json)}`);
    ids[name] = r.json.id;
  }
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date());
  const ae = await apiAs(page, 'POST', `/patients/${ids['Panel Test 07']}/adverse-events`,
    { onset_date: today, description: 'fainted on the stairs', severity: 'severe', serious: true });
  check(ae.status === 201, `a severe adverse event for Panel Test 07 (${ae.status})`);

  const rowNames = async () => page.locator('table.panel tbody tr th[scope="row"] a').allTextContents();
  const pageInfo = async () => (await page.locator('[data-page-info]').textContent()).replace(/\s+/g, ' ').trim();
  const waitInfo = async (re) => page.waitForFunction((src) => {
    const el = document.querySelector('[data-page-info]');
    return el && new RegExp(src).test(el.textContent);
  }, re.source);
  const apiNames = async (query) => (await apiAs(page, 'GET', `/patients?${query}`)).json.patients.map((p) => p.display_name);

  // ---- Page 1 by name, then Next, Previous, back and forward -------------------------------------
  // The login landed on #/panel before the patients existed: a new address draws the panel again.
  await page.goto('/#/panel?sort=name');
  await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
  await waitInfo(/Page 1 of 2/);
  const total = Number(await page.locator('[data-panel-total]').getAttribute('data-panel-total'));
  check(total === 30, `the panel counts 30 patients in the care team (${total})`);
  check((await pageInfo()).includes('1–25 of 30 patients'), `page 1 says where it is: "${await pageInfo()}"`);
  const first = await rowNames();
  check(first.length === 25, `25 rows on page 1 (${first.length})`);
  check(JSON.stringify(first) === JSON.stringify(await apiNames('sort=name&page=1&per_page=25')), 'page 1 shows the server\'s order by name');
  check(await page.locator('th[aria-sort="ascending"] button[data-sort="name"]').count() === 1, 'the name column says it sorts ascending');
  await audit(page, 'clinician-panel-paged');
  await shot(page, 'panel-1-page1', 'desktop');

  await page.getByRole('button', { name: 'Next ›' }).click();
  await waitInfo(/Page 2 of 2/);
  const second = await rowNames();
  check(second.length === 5 && JSON.stringify(second) === JSON.stringify(await apiNames('sort=name&page=2&per_page=25')),
    `page 2 shows the last 5 patients (${second.join(', ')})`);
  check(/page=2/.test(page.url()), `the page is in the address (${page.url()})`);
  check(await page.getByRole('button', { name: 'Next ›' }).isDisabled(), 'Next is disabled on the last page');
  await page.goBack();
  await waitInfo(/Page 1 of 2/);
  check(JSON.stringify(await rowNames()) === JSON.stringify(first), 'Back returns to page 1');
  await page.goForward();
  await waitInfo(/Page 2 of 2/);
  check(JSON.stringify(await rowNames()) === JSON.stringify(second), 'Forward returns to page 2');
  await page.getByRole('button', { name: '‹ Previous' }).click();
  await waitInfo(/Page 1 of 2/);

  // ---- Search -------------------------------------------------------------------------------------
  await page.getByLabel('Search by name or research id').fill('test 1');
  await page.getByLabel('Search by name or research id').press('Enter');
  await waitInfo(/Page 1 of 1/);
  const found = await rowNames();
  check(found.length === 10 && found.every((n) => /^Panel Test 1\d$/.test(n)), `searching "test 1" finds Panel Test 10–19 (${found.join(', ')})`);
  check((await page.locator('[data-panel-total]').textContent()).includes('10 patients match'), 'and says how many match');
  check(/q=test(\+|%20)1/.test(page.url()), `the search is in the address (${page.url()})`);
  await page.goBack();
  await waitInfo(/Page 1 of 2/);
  check((await page.getByLabel('Search by name or research id').inputValue()) === '', 'Back clears the search box with the search');

  // ---- Sort by last diary, both ways ---------------------------------------------------------------
  await page.locator('button[data-sort="last_diary"]').click();
  await page.locator('th[aria-sort="ascending"] button[data-sort="last_diary"]').waitFor();
  const ascending = await rowNames();
  check(JSON.stringify(ascending) === JSON.stringify(await apiNames('sort=last_diary&per_page=25')), 'sorted by last diary, oldest first, as the server sorts');
  await page.locator('button[data-sort="last_diary"]').click();
  await page.locator('th[aria-sort="descending"] button[data-sort="last_diary"]').waitFor();
  const descending = await rowNames();
  const server = (await apiAs(page, 'GET', '/patients?sort=-last_diary&per_page=25')).json.patients;
  check(JSON.stringify(descending) === JSON.stringify(server.map((p) => p.display_name)), 'then newest first, as the server sorts');
  const dates = server.map((p) => p.last_diary_date).filter(Boolean);
  check(dates.length >= 3 && dates.every((d, i) => i === 0 || dates[i - 1] >= d) && server.at(-1).last_diary_date === null,
    `the newest diary days come first, patients without a diary last (${dates.slice(0, 4).join(', ')} … ${dates.length} with a diary)`);
  const topRow = page.locator('table.panel tbody tr').first();
  const topText = await topRow.textContent();
  check(!topText.includes('Last diary: none') && /\d+%|–/.test(topText), `the top row shows its last diary day and adherence: ${topText.replace(/\s+/g, ' ').slice(0, 160)}`);
  check(server[0].adherence === null || (server[0].adherence >= 0 && server[0].adherence <= 1), 'adherence is a share of planned days');
  await shot(page, 'panel-2-by-last-diary', 'desktop');

  // ---- Filter by red flag --------------------------------------------------------------------------
  await page.getByLabel('Show').selectOption('red');
  await page.waitForFunction(() => /flag=red/.test(location.hash) && document.querySelector('[data-page-info]'));
  await page.locator('table.panel tbody tr', { hasText: 'Panel Test 07' }).waitFor();
  const red = await rowNames();
  const redApi = await apiAs(page, 'GET', '/patients?flag=red&sort=-last_diary&per_page=25');
  check(JSON.stringify(red) === JSON.stringify(redApi.json.patients.map((p) => p.display_name)), `the red-flag filter shows what the server filtered (${red.join(', ')})`);
  check(red.includes('Panel Test 07') && !red.includes('Panel Test 08'), 'Panel Test 07 (a severe adverse event) is in, Panel Test 08 is not');
  let everyRowRed = true;
  for (const row of await page.locator('table.panel tbody tr').all()) {
    if ((await row.locator('.flag.red').count()) === 0) everyRowRed = false;
  }
  check(everyRowRed, 'every row shown has an open red flag');
  await audit(page, 'clinician-panel-filtered');
  await shot(page, 'panel-3-red-flags', 'desktop');
  check(page.errors.length === 0, `the panel raised no script or CSP error ${page.errors.join('; ')}`);
  await context.close();

  // ---- Phone: 390 px, cards, 44 px targets ----------------------------------------------------------
  {
    const { context: phoneContext, page: phone } = await newPage(PHONE_390);
    await login(phone, 'clinician');
    await phone.goto('/#/panel?sort=-flags');
    await phone.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
    await phone.locator('[data-page-info]').waitFor();
    const sizes = await phone.evaluate(() => ['[data-page="next"]', '[data-page="prev"]', '[data-panel-sort]', '[data-panel-flag]', '[data-panel-search]',
      'table.panel tbody tr th a']
      .map((s) => { const r = document.querySelector(s).getBoundingClientRect(); return [s, Math.round(r.height), Math.round(r.width)]; }));
    check(sizes.every(([, hgt]) => hgt >= 44), `controls and the patient links are at least 44 px tall on a phone: ${JSON.stringify(sizes)}`);
    await phone.getByLabel('Sort by').selectOption('-last_diary');
    await phone.waitForFunction(() => /sort=-last_diary/.test(location.hash));
    await phone.locator('table.panel tbody tr').first().waitFor();
    await audit(phone, 'clinician-panel-phone');
    await shot(phone, 'panel-4-phone', 'phone');
    await phone.getByRole('button', { name: 'Next ›' }).click();
    await phone.waitForFunction(() => /Page 2 of 2/.test((document.querySelector('[data-page-info]') || {}).textContent || ''));
    check((await phone.locator('table.panel tbody tr').count()) === 5, 'page 2 on the phone has the last 5');
    await shot(phone, 'panel-5-phone-page2', 'phone');
    check(phone.errors.length === 0, `the phone panel raised no script or CSP error ${phone.errors.join('; ')}`);
    await phoneContext.close();
  }
});
