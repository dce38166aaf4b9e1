#!/usr/bin/env node
// Browser tests of the web app (web/), run by ctest as `web_browser`:
//   node tests/web/run.mjs <path to ldn> [screenshot dir]
// Starts a real `ldn serve --demo` on SQLite (a throwaway file, a free loopback port), waits for
// /api/v1/health, drives Debian's Chromium with playwright-core through the scenarios below, runs
// axe-core on every page, writes a screenshot of every page at phone and desktop widths (default:
// <dir of ldn>/screenshots/), stops the server, and exits 1 on any failed check.
//
// Scenarios: log in as each role; a patient submits an entry and sees it in the chart; a
// clinician screens, plans and prescribes and the pharmacist sees the prescription and its
// worksheet; an entry made offline is sent exactly once when the browser is back online.
// No network beyond loopback; no timed assertions (timeouts are generous for the ASan build).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
let chromium;
let axeSource;
try {
  ({ chromium } = require('playwright-core'));
  axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (err) {
  console.error(`web_browser: npm packages missing (${err.message}); run \`npm ci\` in ${root} (scripts/setup does)`);
  process.exit(1);
}

const ldn = resolve(process.argv[2] || join(root, 'build', 'ldn'));
const shots = resolve(process.argv[3] || join(dirname(ldn), 'screenshots'));
const CHROMIUM = process.env.LDN_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 90_000;  // per action; the ASan server is slow, nothing here is a timing assertion
const PHONE = { width: 360, height: 780 };
const DESKTOP = { width: 1280, height: 900 };
const LOGINS = { patient: ['pat', 'ldn-demo-patient'], clinician: ['doc', 'ldn-demo-clinician'],
  pharmacist: ['pharm', 'ldn-demo-pharmacist'], researcher: ['res', 'ldn-demo-researcher'], admin: ['admin', 'ldn-demo-admin'] };

const failures = [];
let checks = 0;
function check(ok, what) {
  checks += 1;
  if (!ok) { failures.push(what); console.error(`FAIL ${what}`); } else console.log(`ok   ${what}`);
}

// ---- server --------------------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'ldn-web-'));
mkdirSync(shots, { recursive: true });
const server = spawn(ldn, ['serve', '--db', `sqlite:${join(work, 'web.db')}`, '--port', '0', '--bind', '127.0.0.1',
  '--demo', '--web', join(root, 'web'), '--threads', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => { serverLog += d; if (serverLog.length > 200_000) serverLog = serverLog.slice(-100_000); });
const base = await new Promise((resolveBase, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) resolveBase(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`ldn serve exited (${code}) before listening:\n${out}\n${serverLog}`)));
});
for (let i = 0; ; i += 1) {
  try { const r = await fetch(`${base}/api/v1/health`); if (r.ok) break; } catch { /* not yet */ }
  if (i > 600) throw new Error('the server never became healthy');
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`server ${base}, screenshots in ${shots}`);

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'] });

// ---- helpers -------------------------------------------------------------------------------------
async function newPage(viewport) {
  const context = await browser.newContext({ viewport, baseURL: base, locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) page.errors.push(`CSP: ${m.text()}`); });
  return { context, page };
}

async function login(page, role) {
  await page.goto('/#/login');
  await page.getByLabel('Username').fill(LOGINS[role][0]);
  await page.getByLabel('Password').fill(LOGINS[role][1]);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: /Log out/ }).waitFor();
}

async function settle(page) {
  await page.waitForFunction(() => !document.querySelector('main p.muted') || document.querySelector('main p.muted').textContent !== 'Loading…');
  await page.waitForLoadState('networkidle');
}

