import { runSpec, PHONE_390, DESKTOP, localDate } from '../harness.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The 30-second diary (issue 15, item 1), driven as a patient on an active course:
// - a core day (pain, fatigue, waking unrefreshed and the dose) is entered at 390 x 844 with every
//   tap on a target of 44 px or more that is already on the screen (no scrolling, nothing under the
//   sticky Save or the tab bar), in at most 6 taps, and stored exactly as tapped;
// - "Same as yesterday" fills in yesterday's answers and dose: two taps for a day like the last;
// - the core is the server's (data/diary_items.json "core"), the other items are one tap away;
// - the page weight of the diary (everything the browser fetched from the login page to Today);
// - the same page on a desktop, in the dark theme and at 200% text: nothing lost, axe clean.
// The tap count and the page weight are printed (REPORT lines) for docs/benchmarks.md.
// JSON with its keys sorted, to compare stored entries whatever the server's key order.
const canonical = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x) ?
  Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

runSpec('diary_fast', async (t) => {
  const { check, newPage, login, audit, shot, apiAs, settle } = t;
  const TZ = 'Europe/Oslo';
  const day = (n) => localDate(TZ, n);

  // ---- Set-up through the API, as the clinician and the admin would ----
  const { page: doc } = await newPage(DESKTOP);
  await login(doc, 'clinician');
  const { page: admin } = await newPage(DESKTOP);
  await login(admin, 'admin');
  const teamId = (await apiAs(doc, 'GET', '/care-teams')).json.care_teams.find((x) => x.name === 'Demo clinic').id;
  const core = (await apiAs(doc, 'GET', '/diary-items')).json.entries.filter((e) => e.core).map((e) => e.id);
  check(core.join(',') === 'pain,fatigue,sleep', `the server's core items are pain, fatigue and waking unrefreshed (${core.join(',')})`);

  // A patient on an active LDN course with 24 days of diary; yesterday: pain 6, fatigue 5, sleep 7
  // and the planned dose taken at 22:15. Returns the id, the login and the dose of today's step.
  async function patientOnLdn(name, username) {
    const made = await apiAs(doc, 'POST', '/patients', { display_name: name, time_zone: TZ, care_team_id: teamId });
    check(made.status === 201, `the clinician creates ${name} (${made.status})`);
    const pid = made.json.id;
    const entries = [];
    for (let n = -24; n <= -1; n += 1) {
      entries.push({ date: day(n), client_id: `fast-${pid}-${n}`, scale_version: 2,
        items: n === -1 ? { pain: 6, fatigue: 5, sleep: 7, mood: 3, side_effects: [{ name: 'vivid_dreams', severity: 1 }] } : { pain: 6, fatigue: 6 } });
    }
    const batch = await apiAs(doc, 'POST', `/patients/${pid}/diary:batch`, { entries });
    check(batch.status === 200, `${name}: 24 days of diary (${batch.status})`);
    const screened = await apiAs(doc, 'POST', `/patients/${pid}/screenings`, { today: day(-12) });
    check(screened.status === 201 && screened.json.verdict === 'eligible', `${name} was screened eligible 12 days ago`);
    const course = await apiAs(doc, 'POST', `/patients/${pid}/courses`, { protocol: 'ldnrt-standard', start: day(-10) });
    const active = await apiAs(doc, 'PUT', `/patients/${pid}/courses/${course.json.id}/status`, { status: 'active' });
    check(course.status === 201 && active.status === 200, `${name}: a course from 10 days ago, active (${course.status}, ${active.status})`);
    const steps = active.json.plan && active.json.plan.plan ? active.json.plan.plan.steps : course.json.plan.plan.steps;
    const stepOn = (d) => steps.filter((s) => s.start <= d && (!s.end || s.end >= d)).slice(-1)[0];
    const invited = await apiAs(doc, 'POST', `/patients/${pid}/invitations`);
    const r = await admin.request.post('/api/v1/invitations/accept', { data: { code: invited.json.code, username, password: 'spec patient passphrase' } });
    check(invited.status === 201 && r.status() === 201, `${name} has an account (${invited.status}, ${r.status()})`);
    return { pid, who: [username, 'spec patient passphrase'], yesterdayMg: stepOn(day(-1)).dose_mg, todayMg: stepOn(day(0)).dose_mg, courseId: course.json.id };
  }

  // The region a tap may land in without scrolling: below the top bar, above the Save bar.
  async function onScreen(page, locator, what) {
    const box = await locator.boundingBox();
    const inBar = await locator.evaluate((el) => !!el.closest('.savebar'));
    const limits = await page.evaluate((bar) => ({
      top: document.querySelector('header').getBoundingClientRect().bottom,
      // A target in the Save bar must clear the tab bar; any other the Save bar.
      bottom: document.querySelector(bar ? 'nav#tabs' : '.savebar').getBoundingClientRect().top,
      scrollY: window.scrollY,
    }), inBar);
    const ok = box && box.y >= limits.top && box.y + box.height <= limits.bottom && box.width >= 44 && box.height >= 44 && limits.scrollY === 0;
    check(ok, `${what}: a ${box ? `${Math.round(box.width)} x ${Math.round(box.height)}` : 'missing'} px target in view at ${box ? Math.round(box.y) : '?'}-${box ? Math.round(box.y + box.height) : '?'} (screen ${Math.round(limits.top)}-${Math.round(limits.bottom)}, scrolled ${limits.scrollY})`);
  }

  // What docs/benchmarks.md reports (scripts/bench_web reads it).
  const report = {};

  // ---- 1. A core day in taps, and the page weight ----
  {
    const dora = await patientOnLdn('Dora Diary', 'dora');
    const { context, page } = await newPage(PHONE_390);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    let requests = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; requests += 1; });
    await login(page, dora.who);
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await settle(page);
    const weight = bytes;
    console.log(`REPORT diary page weight: ${(weight / 1024).toFixed(1)} KB in ${requests} requests (login page to Today, cold cache)`);
    Object.assign(report, { viewport: '390x844', page_weight_bytes: weight, page_weight_requests: requests });
    check(weight < 300 * 1024, `the diary's page weight, from the login page to Today with nothing cached, is under 300 KB (${(weight / 1024).toFixed(1)} KB, ${requests} requests)`);
    check(await page.locator('button', { hasText: 'Same as yesterday' }).isVisible(), 'Today offers "Same as yesterday" (yesterday has an entry, today none)');
    const shown = await page.locator('section.core fieldset[data-scale]').evaluateAll((els) => els.map((e) => e.dataset.scale));
    check(shown.join(',') === core.join(','), `the first screen asks the server's core items, in its order (${shown.join(',')})`);
    check(!(await page.locator('fieldset[data-scale="mood"]').isVisible()), 'the other items wait behind "More about today"');
    await shot(page, 'diary-fast-1-empty', 'phone');
    await page.screenshot({ path: join(t.shots, 'diary-fast-1-first-screen-390x844.png') });

    const taps = [
      ['pain 3', page.locator('fieldset[data-scale="pain"] label', { hasText: /^3$/ })],
      ['fatigue 4', page.locator('fieldset[data-scale="fatigue"] label', { hasText: /^4$/ })],
      ['waking unrefreshed 8', page.locator('fieldset[data-scale="sleep"] label', { hasText: /^8$/ })],
      ['dose taken', page.locator('.dose-q label', { hasText: /^Yes$/ })],
      ['Save', page.getByRole('button', { name: 'Save today\'s entry' })],
    ];
    for (const [what, target] of taps) {
      await onScreen(page, target, what);
      await target.click({ noWaitAfter: true });
    }
    await page.getByText('Saved. Thank you.').first().waitFor();
    console.log(`REPORT diary core day: ${taps.length} taps at 390 x 844, no scrolling`);
    check(taps.length <= 6, `a core day takes ${taps.length} taps (at most 6)`);
    report.core_day_taps = taps.length;
    report.core_day_taps_list = taps.map(([what]) => what);
    check(await page.evaluate(() => window.scrollY) === 0, 'the page never scrolled');
    const stored = (await apiAs(page, 'GET', `/patients/${dora.pid}/diary/${day(0)}`)).json;
    check(canonical(stored.items) === canonical({ pain: 3, fatigue: 4, sleep: 8 }),
      `the entry is stored as tapped, nothing more (${JSON.stringify(stored.items)})`);
    const doses = (await apiAs(page, 'GET', `/patients/${dora.pid}/doses?from=${day(0)}&to=${day(0)}`)).json.doses;
    check(doses.length === 1 && doses[0].taken && doses[0].dose_mg === dora.todayMg && !doses[0].off_plan,
      `the dose is stored: today's planned ${dora.todayMg} mg, taken (${JSON.stringify(doses.map((d) => [d.taken, d.dose_mg]))})`);
    await shot(page, 'diary-fast-2-saved', 'phone');
    check(page.errors.length === 0, `no script or CSP error ${page.errors.join('; ')}`);
    await context.close();
  }

  // ---- 2. "Same as yesterday": two taps ----
  {
    const sam = await patientOnLdn('Sam Same', 'sam');
    // Yesterday's dose, taken as planned at 22:15 (as the patient logged it).
    const { context, page } = await newPage(PHONE_390);
    await login(page, sam.who);
    const logged = await apiAs(page, 'POST', `/patients/${sam.pid}/doses`, { date: day(-1), taken: true, dose_mg: sam.yesterdayMg, time: '22:15', course_id: sam.courseId, client_id: 'fast-sam-dose' });
    check(logged.status === 201, `yesterday's dose is logged (${logged.status})`);
    await page.goto('/#/history');
    await page.goto('/#/today');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    const same = page.locator('button', { hasText: 'Same as yesterday' });
    await onScreen(page, same, '"Same as yesterday"');
    await same.click();
    const status = await page.locator('.save-status').textContent();
    const picked = await page.locator('section.core input:checked').evaluateAll((els) => els.map((e) => `${e.dataset.item || 'dose'}=${e.value}`));
    check(picked.join(',') === 'pain=6,fatigue=5,sleep=7,dose=yes' && /Filled in from yesterday/.test(status),
      `the first screen shows yesterday's answers and dose, and says so (${picked.join(',')}; "${status}")`);
    check(await page.locator('.dose-q input[value="yes"]').isChecked(), 'the dose is marked taken, as yesterday');
    check(/\(2 answered\)/.test(await page.locator('details.more-today > summary').textContent()),
      'the summary of "More about today" counts what was filled in there (low mood, one side effect)');
    await shot(page, 'diary-fast-3-same-as-yesterday', 'phone');
    await page.screenshot({ path: join(t.shots, 'diary-fast-3-first-screen-390x844.png') });
    const save = page.getByRole('button', { name: 'Save today\'s entry' });
    await onScreen(page, save, 'Save after "Same as yesterday"');
    await save.click();
    await page.getByText('Saved. Thank you.').first().waitFor();
    const stored = (await apiAs(page, 'GET', `/patients/${sam.pid}/diary/${day(0)}`)).json;
    report.same_as_yesterday_taps = 2;
    check(canonical(stored.items) === canonical({ pain: 6, fatigue: 5, sleep: 7, mood: 3, side_effects: [{ name: 'vivid_dreams', severity: 1 }] }),
      `two taps store yesterday's answers for today (${JSON.stringify(stored.items)})`);
    const doses = (await apiAs(page, 'GET', `/patients/${sam.pid}/doses?from=${day(0)}&to=${day(0)}`)).json.doses;
    check(doses.length === 1 && doses[0].taken && doses[0].dose_mg === sam.todayMg,
      `today's dose is the plan's ${sam.todayMg} mg, not copied blindly (${JSON.stringify(doses.map((d) => d.dose_mg))})`);
    check(await page.locator('button', { hasText: 'Same as yesterday' }).count() === 0, 'once saved, "Same as yesterday" is gone');

    // The other items: one tap opens them; their targets are 44 px too.
    await page.locator('details.more-today > summary').click();
    const moodBox = await page.locator('fieldset[data-scale="mood"] label').first().boundingBox();
    check(moodBox && moodBox.width >= 44 && moodBox.height >= 44, `one tap shows the other items, 44 px targets (${moodBox && Math.round(moodBox.width)} x ${moodBox && Math.round(moodBox.height)})`);
    // Lifestyle factors (data/diary_items.json "lifestyle"), in "More about today": a decimal comma
    // is read as a point; the server refuses what is out of range, by name, and keeps the entry.
    const served = (await apiAs(page, 'GET', '/diary-items')).json.lifestyle.map((f) => f.id);
    const shownLife = await page.locator('[data-life]').evaluateAll((els) => els.map((e) => e.dataset.life));
    check(shownLife.join(',') === served.join(','), `the lifestyle factors shown are the server's (${shownLife.join(',')})`);
    const hours = page.getByLabel(/How many hours did you sleep last night/);
    await hours.fill('7,5');
    await page.getByLabel(/How many minutes were you physically active/).fill('30');
    await page.locator('[data-life="relaxation"] label', { hasText: /^Yes$/ }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. Thank you.').first().waitFor();
    const withLife = (await apiAs(page, 'GET', `/patients/${sam.pid}/diary/${day(0)}`)).json.items;
    check(canonical(withLife.lifestyle) === canonical({ sleep_hours: 7.5, activity_minutes: 30, relaxation: true }) && withLife.pain === 6,
      `sleep "7,5" hours, 30 minutes of activity and relaxation are stored with the day (${JSON.stringify(withLife.lifestyle)})`);
    await hours.fill('25');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const refused = page.locator('.savebar .error');
    await refused.filter({ hasText: /\S/ }).waitFor();
    const refusedText = await refused.textContent();
    check(/^Sleep: .*0 to 24/.test(refusedText), `25 hours of sleep is refused by the server, naming the question ("${refusedText}")`);
    const kept = (await apiAs(page, 'GET', `/patients/${sam.pid}/diary/${day(0)}`)).json.items;
    check(kept.lifestyle.sleep_hours === 7.5, `and the stored day is unchanged (${kept.lifestyle.sleep_hours})`);
    await hours.fill('seven');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.savebar .error', { hasText: 'write a number of hours' }).waitFor();
    check(true, 'a word for a number is caught before sending, in plain words');
    await hours.fill('7.5');
    const csv = await page.evaluate(async (p) => (await fetch(`/api/v1/patients/${p}/export?format=csv`)).text(), sam.pid);
    check(/,lifestyle(,|\n)/.test(csv) && csv.includes('sleep_hours=7.5;activity_minutes=30;relaxation=yes'),
      'the CSV export carries the lifestyle column');
    await shot(page, 'diary-fast-3b-lifestyle', 'phone');
    // Shown back to the patient beside the ratings: the progress page's table of the last 14 days.
    await page.goto('/#/progress');
    await page.locator('details summary', { hasText: 'The last 14 days as a table' }).click();
    const heads = await page.locator('details table thead th').allTextContents();
    const first = await page.locator('details table tbody tr').first().locator('td').allTextContents();
    check(heads.slice(-3).join('|') === 'Sleep (hours)|Activity (minutes)|Relaxation' && first.slice(-3).join('|') === '7.5|30|yes',
      `Progress shows today's sleep, activity and relaxation beside the ratings (${heads.slice(-3).join('|')}: ${first.slice(-3).join('|')})`);
    await page.goto('/#/today');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await audit(page, 'diary, phone, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));
    await audit(page, 'diary, phone, dark');
    await shot(page, 'diary-fast-4-more-dark', 'phone');
    check(page.errors.length === 0, `no script or CSP error ${page.errors.join('; ')}`);
    await context.close();
  }

  report.measured = new Date().toISOString().slice(0, 10);
  writeFileSync(join(t.shots, 'diary-fast.json'), `${JSON.stringify(report, null, 1)}\n`);

  // ---- 3. Desktop, and 200% text on the phone ----
  {
    const { context, page } = await newPage(DESKTOP);
    await login(page, 'patient');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    const save = await page.locator('.savebar button').boundingBox();
    check(save && save.y + save.height <= 900, `on a desktop, Save is in view (${save && Math.round(save.y)})`);
    await audit(page, 'diary, desktop');
    await shot(page, 'diary-fast-5-desktop', 'desktop');
    await context.close();
  }
  {
    const { context, page } = await newPage(PHONE_390);
    await login(page, 'patient');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
    await settle(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `at 200% text nothing runs off the side (overflow ${overflow} px)`);
    const bar = await page.locator('.savebar').boundingBox();
    const tabs = await page.locator('nav#tabs').boundingBox();
    check(bar && tabs && bar.y + bar.height <= tabs.y + 1, `at 200% text, Save stays in view above the tab bar (${bar && Math.round(bar.y + bar.height)} <= ${tabs && Math.round(tabs.y)})`);
    const pain10 = page.locator('fieldset[data-scale="pain"] label', { hasText: /^10$/ });
    await pain10.scrollIntoViewIfNeeded();
    const b = await pain10.boundingBox();
    check(b && b.x + b.width <= 390, `at 200% text the scale still fits (10 ends at ${b && Math.round(b.x + b.width)})`);
    await shot(page, 'diary-fast-6-text-200', 'phone');
    await context.close();
  }
});
