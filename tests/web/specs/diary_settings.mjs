import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';

import {DESKTOP, localDate, openMoreAboutToday, PHONE_390, root, runSpec} from '../harness.mjs';

// What each patient tracks (issue 15, item 1; docs/api.md "What each patient tracks"), through the
// real pages with the real server:
// - the clinician unticks items on the patient's chart ("Diary items"): saved, shown after a
//   reload, a stale save (409) reloads the card and says so; light and dark, axe clean;
// - the patient's Today no longer asks them (what the day already holds of them is kept, shown
//   read only, and sent back); "Choose what you track" shows the core and the clinician's choice
//   read only and adds the patient's own items (a 0-10, a number with its unit and a yes/no; a
//   duplicate refused by the server next to the name), every target 44 px+ at 390 px, axe clean
//   light and dark; back on Today the new items are asked at once, the answers given before kept; saved in
//   items.custom, shown after a reload, copied by "Same as the day before"; an item retired leaves
//   Today and its saved value stays (the day, Progress's table);
// - the API: a patient's change of `tracked` is 403 naming it, an unknown own item in a diary
//   write 400 naming items.custom.<key>; the CSV export has the `custom` column.
const require = createRequire(join(root, 'package.json'));
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// JSON with its keys sorted, to compare stored entries whatever the server's key order.
const canonical = (v) => JSON.stringify(
    v,
    (k, x) =>
        (x && typeof x === 'object' && !Array.isArray(x) ?
             Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) :
             x));

// A CSV line's cells (RFC 4180 quotes).
function csvCells(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"')
        quoted = false;
      else
        cell += c;
    } else if (c === '"')
      quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else
      cell += c;
  }
  cells.push(cell);
  return cells;
}