const axeSeen = new Set();
async function audit(page, name) {
  await settle(page);
  await page.evaluate(axeSource);  // evaluated through the DevTools protocol: not subject to the page's CSP
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help, target: v.nodes[0] && v.nodes[0].target.join(' ') }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const key = `${name}`;
  if (!axeSeen.has(key)) {
    axeSeen.add(key);
    check(bad.length === 0, `axe: no serious or critical violation on ${name}${bad.length ? `: ${JSON.stringify(bad)}` : ''}`);
  }
  const minor = result.filter((v) => !bad.includes(v));
  if (minor.length) console.log(`     axe (${name}) minor: ${minor.map((v) => `${v.id}/${v.impact}`).join(', ')}`);
}

async function shot(page, name, label) {
  await settle(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${name} (${label}) fits the window's width (overflow ${overflow} px)`);
  await page.screenshot({ path: join(shots, `${name}-${label}.png`), fullPage: true });
}

// Visits `hash`, waits for `ready`, audits and screenshots at the page's width.
async function visit(page, hash, name, label, ready) {
  await page.goto(`/${hash}`);
  const broken = page.getByRole('heading', { name: 'Something went wrong' }).waitFor()
    .then(async () => { throw new Error(`${name}: ${await page.locator('main').textContent()}`); });
  await Promise.race([ready(page), broken]);
  await audit(page, name);
  await shot(page, name, label);
}

const heading = (text) => async (page) => { await page.getByRole('heading', { level: 1, name: text }).waitFor(); };

function localDate(tz, offsetDays = 0) {
  const d = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const t = Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10), 12) + offsetDays * 86400000;
  return new Date(t).toISOString().slice(0, 10);
}

