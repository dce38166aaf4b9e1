import { runSpec, PHONE_390, DESKTOP } from '../harness.mjs';

// Dark mode (issue 15, item 7): the system's dark setting is followed, the Account page can choose
// light or dark on this device, and axe-core finds no serious or critical issue (contrast
// included) on the patient's pages and the clinician's panel in the dark theme.
runSpec('theme_dark', async (t) => {
  const { check, newPage, login, visit, heading } = t;
  const background = (page) => page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });

  {
    const { context, page } = await newPage(PHONE_390, { colorScheme: 'dark' });
    await login(page, 'patient');
    const pages = [
      ['#/today', 'dark-patient-today', async (p) => { await p.getByRole('heading', { name: 'How was your day?' }).waitFor(); }],
      ['#/plan', 'dark-patient-plan', heading('My plan')],
      ['#/progress', 'dark-patient-progress', heading('My progress')],
      ['#/questionnaires', 'dark-patient-questionnaires', heading('Questionnaires')],
      ['#/messages', 'dark-patient-messages', async (p) => { await p.getByRole('heading', { level: 1 }).first().waitFor(); }],
      ['#/account', 'dark-patient-account', heading('Your account')],
    ];
    for (const [hash, name, ready] of pages) await visit(page, hash, name, 'phone-390', ready);
    const lum = await background(page);
    check(lum < 0.15, `the system's dark setting is followed: a dark page (background luminance ${lum.toFixed(2)})`);
    await context.close();
  }
  {
    const { context, page } = await newPage(DESKTOP, { colorScheme: 'dark' });
    await login(page, 'clinician');
    await visit(page, '#/panel', 'dark-clinician-panel', 'desktop', async (p) => { await p.locator('table, .card').first().waitFor(); });
    await context.close();
  }
  {
    // A light system: the patient chooses dark on the Account page; it stays after a reload, and
    // "As my device" goes back to the system's light.
    const { context, page } = await newPage(PHONE_390, { colorScheme: 'light' });
    await login(page, 'patient');
    await page.goto('/#/account');
    await page.getByRole('heading', { name: 'Appearance' }).waitFor();
    const before = await background(page);
    await page.getByLabel('Dark', { exact: true }).check();
    const dark = await background(page);
    await page.reload();
    await page.getByRole('heading', { name: 'Appearance' }).waitFor();
    const afterReload = await background(page);
    check(before > 0.85 && dark < 0.15 && afterReload < 0.15,
      `dark chosen on the Account page, kept after a reload (luminance ${before.toFixed(2)} -> ${dark.toFixed(2)} -> ${afterReload.toFixed(2)})`);
    await visit(page, '#/account', 'dark-chosen-account', 'phone-390', heading('Your account'));
    await page.getByLabel('As my device (system setting)').check();
    const back = await background(page);
    check(back > 0.85, `"As my device" follows the light system again (${back.toFixed(2)})`);
    await context.close();
  }
}, {});
