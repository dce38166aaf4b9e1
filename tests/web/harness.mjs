// The browser-test harness shared by every spec in tests/web/specs/ (docs/web.md, "Browser tests").
// One spec is one ctest (`web_<name>`), run as
//   node tests/web/run.mjs <path to ldn> <screenshot dir> <spec name>
// The harness starts a real `ldn serve --demo` on SQLite (a throwaway file, a free loopback port),
// waits for /api/v1/health, launches Debian's Chromium with playwright-core, hands the spec a
// context of helpers (log in, visit and audit with axe-core, screenshot, check), then stops the
// server (which must exit 0 on SIGTERM) and exits 1 on any failed check.
// No network beyond loopback; no timed assertions (timeouts are generous for slow machines).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
let chromium;
let axeSource;
try {
  ({ chromium } = require('playwright-core'));
  axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (err) {
  console.error(`web tests: npm packages missing (${err.message}); run \`npm ci\` in ${root} (scripts/setup does)`);
  process.exit(1);
}

const CHROMIUM = process.env.LDN_CHROMIUM || '/usr/bin/chromium';
export const TIMEOUT = 90_000;  // per action; nothing here is a timing assertion
export const PHONE = { width: 360, height: 780 };
export const PHONE_390 = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
export const LOGINS = { patient: ['pat', 'ldn-demo-diary'], clinician: ['doc', 'ldn-demo-clinician'],
  pharmacist: ['pharm', 'ldn-demo-compounding'], pharmacist2: ['pharm2', 'ldn-demo-second-check'], researcher: ['res', 'ldn-demo-outcomes'], admin: ['admin', 'ldn-demo-accounts'] };

// TOTP as an authenticator app computes it (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits), so
// that the tests can log in as the demo clinician, pharmacist and admin, who set up two-step
// login at their first login. The secrets are those the app showed, per username.
export const totpSecrets = new Map();
const lastStep = new Map();
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}
export function totpCode(secretBase32, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 1_000_000).padStart(6, '0');
}
// A test server's fixed clock (restart({at})), in ms since the epoch; null: the real clock.
let fixedClockMs = null;
export const totpStep = (ms = fixedClockMs ?? Date.now()) => Math.floor(ms / 1000 / 30);
// A code the server will accept for `user` now: of a step not used before by these tests (a code
// is good once); waits for the next step when the three around now are used.
export async function nextTotpCode(user) {
  for (;;) {
    const now = totpStep();
    const last = lastStep.has(user) ? lastStep.get(user) : -Infinity;
    for (const step of [now - 1, now, now + 1]) {
      if (step > last) { lastStep.set(user, step); return totpCode(totpSecrets.get(user), step); }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
export function noteTotpStepUsed(user, step) { lastStep.set(user, Math.max(step, lastStep.get(user) ?? -Infinity)); }

// Runs one spec: `body(t)` receives the helpers below bound to a fresh server and browser.
// options.serveArgs: extra arguments for `ldn serve`; options.env: extra environment;
// options.webRoot: the web directory to serve (default web/ of the tree).
export async function runSpec(name, body, options = {}) {
  const ldn = resolve(process.argv[2] || join(root, 'build', 'ldn'));
  const shots = resolve(process.argv[3] || join(dirname(ldn), 'screenshots'));
  const failures = [];
  let checks = 0;
  const check = (ok, what) => {
    checks += 1;
    if (!ok) { failures.push(what); console.error(`FAIL ${what}`); } else console.log(`ok   ${what}`);
  };

  const work = mkdtempSync(join(tmpdir(), `ldn-web-${name}-`));
  mkdirSync(shots, { recursive: true });
  // The server on the spec's database; restart() starts it again on the same database (with
  // `extra.env` and `extra.serveArgs`), e.g. with a test clock months later.
  let server;
  let serverLog = '';
  let serverOut = '';
  async function startServer(extra = {}) {
    server = spawn(ldn, ['serve', '--db', `sqlite:${join(work, 'web.db')}`, '--port', '0', '--bind', '127.0.0.1',
      '--demo', '--web', options.webRoot || join(root, 'web'), '--threads', '2', ...(options.serveArgs || []),
      ...(extra.serveArgs || [])],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(options.env || {}), ...(extra.env || {}) } });
    server.stderr.on('data', (d) => { serverLog += d; if (serverLog.length > 200_000) serverLog = serverLog.slice(-100_000); });
    serverOut = '';
    const url = await new Promise((resolveBase, reject) => {
      server.stdout.on('data', (d) => {
        serverOut += d;
        const m = serverOut.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
        if (m) resolveBase(m[1]);
      });
      server.on('exit', (code) => reject(new Error(`ldn serve exited (${code}) before listening:\n${serverOut}\n${serverLog}`)));
    });
    for (let i = 0; ; i += 1) {
      try { const r = await fetch(`${url}/api/v1/health`); if (r.ok) break; } catch { /* not yet */ }
      if (i > 600) throw new Error('the server never became healthy');
      await new Promise((r) => setTimeout(r, 200));
    }
    return url;
  }
  async function stopServer() {
    server.kill('SIGTERM');
    return new Promise((r) => { if (server.exitCode !== null) r(server.exitCode); else server.on('exit', (c) => r(c)); });
  }
  let base = await startServer();
  console.log(`[${name}] server ${base}, screenshots in ${shots}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'] });

  async function newPage(viewport, contextOptions = {}) {
    // Service workers are blocked unless a spec allows them ({serviceWorkers: 'allow'}, as the
    // offline-app spec does): the other specs test the pages and the API, not the offline cache.
    const context = await browser.newContext({ viewport, baseURL: base, locale: 'en-GB', serviceWorkers: 'block', ...contextOptions });
    // After restart({at}) the browser's clock is the server's: Date.now() and new Date() return
    // that fixed time (timers keep running), so "today" is the same day on both sides.
    if (fixedClockMs !== null) await context.clock.setFixedTime(fixedClockMs);
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) page.errors.push(`CSP: ${m.text()}`); });
    return { context, page };
  }

  // Logs in through the login form: `who` is a role of LOGINS or [username, password] (or
  // [username, password an admin gave, the user's new password] for a first login). A demo
  // clinician, pharmacist or admin sets up two-step login at the first login (the code computed
  // from the secret the page shows, as an authenticator app would) and gives a code afterwards.
  async function login(page, who) {
    const [user, pass] = Array.isArray(who) ? who : LOGINS[who];
    await page.goto('/#/login');
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(pass);
    await page.getByRole('button', { name: 'Log in' }).click();
    const loggedIn = page.getByRole('button', { name: /Log out/ });
    const enrol = page.getByRole('heading', { level: 1, name: 'Set up two-step login' });
    const second = page.getByLabel('6-digit code from your authenticator app');
    const choose = page.getByRole('heading', { level: 1, name: 'Choose your password' });
    // The step the page shows: the menu's "Log out" appears during the set-up steps too, so a
    // login is done only when no step is shown and the page has left #/login and #/setup.
    for (let i = 0; ; i += 1) {
      if (i > 900) {
        const seen = await page.evaluate(() => `${location.hash} | ${document.querySelector('main')?.innerText.slice(0, 300)}`);
        throw new Error(`login of ${user}: no page after the login form (the page shows: ${seen})`);
      }
      if (await choose.isVisible()) {
        // An account an admin made: [username, given password, the user's own new password].
        if (!Array.isArray(who) || !who[2]) throw new Error(`${user} must choose a password: pass [user, given, new]`);
        await page.getByLabel('Password you were given').fill(pass);
        await page.getByLabel('New password', { exact: true }).fill(who[2]);
        await page.getByLabel('New password again').fill(who[2]);
        await page.getByRole('button', { name: 'Change password' }).click();
        await choose.waitFor({ state: 'detached' });
      } else if (await second.isVisible()) {
        await second.fill(await nextTotpCode(user));
        await page.getByRole('button', { name: 'Continue' }).click();
        await second.waitFor({ state: 'detached' });
      } else if (await enrol.isVisible()) {
        const secret = await page.locator('code.secret').getAttribute('data-secret');
        totpSecrets.set(user, secret);
        const step = totpStep();
        noteTotpStepUsed(user, step);
        await page.getByLabel('The 6-digit code the app shows now').fill(totpCode(secret, step));
        await page.getByRole('button', { name: 'Turn on two-step login' }).click();
        await page.getByRole('button', { name: 'I have saved them' }).click();
        await enrol.waitFor({ state: 'detached' });
      } else if (await loggedIn.isVisible() && !/^#\/(login|setup)?$/.test(await page.evaluate(() => location.hash))) {
        break;
      } else if (i % 50 === 49 && await page.getByLabel('Username').isVisible()
        && await page.getByLabel('Username').inputValue() === '') {
        // The login form was drawn again under the typing (it should not be: app.js keeps a form
        // already shown); type again as a person would, and say so in the log.
        console.log(`     login of ${user}: the form was empty again; typing again`);
        await page.getByLabel('Username').fill(user);
        await page.getByLabel('Password').fill(pass);
        await page.getByRole('button', { name: 'Log in' }).click();
      }
      await page.waitForTimeout(100);
    }
    await loggedIn.waitFor();
  }

  async function settle(page) {
    await page.waitForFunction(() => !document.querySelector('main [data-loading]')
      && (!document.querySelector('main p.muted') || document.querySelector('main p.muted').textContent !== 'Loading…'));
    await page.waitForLoadState('networkidle');
  }

  const axeSeen = new Set();
  async function audit(page, pageName) {
    await settle(page);
    await page.evaluate(axeSource);  // through the DevTools protocol: not subject to the page's CSP
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help, target: v.nodes[0] && v.nodes[0].target.join(' ') }));
    });
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (!axeSeen.has(pageName)) {
      axeSeen.add(pageName);
      check(bad.length === 0, `axe: no serious or critical violation on ${pageName}${bad.length ? `: ${JSON.stringify(bad)}` : ''}`);
    }
    const minor = result.filter((v) => !bad.includes(v));
    if (minor.length) console.log(`     axe (${pageName}) minor: ${minor.map((v) => `${v.id}/${v.impact}`).join(', ')}`);
    return bad;
  }

  async function shot(page, shotName, label) {
    await settle(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `${shotName} (${label}) fits the window's width (overflow ${overflow} px)`);
    await page.screenshot({ path: join(shots, `${shotName}-${label}.png`), fullPage: true });
  }

  // Visits `hash`, waits for `ready`, audits and screenshots at the page's width.
  async function visit(page, hash, pageName, label, ready) {
    await page.goto(`/${hash}`);
    const broken = page.getByRole('heading', { name: 'Something went wrong' }).waitFor()
      .then(async () => { throw new Error(`${pageName}: ${await page.locator('main').textContent()}`); });
    await Promise.race([ready(page), broken]);
    await audit(page, pageName);
    await shot(page, pageName, label);
  }

  // A cookie session's unsafe request needs its CSRF token: the API through the page's cookies.
  async function apiAs(page, method, path, data) {
    const cookies = await page.context().cookies();
    const csrf = (cookies.find((c) => c.name === 'ldn_csrf') || {}).value;
    const r = await page.request.fetch(`/api/v1${path}`, { method, headers: csrf ? { 'X-CSRF-Token': csrf } : {}, data });
    let json = null;
    try { json = await r.json(); } catch { /* not JSON */ }
    return { status: r.status(), json, response: r };
  }

  // Stops the server and starts it again on the same database. `at` (an ISO instant) runs the new
  // server on a test clock fixed at that time (LDN_NOW with --test-fixed-clock): weeks or months
  // of a patient's life pass between two steps of a spec. Pages opened before are of the old
  // server: open new ones. TOTP codes are then computed for the server's time.
  async function restart({ at } = {}) {
    const code = await stopServer();
    check(code === 0, `ldn serve stopped cleanly on SIGTERM before the restart (exit ${code})`);
    fixedClockMs = at ? Date.parse(at) : null;
    base = await startServer(at ? { env: { LDN_NOW: at }, serveArgs: ['--test-fixed-clock'] } : {});
    console.log(`[${name}] restarted: server ${base}${at ? `, its clock fixed at ${at}` : ''}`);
  }

  const t = { get base() { return base; }, shots, work, check, newPage, login, settle, audit, shot, visit, apiAs, heading,
    localDate, restart, serverLog: () => serverLog, serverOut: () => serverOut, browser, ldn };
  let exitCode = 1;
  try {
    await body(t);
    exitCode = failures.length ? 1 : 0;
  } catch (err) {
    failures.push(`exception: ${err.stack || err}`);
    console.error(err);
  } finally {
    await browser.close().catch(() => {});
    const code = await stopServer();
    check(code === 0, `ldn serve stopped cleanly on SIGTERM (exit ${code})`);
    if (code !== 0) exitCode = 1;
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(join(shots, `RESULT-${name}.txt`), `${checks} checks, ${failures.length} failed\n${failures.join('\n')}\n`);
  console.log(`\n[${name}] ${checks} checks, ${failures.length} failed`);
  if (failures.length) {
    console.log(failures.map((f) => `  - ${f}`).join('\n'));
    console.log(`server log (tail):\n${serverLog.slice(-3000)}`);
  }
  process.exit(exitCode);
}

// Opens "More about today" on a diary page (the items past the core, side effects, medicines and
// the note; issue 15, item 1) as a patient would, with a tap on its summary; open already is left.
export async function openMoreAboutToday(page) {
  const more = page.locator('details.more-today');
  if (!(await more.evaluate((d) => d.open))) await more.locator('> summary').click();
}

export const heading = (text) => async (page) => { await page.getByRole('heading', { level: 1, name: text }).waitFor(); };

// Today's date (plus offsetDays) in the time zone `tz`, as YYYY-MM-DD.
export function localDate(tz, offsetDays = 0) {
  const d = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const t = Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10), 12) + offsetDays * 86400000;
  return new Date(t).toISOString().slice(0, 10);
}
