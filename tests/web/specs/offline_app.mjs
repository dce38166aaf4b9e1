import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpec, root, PHONE_390, DESKTOP, localDate } from '../harness.mjs';

// The installable app that opens offline (issue 15, item 3; docs/web.md, "Installable and offline"):
// the manifest and its icons, the service worker's shell holding every module of the patient's
// pages, the app started with the network cut (the server sees no request), an entry saved offline
// that reaches the server exactly once, nothing kept for staff or after logging out, and the update
// offered when a new version is deployed. The server serves a copy of web/ so that the spec can
// deploy a "new version" of the service worker into it.
const webCopy = mkdtempSync(join(tmpdir(), 'ldn-web-copy-'));
cpSync(join(root, 'web'), webCopy, { recursive: true });

runSpec('offline_app', async (t) => {
  const { check, newPage, login, audit, shot, apiAs, serverLog } = t;

  // ---- The manifest, its icons and the service worker's script ----
  {
    const { context, page } = await newPage(PHONE_390);
    await page.goto('/');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const res = await page.request.get(`/${href}`);
    check(res.status() === 200 && res.headers()['content-type'] === 'application/manifest+json',
      `the page links the manifest, served as application/manifest+json (${res.status()} ${res.headers()['content-type']})`);
    const m = await res.json();
    check(m.name && m.short_name === 'ldn' && m.display === 'standalone' && m.start_url === './#/today',
      `the manifest names the app, opens standalone on Today (${m.short_name}, ${m.display}, ${m.start_url})`);
    for (const size of [192, 512]) {
      const icon = m.icons.find((i) => i.sizes === `${size}x${size}` && i.type === 'image/png');
      const png = icon ? await page.request.get(`/${icon.src}`) : null;
      const bytes = png ? await png.body() : Buffer.alloc(0);
      const w = bytes.length > 24 ? bytes.readUInt32BE(16) : 0;
      const hgt = bytes.length > 24 ? bytes.readUInt32BE(20) : 0;
      check(png && png.status() === 200 && w === size && hgt === size, `a ${size}x${size} PNG icon (read ${w}x${hgt})`);
    }
    check(m.icons.some((i) => i.purpose === 'maskable'), 'a maskable icon for phones that crop icons to a shape');
    const sw = await page.request.get('/sw.js');
    check(sw.status() === 200 && /text\/javascript/.test(sw.headers()['content-type']),
      `the service worker is served from the web root as JavaScript (${sw.status()})`);
    // Every module the patient's pages import (statically or on first use) is in the shell the
    // service worker stores at install, or the app would not open offline.
    const swText = readFileSync(join(webCopy, 'sw.js'), 'utf8');
    const shell = new Set(JSON.parse(`[${/const SHELL = \[([\s\S]*?)\];/.exec(swText)[1].replace(/\/\/.*$/gm, '').replace(/'/g, '"').replace(/,\s*$/, '')}]`));
    const seen = new Set();
    const todo = ['js/app.js', 'js/patient.js', 'js/problem.js', 'js/messages.js', 'js/evidence.js', 'js/account.js'];
    while (todo.length) {
      const file = todo.pop();
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(join(webCopy, file), 'utf8');
      for (const [, spec] of text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) {
        const target = new URL(spec, `http://x/${file}`).pathname.slice(1);
        if (target.endsWith('.js') || target.endsWith('.mjs')) todo.push(target);
      }
    }
    const missing = [...seen].filter((f) => !shell.has(f));
    check(missing.length === 0, `the shell holds the ${seen.size} modules of the patient's pages${missing.length ? `; missing: ${missing.join(', ')}` : ''}`);
    const absent = [];
    for (const f of shell) if ((await page.request.get(`/${f}`)).status() !== 200) absent.push(f);
    check(absent.length === 0, `every file of the shell (${shell.size}) is served${absent.length ? `; not: ${absent.join(', ')}` : ''}`);
    await context.close();
  }

  // ---- A patient opens the app with no network and saves an entry; it is sent once ----
  const { context, page } = await newPage(PHONE_390, { serviceWorkers: 'allow' });
  await login(page, 'patient');
  await page.goto('/#/today');
  await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null);
  // Drawn again under the service worker: the patient's reads of Today are kept on the device.
  await page.reload();
  await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
  await page.waitForLoadState('networkidle');
  const kept = await page.evaluate(async () => (await (await caches.open('ldn-data-v1')).keys()).map((r) => new URL(r.url).pathname));
  check(kept.includes('/api/v1/me') && kept.some((p) => /\/patients\/1\/courses$/.test(p)),
    `the patient's plan and account are kept on the device (${kept.length} answers)`);

  const today = localDate('Europe/Oslo');
  const requestLines = () => serverLog().split('\n').filter((l) => l.includes('"msg":"request"'));
  // The server logs a request once it has answered it: wait until the log stops growing.
  for (let last = -1; last !== requestLines().length;) {
    last = requestLines().length;
    await page.waitForTimeout(700);
  }
  const requestsBefore = requestLines().length;
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
  await page.getByText(/You are offline: this shows what was saved on this device/).waitFor();
  check(await page.locator('section.dose p.big').count() === 1, 'with no network the app opens on Today with the dose of the day');
  await audit(page, 'patient-today-offline');
  await shot(page, 'offline-app-today-offline', 'phone-390');
  const puts = [];
  page.on('requestfinished', async (req) => {
    if (req.method() === 'PUT' && req.url().includes(`/diary/${today}`)) puts.push((await req.response())?.status());
  });
  await page.locator('fieldset[data-scale="pain"] label', { hasText: /^3$/ }).click();
  await page.locator('fieldset[data-scale="fatigue"] label', { hasText: /^4$/ }).click();
  await page.locator('textarea').first().fill('saved with the network cut');
  await page.getByRole('button', { name: /Save/ }).click();
  await page.getByText(/Saved on this device/).first().waitFor();
  const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('ldn.outbox.v2') || '[]'));
  const diaryWrite = queued.find((w) => w.method === 'PUT' && w.path.endsWith(`/diary/${today}`));
  check(!!diaryWrite, `the entry waits on the device (${queued.length} writes queued)`);
  await shot(page, 'offline-app-saved-offline', 'phone-390');
  // The browser's own check for a new version of the service worker is not the app's (a phone
  // with no network fails it quietly); the server logs it apart.
  const offlineLines = requestLines().slice(requestsBefore).filter((l) => !l.includes('service worker update check'));
  check(offlineLines.length === 0 && puts.length === 0, `while offline the server received no request (${offlineLines.length}${offlineLines.length ? `: ${offlineLines.join(' | ')}` : ''})`);
  await context.setOffline(false);
  await page.getByText(/Back online: \d+ saved entr(y was|ies were) sent/).waitFor();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('ldn.outbox.v2') || '[]').length === 0);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForLoadState('networkidle');
  const revisions = (await apiAs(page, 'GET', `/patients/1/diary/${today}/revisions`)).json;
  const mine = (revisions.revisions || []).filter((r) => r.client_id === diaryWrite.body.client_id);
  check(mine.length === 1 && puts.filter((s) => s === 200).length === 1,
    `after reconnecting the entry reached the server exactly once (${mine.length} revision, PUTs ${JSON.stringify(puts)})`);
  const entry = (await apiAs(page, 'GET', `/patients/1/diary/${today}`)).json;
  check(entry.items.pain === 3 && entry.items.fatigue === 4, `the stored entry is the one made offline (pain ${entry.items.pain})`);

  // ---- Logging out deletes what was kept; staff never keep anything ----
  await page.getByRole('button', { name: /Log out/ }).click();
  await page.getByLabel('Username').waitFor();
  check(!(await page.evaluate(() => caches.has('ldn-data-v1'))), 'logging out deletes the patient\'s data kept on the device');
  await login(page, 'clinician');
  await page.goto('/#/panel');
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForLoadState('networkidle');
  const staffKept = await page.evaluate(async () => (await caches.has('ldn-data-v1')) ? (await (await caches.open('ldn-data-v1')).keys()).length : 0);
  check(staffKept === 0, `a clinician's reads are never kept on the device (${staffKept})`);
  await context.close();

  // ---- A new version is deployed: the app offers it and reloads into it ----
  {
    const { context: c2, page: p2 } = await newPage(DESKTOP, { serviceWorkers: 'allow' });
    await login(p2, 'patient');
    await p2.goto('/#/today');
    await p2.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null);
    const oldShell = (await p2.evaluate(() => caches.keys())).filter((k) => k.startsWith('ldn-shell-'));
    const sw = readFileSync(join(webCopy, 'sw.js'), 'utf8');
    writeFileSync(join(webCopy, 'sw.js'), sw.replace(/const VERSION = '[^']*';/, "const VERSION = 'spec-new-version';"));
    await p2.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    const banner = p2.getByText('A new version of ldn is ready.');
    await banner.waitFor();
    check(true, 'a new version deployed: the app says it is ready');
    await audit(p2, 'patient-update-offered');
    await shot(p2, 'offline-app-update-offered', 'desktop');
    const navigated = p2.waitForEvent('framenavigated');
    await p2.getByRole('button', { name: 'Reload to update' }).click();
    await navigated;
    await p2.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await p2.waitForFunction(async () => (await caches.keys()).includes('ldn-shell-spec-new-version'));
    const shells = (await p2.evaluate(() => caches.keys())).filter((k) => k.startsWith('ldn-shell-'));
    check(shells.length === 1 && shells[0] === 'ldn-shell-spec-new-version' && oldShell.length === 1,
      `the app reloaded into the new version; the old shell is deleted (${oldShell.join()} -> ${shells.join()})`);
    await c2.close();
  }
}, { webRoot: webCopy });

process.on('exit', () => rmSync(webCopy, { recursive: true, force: true }));
