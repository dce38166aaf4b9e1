import { runSpec, PHONE, DESKTOP, LOGINS, heading, localDate, openMoreAboutToday } from '../harness.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Every page of every role at phone and desktop width: axe-core, width, screenshots, script/CSP errors; the diary page's weight.
runSpec('pages', async (t) => {
  const { check, newPage, login, visit, audit, shot, base, shots } = t;

  async function everyPage(viewport, label) {
    // Login page (anonymous).
    {
      const { context, page } = await newPage(viewport);
      await visit(page, '#/login', 'login', label, heading('Log in'));
      await context.close();
    }
    // Patient. What a patient sees is plain language: no file name, web address or "Source:" tag on
    // the page itself; the sources wait, closed, behind "Where does this come from?".
    const plain = async (page, name) => {
      const seen = await page.evaluate(() => {
        const main = document.querySelector('main');
        const tags = [...main.querySelectorAll('.source')].filter((e) => e.checkVisibility());
        const closed = [...main.querySelectorAll('details.why, details.where')].filter((d) => !d.open).length;
        return { text: main.innerText, visibleSources: tags.length, closed };
      });
      const path = seen.text.match(/\b[\w-]+\/[\w./-]+\.(md|json|h|cpp)\b|\b[\w-]+\.(md|h|cpp)\b|https?:\/\/\S+|Source:/);
      check(!path && seen.visibleSources === 0,
        `${label}: ${name} shows the patient no file name, address or source tag (${path ? path[0] : 'none'}; ${seen.visibleSources} visible source lines; ${seen.closed} closed "Where does this come from?")`);
      return seen.closed;
    };
    {
      const { context, page } = await newPage(viewport);
      await login(page, 'patient');
      check(/#\/today$/.test(page.url()), `${label}: the patient lands on today's page`);
      await visit(page, '#/today', 'patient-today', label, heading(/^Today/));
      check(await plain(page, 'Today') >= 2, `${label}: Today keeps its sources behind "Where does this come from?" (the dose card's and the diary's)`);
      await visit(page, '#/history', 'patient-history', label, heading('Past days'));
      await plain(page, 'Past days');
      await visit(page, `#/day/${localDate('Europe/Oslo', -2)}`, 'patient-day-edit', label, async (p) => { await p.getByRole('heading', { name: 'How was your day?' }).waitFor(); });
      // Keyboard: the first Tab reaches the skip link; a 0-10 item is answered with the arrow keys.
      const firstStop = await page.evaluate(() => document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])').textContent);
      check(firstStop === 'Skip to content', `${label}: the first Tab stop is the skip link (${firstStop})`);
      const before = page.url();
      await page.locator('a.skip').focus();
      await page.keyboard.press('Enter');
      check(await page.evaluate(() => document.activeElement.id) === 'main' && page.url() === before,
        `${label}: the skip link moves the focus to the content and stays on the page`);
      await openMoreAboutToday(page);
      await page.locator('fieldset[data-scale="stress"] input[value="0"]').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      check(await page.locator('fieldset[data-scale="stress"] input:checked').getAttribute('value') === '2', `${label}: a diary item is answered with the arrow keys`);
      await plain(page, 'a past day');
      await visit(page, '#/plan', 'patient-plan', label, heading('My plan'));
      check(await plain(page, 'My plan') >= 1, `${label}: My plan keeps the plan's source behind "Where does this come from?"`);
      await visit(page, '#/progress', 'patient-progress', label, async (p) => { await p.locator('.chart canvas').first().waitFor(); });
      await plain(page, 'Progress');
      await visit(page, '#/questionnaires', 'patient-questionnaires', label, heading('Questionnaires'));
      await plain(page, 'Questionnaires');
      await visit(page, '#/evidence', 'evidence', label, async (p) => { await p.locator('.chart canvas').first().waitFor(); await p.getByText(/Peak naltrexone/).waitFor(); });
      await plain(page, 'Evidence');
      check(page.errors.length === 0, `${label}: patient pages raised no script or CSP error ${page.errors.join('; ')}`);
      await context.close();
    }
    // Clinician.
    {
      const { context, page } = await newPage(viewport);
      await login(page, 'clinician');
      await visit(page, '#/panel', 'clinician-panel', label, async (p) => { await p.getByRole('link', { name: 'Pat Demo' }).waitFor(); });
      await visit(page, '#/patient/1', 'clinician-patient', label, async (p) => { await p.locator('.chart canvas').first().waitFor(); await p.getByRole('heading', { name: 'Is it working?' }).waitFor(); });
      await visit(page, '#/patient/3/new-course', 'clinician-new-course', label, heading(/New course/));
      check(page.errors.length === 0, `${label}: clinician pages raised no script or CSP error ${page.errors.join('; ')}`);
      await context.close();
    }
    // Pharmacist, researcher, admin.
    {
      const { context, page } = await newPage(viewport);
      await login(page, 'pharmacist');
      await visit(page, '#/rx', 'pharmacist-rx', label, heading('Prescriptions'));
      await visit(page, '#/rx/1/1', 'pharmacist-worksheet', label, heading('Prescription #1'));
      await page.getByRole('button', { name: 'Compute the worksheet' }).click();
      await page.getByRole('heading', { name: /Compounding record/i }).waitFor();
      await audit(page, 'pharmacist-worksheet (computed)');
      await shot(page, 'pharmacist-worksheet-computed', label);
      // No batch of the demo order is released: the page says where a label comes from.
      await visit(page, '#/rx/1/1/label', 'pharmacist-label', label, async (p) => { await p.locator('.label-print, .no-label').first().waitFor(); });
      await page.emulateMedia({ media: 'print' });
      await shot(page, 'pharmacist-label-print', label);
      await page.emulateMedia({ media: 'screen' });
      check(page.errors.length === 0, `${label}: pharmacist pages raised no script or CSP error ${page.errors.join('; ')}`);
      await context.close();
    }
    for (const [role, hash, name, title] of [['researcher', '#/research', 'researcher', 'Pooled outcomes'], ['admin', '#/admin', 'admin', 'Administration']]) {
      const { context, page } = await newPage(viewport);
      await login(page, role);
      await visit(page, hash, name, label, heading(title));
      check(page.errors.length === 0, `${label}: ${role} page raised no script or CSP error ${page.errors.join('; ')}`);
      await context.close();
    }
  }

  // What the browser downloads for the patient's diary page on a first visit with an empty cache
  // (logged in already): every response's headers and body, as Chromium counted them.
  async function diaryPageWeight() {
    const { context, page } = await newPage(PHONE);
    const login = await context.request.post('/api/v1/session', { data: { username: LOGINS.patient[0], password: LOGINS.patient[1] } });
    check(login.status() === 201, 'the patient logs in through the API');
    const responses = [];
    page.on('requestfinished', (req) => responses.push(req));
    await page.goto('/#/today');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await page.waitForLoadState('networkidle');
    let total = 0;
    const files = [];
    for (const req of responses) {
      const sizes = await req.sizes();
      const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
      total += bytes;
      files.push({ url: req.url().replace(base, ''), bytes });
    }
    files.sort((a, b) => b.bytes - a.bytes);
    writeFileSync(join(shots, 'diary-page-weight.json'), `${JSON.stringify({ total_bytes: total, requests: files.length, files }, null, 1)}\n`);
    console.log(`     diary page: ${files.length} requests, ${total} bytes (${(total / 1024).toFixed(1)} KiB)`);
    check(total < 300 * 1024, `the diary page downloads under 300 KB (${total} bytes)`);
    await context.close();
  }

  await diaryPageWeight();
  await everyPage(PHONE, 'phone');
  await everyPage(DESKTOP, 'desktop');
});