// ---- scenarios -----------------------------------------------------------------------------------
async function everyPage(viewport, label) {
  // Login page (anonymous).
  {
    const { context, page } = await newPage(viewport);
    await visit(page, '#/login', 'login', label, heading('Log in'));
    await context.close();
  }
  // Patient.
  {
    const { context, page } = await newPage(viewport);
    await login(page, 'patient');
    check(/#\/today$/.test(page.url()), `${label}: the patient lands on today's page`);
    await visit(page, '#/today', 'patient-today', label, heading(/^Today/));
    await visit(page, '#/history', 'patient-history', label, heading('Past days'));
    await visit(page, `#/day/${localDate('Europe/Oslo', -2)}`, 'patient-day-edit', label, async (p) => { await p.getByRole('heading', { name: 'How was your day?' }).waitFor(); });
    // Keyboard: the first Tab reaches the skip link; a 0-10 item is answered with the arrow keys.
    const firstStop = await page.evaluate(() => document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])').textContent);
    check(firstStop === 'Skip to content', `${label}: the first Tab stop is the skip link (${firstStop})`);
    const before = page.url();
    await page.locator('a.skip').focus();
    await page.keyboard.press('Enter');
    check(await page.evaluate(() => document.activeElement.id) === 'main' && page.url() === before,
      `${label}: the skip link moves the focus to the content and stays on the page`);
    await page.locator('fieldset[data-scale="stress"] input[value="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    check(await page.locator('fieldset[data-scale="stress"] input:checked').getAttribute('value') === '2', `${label}: a diary item is answered with the arrow keys`);
    await visit(page, '#/plan', 'patient-plan', label, heading('My plan'));
    await visit(page, '#/progress', 'patient-progress', label, async (p) => { await p.locator('.chart canvas').first().waitFor(); });
    await visit(page, '#/questionnaires', 'patient-questionnaires', label, heading('Questionnaires'));
    await visit(page, '#/evidence', 'evidence', label, async (p) => { await p.locator('.chart canvas').first().waitFor(); await p.getByText(/Peak naltrexone/).waitFor(); });
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
    await visit(page, '#/rx/1/1/label', 'pharmacist-label', label, async (p) => { await p.locator('.label-print').waitFor(); });
    await page.emulateMedia({ media: 'print' });
    await shot(page, 'pharmacist-label-print', label);
    await page.emulateMedia({ media: 'screen' });
    check(page.errors.length === 0, `${label}: pharmacist pages raised no script or CSP error ${page.errors.join('; ')}`);
    await context.close();
  }
  for (const [role, hash, name, title] of [['researcher', '#/research', 'researcher', 'Pooled outcomes'], ['admin', '#/admin', 'admin', 'Users and care teams']]) {
    const { context, page } = await newPage(viewport);
    await login(page, role);
    await visit(page, hash, name, label, heading(title));
    check(page.errors.length === 0, `${label}: ${role} page raised no script or CSP error ${page.errors.join('; ')}`);
    await context.close();
  }
}

async function patientEntryInChart() {
  const { context, page } = await newPage(PHONE);
  await login(page, 'patient');
  const today = localDate('Europe/Oslo');
  await page.goto('/#/today');
  await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
  // Pain 1 and fatigue 2: values the demo diary never has for today's pain.
  await page.locator('fieldset[data-scale="pain"] label', { hasText: /^1$/ }).click();
  await page.locator('fieldset[data-scale="fatigue"] label', { hasText: /^2$/ }).click();
  await page.getByRole('button', { name: 'Vivid dreams or nightmares' }).click();
  await page.getByLabel('Yes, I took it').check();
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
  await context.close();
}

async function clinicianToPharmacist() {
  const pharmacy = `E2E Pharmacy ${Date.now()}`;
  {
    const { context, page } = await newPage(DESKTOP);
    await login(page, 'clinician');
    // A severe adverse event flags the patient on the panel (a cookie session's write needs its CSRF token).
    const csrf = (await context.cookies()).find((c) => c.name === 'ldn_csrf').value;
    const ae = await page.request.post('/api/v1/patients/3/adverse-events', { headers: { 'X-CSRF-Token': csrf },
      data: { onset_date: localDate('Australia/Sydney', -1), description: 'fainted', severity: 'severe' } });
    check(ae.status() === 201, `a severe adverse event is recorded (${ae.status()})`);
    await page.reload();  // the panel was rendered at login, before the event
    const sam = page.locator('tr', { hasText: 'Sam Sample' }).filter({ hasText: 'Safety' });
    await sam.waitFor();
    check((await sam.textContent()).includes('Safety: 1 severe or serious adverse event'), 'the panel flags the patient with a severe adverse event');
    check((await page.locator('tbody tr').first().textContent()).includes('Sam Sample'), 'flagged patients come first');
    await shot(page, 'clinician-panel-flagged', 'desktop');
    await page.goto('/#/patient/2/new-course');
    await page.getByRole('button', { name: 'Run the screening' }).click();
    await page.getByText(/Verdict:/).waitFor();
    const verdict = await page.locator('.verdict').textContent();
    check(verdict === 'eligible', `the screening of Alex Example is eligible (got ${verdict})`);
    await page.getByRole('button', { name: 'Continue to the plan' }).click();
    await page.getByRole('heading', { name: 'Protocol plan' }).waitFor();
    await audit(page, 'clinician-new-course (plan)');
    await shot(page, 'clinician-new-course-plan', 'desktop');
    await page.getByRole('button', { name: 'Create the plan' }).click();
    await page.getByRole('heading', { name: 'Prescription' }).waitFor();
    await page.getByLabel('Pharmacy').fill(pharmacy);
    await audit(page, 'clinician-new-course (prescription)');
    await page.getByRole('button', { name: 'Send to the pharmacy' }).click();
    await page.getByText(/sent to E2E Pharmacy/).first().waitFor();
    await shot(page, 'clinician-new-course-sent', 'desktop');
    check(true, 'the clinician screened, planned and prescribed');
    // A plan adjustment with its reason.
    await page.goto('/#/patient/2');
    await page.locator('summary', { hasText: 'Adjust the plan' }).click();
    await page.getByLabel('Reason (kept with the adjustment)').fill('E2E: vivid dreams for a week');
    await page.getByLabel('Event').selectOption('sleep_side_effects');
    await page.locator('form button[type="submit"]', { hasText: 'Adjust the plan' }).click();
    await page.getByText(/E2E: vivid dreams for a week/).first().waitFor();
    check(true, 'the clinician adjusted the plan and the reason is listed');
    // The response report as PDF, from the link on the patient's page.
    const href = await page.getByRole('link', { name: /response report \(PDF\)/ }).getAttribute('href');
    const pdf = await page.request.get(href);
    const bytes = await pdf.body();
    check(pdf.status() === 200 && pdf.headers()['content-type'] === 'application/pdf' && bytes.subarray(0, 5).toString() === '%PDF-',
      `the response report downloads as a PDF (${pdf.status()}, ${bytes.length} bytes)`);
    await context.close();
  }
  {
    const { context, page } = await newPage(DESKTOP);
    await login(page, 'pharmacist');
    await page.goto('/#/rx');
    const row = page.locator('tr', { hasText: pharmacy });
    await row.waitFor();
    check(await row.count() === 1, 'the pharmacist sees the new prescription');
    check((await row.textContent()).includes('issued'), 'the new prescription is issued');
    await row.getByRole('button', { name: /Verify/ }).click();
    await page.locator('tr', { hasText: pharmacy }).filter({ hasText: 'verified' }).waitFor();
    await page.locator('tr', { hasText: pharmacy }).getByRole('link', { name: /Worksheet/ }).click();
    await page.getByRole('button', { name: 'Compute the worksheet' }).click();
    await page.getByRole('heading', { name: /Compounding record/i }).waitFor();
    const bud = await page.locator('.worksheet section').filter({ hasText: 'Beyond-use date' }).locator('.big').textContent();
    check(/^\d{4}-\d{2}-\d{2} \(\d+ days\)$/.test(bud), `the worksheet shows a beyond-use date (${bud})`);
    const label = await page.locator('.label-print').textContent();
    check(label.includes('Alex Example'), 'the label names the patient');
    await context.close();
  }
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
  const outbox = await page.evaluate(() => JSON.parse(localStorage.getItem('ldn.outbox.v1') || '[]'));
  const queued = outbox.filter((w) => w.method === 'PUT' && w.path.endsWith(`/diary/${date}`));
  check(queued.length === 1, `the diary write waits in the outbox while offline (${outbox.length} writes in all, the dose too)`);
  await shot(page, 'patient-offline-queued', 'phone');
  check(puts.length === 0, 'nothing reached the server while offline');
  await context.setOffline(false);
  await page.getByText(/Back online: \d+ saved entr(y was|ies were) sent/).waitFor();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('ldn.outbox.v1') || '[]').length === 0);
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