runSpec('diary_settings', async (t) => {
  const {check, newPage, login, audit, shot, apiAs, settle, shots} = t;
  const TZ = 'Europe/Oslo';
  const PAT = 1;
  const day = (n) => localDate(TZ, n);
  const settingsOf = async (page) => (await apiAs(page, 'GET', `/patients/${PAT}/diary-settings`)).json;

  // axe-core on one part of the page (the card, the panel): no serious or critical finding.
  async function axeOn(page, selector, what) {
    await settle(page);
    await page.evaluate(axeSource);
    const found = await page.evaluate(async (sel) => {
      const r = await window.axe.run(document.querySelector(sel), {resultTypes: ['violations']});
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({id: v.id, impact: v.impact, target: v.nodes[0] && v.nodes[0].target.join(' ')}));
    }, selector);
    check(
        found.length === 0,
        `axe: no serious or critical finding in ${what}${found.length ? `: ${JSON.stringify(found)}` : ''}`);
  }
  // Save on a diary page: the diary is saved (a dose the server wants confirmed waits below it).
  async function saveDay(page) {
    await page.getByRole('button', {name: /^Save/}).click();
    await page.locator('.savebar .saved').filter({hasText: /^(Saved\. Thank you\.|Your diary is saved)/}).waitFor();
  }
  async function dark(page, on) {
    await page.emulateMedia({colorScheme: on ? 'dark' : 'light'});
    await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));
  }
  // A write with the page's own session and CSRF token, as web/js/api.js sends it.
  const pageFetch = (page, method, path, body, headers = {}) => page.evaluate(async ({method, path, body, headers}) => {
    const m = document.cookie.match(/(?:^|;\s*)(?:__Host-)?ldn_csrf=([^;]+)/);
    const r = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': m ? decodeURIComponent(m[1]) : '', ...headers},
      body: JSON.stringify(body)
    });
    let json = null;
    try {
      json = await r.json();
    } catch { /* not JSON */
    }
    return {status: r.status, json};
  }, {method, path, body, headers});

  // ---- 1. The clinician chooses what the patient is asked (the chart's "Diary items") ----------
  const {context: docCtx, page: doc} = await newPage(DESKTOP);
  await login(doc, 'clinician');
  const first = await settingsOf(doc);
  check(
      first && first.version === 0 && first.core.join(',') === 'pain,fatigue,sleep' && first.tracked.length === 6 &&
          first.custom.length === 0,
      `before any choice every item is tracked (version ${first && first.version}, core ${
          first && first.core}, tracked ${first && first.tracked})`);
  const card = doc.locator('#diary-items-card');
  const boxes = () =>
      card.locator('.choice[data-item] input')
          .evaluateAll(
              (els) => els.map((e) => `${e.value}:${e.checked ? 'on' : 'off'}${e.disabled ? ':fixed' : ''}`).join(','));
  await doc.goto(`/#/patient/${PAT}/chart`);
  await card.locator('form.diary-items').waitFor();
  check(
      await boxes() ===
          'pain:on:fixed,fatigue:on:fixed,sleep:on:fixed,mood:on,anxiety:on,cognition:on,stiffness:on,sensitivity:on,stress:on',
      `the card shows the core ticked and fixed, every other item ticked (${await boxes()})`);
  check(await card.getByText('Pain (always asked)').isVisible(), 'the core items say "always asked"');
  await card.getByLabel('Stress', {exact: true}).uncheck();
  await card.getByLabel('Memory and concentration', {exact: true}).uncheck();
  await card.getByRole('button', {name: 'Save the diary items'}).click();
  await card.getByText('Diary items saved.').waitFor();
  const chosen = await settingsOf(doc);
  check(
      chosen.version === 1 && chosen.tracked.join(',') === 'mood,anxiety,stiffness,sensitivity' &&
          chosen.updated_by_role === 'clinician',
      `stored: stress and memory no longer tracked (version ${chosen.version}, tracked ${chosen.tracked}, by ${
          chosen.updated_by_role})`);
  await doc.reload();
  await card.locator('form.diary-items').waitFor();
  check(
      await boxes() ===
          'pain:on:fixed,fatigue:on:fixed,sleep:on:fixed,mood:on,anxiety:on,cognition:off,stiffness:on,sensitivity:on,stress:off',
      `after a reload the card shows stress and memory unticked (${await boxes()})`);
  check(
      /Last changed .* by the clinic/.test(await card.textContent()),
      'the card says when and by whom it was last changed');
  await axeOn(doc, '#diary-items-card', 'the chart\'s "Diary items" card, light');
  await shot(doc, 'diary-settings-1-chart', 'desktop-light');
  await card.screenshot({path: join(shots, 'diary-settings-1-card-desktop-light.png')});
  await dark(doc, true);
  await axeOn(doc, '#diary-items-card', 'the chart\'s "Diary items" card, dark');
  await card.screenshot({path: join(shots, 'diary-settings-1-card-desktop-dark.png')});
  await dark(doc, false);

  // Someone else saves meanwhile: the stale save is refused (409), the card reloads and says so.
  const bump =
      await apiAs(doc, 'PUT', `/patients/${PAT}/diary-settings`, {tracked: chosen.tracked, custom: chosen.custom});
  check(
      bump.status === 200 && bump.json.version === 2,
      `another save meanwhile (${bump.status}, version ${bump.json && bump.json.version})`);
  await card.getByLabel('Sensitivity', {exact: true}).uncheck();
  await card.getByRole('button', {name: 'Save the diary items'}).click();
  await card.getByText(/changed these meanwhile/).waitFor();
  const afterStale = await settingsOf(doc);
  check(
      afterStale.version === 2 && afterStale.tracked.includes('sensitivity') &&
          await card.getByLabel('Sensitivity', {exact: true}).isChecked(),
      `the stale save changed nothing and the card shows the stored choice again (version ${afterStale.version}, ${
          afterStale.tracked})`);
  await card.screenshot({path: join(shots, 'diary-settings-1-card-stale-desktop-light.png')});
  check(doc.errors.length === 0, `clinician: no script or CSP error ${doc.errors.join('; ')}`);

  // ---- 2. The patient: Today asks what is tracked; "Choose what you track" -------------------
  const {context, page} = await newPage(PHONE_390);
  await login(page, 'patient');
  await page.getByRole('heading', {name: 'How was your day?'}).waitFor();
  await openMoreAboutToday(page);
  const asked = await page.locator('details.more-today fieldset[data-scale]')
                    .evaluateAll((els) => els.map((e) => e.dataset.scale));
  check(
      asked.join(',') === 'mood,anxiety,stiffness,sensitivity',
      `"More about today" asks the tracked items only (${asked})`);
  const summary = await page.locator('details.more-today .more-what').textContent();
  check(!/Stress|Memory/.test(summary) && /Low mood/.test(summary), `its summary no longer names them ("${summary}")`);
  const todayBefore = (await apiAs(page, 'GET', `/patients/${PAT}/diary/${day(0)}`)).json;
  const oldStress = todayBefore && todayBefore.items.stress;
  if (oldStress !== undefined) {
    const kept = await page.locator('[data-kept="item-stress"]').textContent();
    check(kept === `Stress: ${oldStress}`, `what today already holds of stress is shown, not asked ("${kept}")`);
  } else {
    check(await page.locator('[data-kept="item-stress"]').count() === 0, 'today holds no stress: nothing is kept');
  }
  // An answer given before leaving for the panel must still be there when coming back.
  await page.locator('fieldset[data-scale="mood"] label', {hasText: /^1$/}).click();

  await page.getByRole('button', {name: 'Choose what you track'}).click();
  await page.getByRole('heading', {level: 1, name: 'Choose what you track'}).waitFor();
  const panel = page.locator('.track-panel');
  check(!(await page.locator('form.diary').isVisible()), 'the panel takes the diary\'s place');
  const state = (k) => panel.locator(`li[data-item="${k}"] .track-state`).textContent();
  check(
      await state('pain') === 'always asked' && await state('sleep') === 'always asked' &&
          await panel.getByText('Your LDN dose').isVisible(),
      'the core items and the dose are "always asked"');
  check(
      await state('stress') === 'not asked' && await state('cognition') === 'not asked' &&
          await state('mood') === 'asked',
      `the clinician's choice is shown: stress ${await state('stress')}, memory ${await state('cognition')}, low mood ${
          await state('mood')}`);
  const chosenSection = panel.locator('section[aria-labelledby="chosen-h"]');
  check(
      await chosenSection.locator('input, button, select').count() === 0 &&
          /ask your clinician/.test(await chosenSection.textContent()),
      'the clinician\'s items are read only ("ask your clinician")');

  // Add "Headache" (0 to 10), "Glasses of water" (a number of glasses) and "Flare" (yes or no).
  const nameField = panel.getByLabel('Name', {exact: true});
  await nameField.fill('Headache');
  await panel.locator('.own-kind label', {hasText: '0 to 10'}).click();
  check(!(await panel.getByLabel('Unit (optional)').isVisible()), 'a 0-10 item asks for no unit');
  await panel.getByRole('button', {name: 'Add this item'}).click();
  await panel.getByText('Added: Headache.').waitFor();
  await nameField.fill('Glasses of water');
  await panel.locator('.own-kind label', {hasText: 'A number'}).click();
  await panel.getByLabel('Unit (optional)').fill('glasses');
  await panel.getByRole('button', {name: 'Add this item'}).click();
  await panel.getByText('Added: Glasses of water.').waitFor();
  await nameField.fill('Flare');
  await panel.locator('.own-kind label', {hasText: 'Yes or no'}).click();
  await panel.getByRole('button', {name: 'Add this item'}).click();
  await panel.getByText('Added: Flare.').waitFor();
  const own = await settingsOf(page);
  const ownText =
      JSON.stringify(own.custom.map(({key, label, kind, unit, retired}) => ({key, label, kind, unit, retired})));
  check(
      ownText === JSON.stringify([
        {key: 'headache', label: 'Headache', kind: 'scale', unit: '', retired: false},
        {key: 'glasses_of_water', label: 'Glasses of water', kind: 'number', unit: 'glasses', retired: false},
        {key: 'flare', label: 'Flare', kind: 'yes_no', unit: '', retired: false}
      ]),
      `the three are stored with keys made from their names (${ownText})`);
  check(
      own.tracked.join(',') === 'mood,anxiety,stiffness,sensitivity' && own.updated_by_role === 'patient',
      `the clinician's choice is sent back unchanged (${own.tracked}; by ${own.updated_by_role})`);
  check(
      await panel.locator('li[data-custom="headache"] .track-kind').textContent() === '0 to 10' &&
          await panel.locator('li[data-custom="glasses_of_water"] .track-kind').textContent() ===
              'a number of glasses' &&
          await panel.locator('li[data-custom="flare"] .track-kind').textContent() === 'yes or no',
      'the list says how each own item is answered');
  // The server refuses a second "headache" (names differ only in case): said next to the name.
  await nameField.fill('headache');
  await panel.locator('.own-kind label', {hasText: '0 to 10'}).click();
  await panel.getByRole('button', {name: 'Add this item'}).click();
  const nameError = panel.locator(`#${await nameField.getAttribute('id')}-error`);
  await nameError.filter({hasText: /\S/}).waitFor();
  const nameErrorText = await nameError.textContent();
  check(
      /already called "headache"/i.test(nameErrorText) && !/custom\[|label/.test(nameErrorText) &&
          await nameField.getAttribute('aria-invalid') === 'true',
      `the server's refusal of a duplicate is said next to the name, in words ("${nameErrorText}")`);
  check((await settingsOf(page)).custom.length === 3, 'and nothing was added');
  await nameField.fill('');

  // Every target 44 px+ at 390 px; axe clean light and dark.
  const small = await panel.evaluate(
      (el) => [...el.querySelectorAll('button, a, input:not(.sr), select, textarea, summary, .pick label')]
                  .filter((e) => e.getClientRects().length)
                  .map((e) => ({
                         what: (e.textContent || e.id || e.tagName).trim().slice(0, 30),
                         w: e.getBoundingClientRect().width,
                         h: e.getBoundingClientRect().height
                       }))
                  .filter((b) => b.h < 44 || b.w < 44));
  const targets = await panel.evaluate(
      (el) => el.querySelectorAll('button, a, input:not(.sr), select, textarea, summary, .pick label').length);
  check(
      targets >= 8 && small.length === 0,
      `every one of the panel's ${targets} targets is 44 px or more${
          small.length ? `: ${JSON.stringify(small)}` : ''}`);
  await axeOn(page, '.track-panel', 'the "Choose what you track" panel, light');
  await shot(page, 'diary-settings-2-panel', 'phone-390-light');
  await dark(page, true);
  await axeOn(page, '.track-panel', 'the "Choose what you track" panel, dark');
  await shot(page, 'diary-settings-2-panel', 'phone-390-dark');
  await dark(page, false);

  // Back on Today: the new items are asked at once; the answer given before is still there.
  await panel.getByRole('button', {name: 'Done: back to the diary'}).click();
  await page.locator('form.diary').waitFor();
  check(await page.locator('.track-panel').count() === 0, 'the panel is gone and the diary is back');
  const headache = page.locator('details.more-today fieldset[data-custom="headache"]');
  const water = page.getByLabel('Glasses of water (glasses)');
  const flare = page.locator('details.more-today fieldset[data-custom="flare"]');
  check(
      await headache.isVisible() && await water.isVisible() && await flare.isVisible(),
      'Today asks "Headache", "Glasses of water (glasses)" and "Flare" at once, without a reload');
  check(
      await page.locator('fieldset[data-scale="mood"] input[value="1"]').isChecked(),
      'the low mood tapped before is still answered');
  const count = async () => Number(((await page.locator('.more-count').textContent()).match(/\d+/) || ['0'])[0]);
  const before = await count();
  await headache.locator('label', {hasText: /^6$/}).click();
  await water.fill('');
  await water.pressSequentially('5');
  await flare.locator('label', {hasText: /^Yes$/}).click();
  check(
      await count() === before + 3, `"More about today" counts the own items answered (${before} -> ${await count()})`);
  await saveDay(page);
  const saved = (await apiAs(page, 'GET', `/patients/${PAT}/diary/${day(0)}`)).json.items;
  check(
      canonical(saved.custom) === canonical({headache: 6, glasses_of_water: 5, flare: true}) && saved.mood === 1,
      `stored in items.custom (${JSON.stringify(saved.custom)}), low mood 1`);
  check(
      saved.stress === oldStress && saved.cognition === (todayBefore && todayBefore.items.cognition),
      `what the day held of the items no longer asked is kept (stress ${saved.stress}, memory ${saved.cognition})`);
  await page.reload();
  await page.getByRole('heading', {name: 'How was your day?'}).waitFor();
  await openMoreAboutToday(page);
  check(
      await headache.locator('input[value="6"]').isChecked() && await water.inputValue() === '5' &&
          await flare.locator('input[value="yes"]').isChecked(),
      `after a reload Today shows headache 6, ${await water.inputValue()} glasses and a flare`);
  await audit(page, 'Today with own items, phone, light');
  await headache.scrollIntoViewIfNeeded();
  await page.screenshot({path: join(shots, 'diary-settings-3-today-own-items-390x844.png')});
  await shot(page, 'diary-settings-3-today', 'phone-390-light');

  // ---- 3. "Same as the day before" copies the own items --------------------------------------
  const listed = (await apiAs(page, 'GET', `/patients/${PAT}/diary?from=${day(-27)}&to=${day(-1)}`))
                     .json.entries.map((e) => e.date);
  const has = new Set(listed);
  let gap = null;
  for (let n = -1; n >= -26 && !gap; n -= 1)
    if (!has.has(day(n)) && has.has(day(n - 1))) gap = n;
  check(
      gap !== null,
      `the demo diary has a day without an entry after a day with one (${gap === null ? 'none' : day(gap)})`);
  if (gap !== null) {
    await page.goto(`/#/day/${day(gap - 1)}`);
    await page.getByRole('heading', {name: 'How was your day?'}).waitFor();
    await openMoreAboutToday(page);
    await headache.locator('label', {hasText: /^3$/}).click();
    await water.fill('8');
    await saveDay(page);
    await page.goto(`/#/day/${day(gap)}`);
    await page.getByRole('heading', {name: 'How was your day?'}).waitFor();
    await page.getByRole('button', {name: 'Same as the day before'}).click();
    await openMoreAboutToday(page);
    check(
        await headache.locator('input[value="3"]').isChecked() && await water.inputValue() === '8',
        `"Same as the day before" fills in headache 3 and 8 glasses (${await water.inputValue()})`);
    await saveDay(page);
    const copied = (await apiAs(page, 'GET', `/patients/${PAT}/diary/${day(gap)}`)).json.items;
    check(
        canonical(copied.custom) === canonical({headache: 3, glasses_of_water: 8}),
        `and saves them (${JSON.stringify(copied.custom)})`);
  }

  // ---- 4. The server's rules, through the page's session -------------------------------------
  const current = await settingsOf(page);
  const refused = await pageFetch(
      page, 'PUT', `/patients/${PAT}/diary-settings`, {tracked: [...current.tracked, 'stress'], custom: current.custom},
      {'If-Match': `"${current.version}"`});
  check(
      refused.status === 403 && refused.json && refused.json.error.field === 'tracked',
      `a patient's change of the tracked items is refused, naming tracked (${refused.status} ${
          refused.json && refused.json.error.field}: ${refused.json && refused.json.error.message})`);
  const unknown = await pageFetch(
      page, 'PUT', `/patients/${PAT}/diary/${day(-40)}`,
      {client_id: 'spec-unknown-own-item', scale_version: 2, items: {pain: 4, custom: {nonexistent: 1}}});
  check(
      unknown.status === 400 && unknown.json && unknown.json.error.field === 'items.custom.nonexistent',
      `a diary day with an own item the patient does not have is refused, naming it (${unknown.status} ${
          unknown.json && unknown.json.error.field})`);

  // ---- 5. Stop asking "Headache": it leaves Today; the saved value stays ---------------------
  await page.goto('/#/today');
  await page.getByRole('heading', {name: 'How was your day?'}).waitFor();
  await openMoreAboutToday(page);
  await page.getByRole('button', {name: 'Choose what you track'}).click();
  await panel.getByRole('button', {name: 'Stop asking: Headache'}).click();
  await panel.getByText('Headache is no longer asked.', {exact: false}).waitFor();
  check(
      await panel.locator('li[data-custom="headache"] .track-state').textContent() === 'not asked any more' &&
          await panel.getByRole('button', {name: 'Ask again: Headache'}).isVisible(),
      'the panel says Headache is no longer asked and offers "Ask again"');
  const retired = await settingsOf(page);
  check(
      retired.custom.find((c) => c.key === 'headache').retired === true && retired.custom.length === 3,
      'stored as retired, not removed');
  await panel.getByRole('button', {name: 'Done: back to the diary'}).click();
  await page.locator('form.diary').waitFor();
  check(await headache.count() === 0, 'Today no longer asks Headache');
  check(
      await page.locator('[data-kept="custom-headache"]').textContent() === 'Headache: 6',
      'today\'s saved headache is still shown, kept with the day');
  await page.locator('.kept').scrollIntoViewIfNeeded();
  await page.screenshot({path: join(shots, 'diary-settings-4-today-retired-390x844.png')});
  await saveDay(page);
  const keptDay = (await apiAs(page, 'GET', `/patients/${PAT}/diary/${day(0)}`)).json.items;
  check(
      canonical(keptDay.custom) === canonical({headache: 6, glasses_of_water: 5, flare: true}),
      `saving the day again keeps the retired item's value (${JSON.stringify(keptDay.custom)})`);
  await page.goto('/#/progress');
  await page.locator('details summary', {hasText: 'The last 14 days as a table'}).click();
  const heads = await page.locator('details table thead th').allTextContents();
  const cellOf = (label) =>
      page.locator('details table tbody tr').first().locator(`td[data-label="${label}"]`).textContent();
  check(
      heads.includes('Headache') && heads.includes('Glasses of water (glasses)') && await cellOf('Headache') === '6' &&
          await cellOf('Glasses of water (glasses)') === '5' && await cellOf('Flare') === 'yes',
      `Progress's table shows the own items, the retired one too (today: headache ${await cellOf('Headache')}, water ${
          await cellOf('Glasses of water (glasses)')})`);
  await page.locator('details table tbody tr').first().scrollIntoViewIfNeeded();
  await page.screenshot({path: join(shots, 'diary-settings-4-progress-table-390x844.png')});

  // ---- 6. The export carries the own items ----------------------------------------------------
  const csv = await page.evaluate(async (p) => (await fetch(`/api/v1/patients/${p}/export?format=csv`)).text(), PAT);
  // Comment lines ("# ...", quoted when they hold a comma) come before the header row.
  const lines = csv.split('\n').filter((l) => l && !/^"?#/.test(l));
  const header = csvCells(lines[0] || '');
  const col = header.indexOf('custom');
  const row = lines.map(csvCells).find((c) => c[0] === day(0)) || [];
  check(
      col >= 0 && /(^|;)headache=6(;|$)/.test(row[col] || '') && /(^|;)glasses_of_water=5(;|$)/.test(row[col] || '') &&
          /(^|;)flare=yes(;|$)/.test(row[col] || ''),
      `the CSV export has a custom column with today's headache=6, glasses_of_water=5 and flare=yes (column ${col}: "${
          row[col]}")`);
  check(page.errors.length === 0, `patient: no script or CSP error ${page.errors.join('; ')}`);
  await context.close();

  // ---- 7. The clinician sees the patient's own items -----------------------------------------
  await doc.reload();
  await card.locator('form.diary-items').waitFor();
  const ownItems = await card.locator('li[data-custom]').allTextContents();
  check(
      ownItems.length === 3 && /Headache · 0 to 10 · no longer asked/.test(ownItems[0]) &&
          /Glasses of water · a number of glasses · asked/.test(ownItems[1]) &&
          /Flare · yes or no · asked/.test(ownItems[2]),
      `the chart's card lists the patient's own items (${ownItems.join(' | ')})`);
  check(/by the patient/.test(await card.textContent()), 'and says the patient changed the settings last');
  await card.screenshot({path: join(shots, 'diary-settings-5-card-own-items-desktop-light.png')});
  check(doc.errors.length === 0, `clinician: no script or CSP error ${doc.errors.join('; ')}`);
  await docCtx.close();
});