// What the browser downloads for the patient's diary page on a first visit with an empty cache
// (logged in already): every response's headers and body, as Chromium counted them.
async function diaryPageWeight() {
  const { context, page } = await newPage(PHONE);
  const login = await context.request.post('/api/v1/session', { data: { username: 'pat', password: 'ldn-demo-patient' } });
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

let exitCode = 1;
try {
  await diaryPageWeight();
  await everyPage(PHONE, 'phone');
  await everyPage(DESKTOP, 'desktop');
  await patientEntryInChart();
  await clinicianToPharmacist();
  await offlineEntrySentOnce();
  exitCode = failures.length ? 1 : 0;
} catch (err) {
  failures.push(`exception: ${err.stack || err}`);
  console.error(err);
} finally {
  await browser.close().catch(() => {});
  server.kill('SIGTERM');
  const code = await new Promise((r) => { if (server.exitCode !== null) r(server.exitCode); else server.on('exit', (c) => r(c)); });
  check(code === 0, `ldn serve stopped cleanly on SIGTERM (exit ${code})`);
  if (code !== 0) exitCode = 1;
  rmSync(work, { recursive: true, force: true });
}
writeFileSync(join(shots, 'RESULT.txt'), `${checks} checks, ${failures.length} failed\n${failures.join('\n')}\n`);
console.log(`\n${checks} checks, ${failures.length} failed`);
if (failures.length) {
  console.log(failures.map((f) => `  - ${f}`).join('\n'));
  console.log(`server log (tail):\n${serverLog.slice(-3000)}`);
}
process.exit(exitCode);
