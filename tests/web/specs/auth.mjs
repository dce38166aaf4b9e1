import { runSpec, PHONE, DESKTOP, LOGINS, heading, totpCode, totpStep, totpSecrets, nextTotpCode, noteTotpStepUsed } from '../harness.mjs';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

// Authentication in the web app (issue 17): two-step login set up at the first login with a QR
// code drawn in the browser, the second step at each login, a recovery code, a self-service and a
// forced password change, the admin's view of accounts (locked, two-step login) with an unlock,
// and the offline outbox bound to its user (cleared at logout, never sent under another user).
runSpec('auth', async (t) => {
  const { check, newPage, login, audit, shot, apiAs, work } = t;
  const require = createRequire(join(t.ldn, '..', '..', 'package.json'));
  let jsqrSource = null;
  try {
    jsqrSource = readFileSync(require.resolve('jsqr/dist/jsQR.js'), 'utf8');
  } catch {
    jsqrSource = readFileSync(join(process.cwd(), 'node_modules/jsqr/dist/jsQR.js'), 'utf8');
  }

  // 1. The demo clinician's first login: set up two-step login.
  {
    const { context, page } = await newPage(PHONE);
    const [user, pass] = LOGINS.clinician;
    await page.goto('/#/login');
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(pass);
    await page.getByRole('button', { name: 'Log in' }).click();
    await heading('Set up two-step login')(page);
    check(await page.getByRole('link', { name: 'Patients' }).count() === 0, 'while setting up, the menu offers nothing else');
    const blocked = await page.evaluate(async () => { const r = await fetch('/api/v1/patients'); await r.text(); return r.status; });
    check(blocked === 403, `the server refuses patient data until two-step login is set up (${blocked})`);
    await audit(page, 'totp-setup');
    await shot(page, 'totp-setup', 'phone');
    const secret = await page.locator('code.secret').getAttribute('data-secret');
    check(/^[A-Z2-7]{32}$/.test(secret), `the key is shown as text to type by hand (${secret.length} base32 characters)`);
    // The QR code, read back from the canvas with jsQR, is the otpauth:// URI of that key.
    await page.evaluate(jsqrSource);
    const decoded = await page.evaluate(() => {
      const c = document.querySelector('canvas.qr');
      const img = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      const r = window.jsQR(img.data, img.width, img.height);
      return r ? r.data : null;
    });
    check(decoded === `otpauth://totp/ldn:doc?secret=${secret}&issuer=ldn&algorithm=SHA1&digits=6&period=30`,
      `the QR code holds the otpauth URI of the key (${decoded})`);
    await page.getByLabel('The 6-digit code the app shows now').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-step login' }).click();
    await page.getByText(/does not match/).waitFor();
    check(true, 'a wrong first code is refused with an explanation');
    const step = totpStep();
    noteTotpStepUsed(user, step);
    totpSecrets.set(user, secret);
    await page.getByLabel('The 6-digit code the app shows now').fill(totpCode(secret, step));
    await page.getByRole('button', { name: 'Turn on two-step login' }).click();
    await heading('Two-step login is on')(page);
    const codes = await page.locator('ol.codes code').allTextContents();
    check(codes.length === 10 && codes.every((c) => /^[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}$/.test(c)),
      `ten recovery codes are shown once (${codes.length})`);
    await audit(page, 'recovery-codes');
    await shot(page, 'recovery-codes', 'phone');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('link', { name: 'Pat Demo' }).waitFor();
    check(true, 'after setting up, the clinician reaches the patient panel');
    await page.getByRole('button', { name: /Log out/ }).click();

    // 2. The next login asks for a code from the app.
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(pass);
    await page.getByRole('button', { name: 'Log in' }).click();
    const codeBox = page.getByLabel('6-digit code from your authenticator app');
    await codeBox.waitFor();
    await audit(page, 'login-second-step');
    await shot(page, 'login-second-step', 'phone');
    await codeBox.fill('123456');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(/code is wrong or was used already/).waitFor();
    check(true, 'a wrong code is refused');
    await codeBox.fill(await nextTotpCode(user));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: /Log out/ }).waitFor();
    check(true, 'the right code logs the clinician in');
    await page.getByRole('button', { name: /Log out/ }).click();

    // 3. A lost phone: a recovery code, once.
    const useRecovery = async (code) => {
      await page.getByLabel('Username').fill(user);
      await page.getByLabel('Password').fill(pass);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
      await page.getByLabel('Recovery code').fill(code);
      await page.getByRole('button', { name: 'Continue' }).click();
    };
    await useRecovery(codes[0].toUpperCase());
    await page.getByRole('button', { name: /Log out/ }).waitFor();
    check(true, 'a recovery code logs the clinician in');
    await page.goto('/#/account');
    await page.getByText('9 of 10 recovery codes left.').waitFor();
    check(true, 'the account page counts the recovery codes left (9 of 10)');
    await audit(page, 'account');
    await shot(page, 'account', 'phone');
    await page.getByRole('button', { name: /Log out/ }).click();
    await page.getByLabel('Username').waitFor();
    await page.goto('/#/login');
    await useRecovery(codes[0]);
    await page.getByText(/recovery code is wrong or was used already/).waitFor();
    check(true, 'the same recovery code does not work twice');
    await context.close();
  }

  // 4. The patient changes their password on the account page (desktop).
  {
    const { context, page } = await newPage(DESKTOP);
    await login(page, 'patient');
    await page.getByRole('link', { name: 'Account' }).click();
    await heading('Your account')(page);
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('a garden of quiet rain');
    await page.getByLabel('New password again').fill('a garden of quiet rain');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('the current password is wrong').waitFor();
    check(true, 'a wrong current password is refused');
    await page.getByLabel('Current password').fill(LOGINS.patient[1]);
    await page.getByLabel('New password', { exact: true }).fill('password2024!');
    await page.getByLabel('New password again').fill('password2024!');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/too common/).waitFor();
    check(true, 'a common password is refused with the reason');
    await shot(page, 'password-change-refused', 'desktop');
    await page.getByLabel('New password', { exact: true }).fill('a garden of quiet rain');
    await page.getByLabel('New password again').fill('a garden of quiet rain');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/Your password is changed/).waitFor();
    check(true, 'the patient changed their password');
    const ok = await page.request.post('/api/v1/session', { data: { username: 'pat', password: 'a garden of quiet rain' } });
    check(ok.status() === 201, `the new password works (${ok.status()})`);
    const old = await page.request.post('/api/v1/session', { data: { username: 'pat', password: LOGINS.patient[1] } });
    check(old.status() === 401, `the old one does not (${old.status()})`);
    // Back to the demo password for the other checks.
    await page.goto('/#/account');
    await page.getByLabel('Current password').fill('a garden of quiet rain');
    await page.getByLabel('New password', { exact: true }).fill(LOGINS.patient[1]);
    await page.getByLabel('New password again').fill(LOGINS.patient[1]);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/Your password is changed/).waitFor();
    await context.close();
  }

  // 5. An account the admin made: its owner must choose their own password at the first login.
  {
    const { context, page } = await newPage(DESKTOP);
    await login(page, 'admin');
    const made = await apiAs(page, 'POST', '/users', { username: 'robin', role: 'researcher', password: 'given by the admin' });
    check(made.status === 201 && made.json.must_change_password === true, `the admin creates an account (${made.status})`);
    const weak = await apiAs(page, 'POST', '/users', { username: 'kim', role: 'researcher', password: 'short' });
    check(weak.status === 400 && weak.json.error.field === 'password', 'the admin cannot set a short password either');
    // Lock the researcher account as 100 failures would (the throttle's row, written beside the
    // running server), then the admin sees it and unlocks it.
    execFileSync('python3', ['-c', `import sqlite3,time
c=sqlite3.connect(${JSON.stringify(join(work, 'web.db'))}, timeout=30)
t=int(time.time())
c.execute("INSERT INTO login_throttle VALUES ('acct:res', 100, ?, ?, ?, 1)", (t, t, t))
c.commit()`]);
    const locked = await page.request.post('/api/v1/session', { data: { username: LOGINS.researcher[0], password: LOGINS.researcher[1] } });
    check(locked.status() === 403, `a locked account is refused even with its password (${locked.status()})`);
    {
      // What the researcher sees at the login page meanwhile.
      const lockedPage = await newPage(PHONE);
      await lockedPage.page.goto('/#/login');
      await lockedPage.page.getByLabel('Username').fill(LOGINS.researcher[0]);
      await lockedPage.page.getByLabel('Password').fill(LOGINS.researcher[1]);
      await lockedPage.page.getByRole('button', { name: 'Log in' }).click();
      const alert = lockedPage.page.getByRole('alert').filter({ hasText: /locked/ });
      await alert.waitFor();
      const text = await alert.textContent();
      check(/locked after too many failed logins\. An administrator can unlock it\./.test(text),
        `the login page says the account is locked and who can unlock it ("${text}")`);
      await shot(lockedPage.page, 'login-locked', 'phone');
      await lockedPage.context.close();
    }
    await page.goto('/#/admin');
    await page.reload();  // the admin's page was drawn before the lock: read the accounts again
    await page.getByRole('button', { name: 'Unlock res' }).waitFor();
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent)));
    const row = (name) => rows.find((r) => r[0] === name) || [];
    check(row('robin')[2] === 'active, must choose a new password', `the admin sees that robin must choose a password (${row('robin')})`);
    check(row('doc')[3] === 'on' && row('pat')[3] === 'off', `the admin sees two-step login on for doc, off for pat (${row('doc')[3]}, ${row('pat')[3]})`);
    check(row('res')[2] === 'locked (too many failed logins)', `the admin sees res locked (${row('res')[2]})`);
    await audit(page, 'admin-users');
    await shot(page, 'admin-users-locked', 'desktop');
    await page.getByRole('button', { name: 'Unlock res' }).click();
    await page.getByText('res is unlocked and can log in again.').waitFor();
    const unlocked = await page.request.post('/api/v1/session', { data: { username: LOGINS.researcher[0], password: LOGINS.researcher[1] } });
    check(unlocked.status() === 201, `after the unlock the researcher logs in (${unlocked.status()})`);
    await context.close();

    const second = await newPage(PHONE);
    const p2 = second.page;
    await p2.goto('/#/login');
    await p2.getByLabel('Username').fill('robin');
    await p2.getByLabel('Password').fill('given by the admin');
    await p2.getByRole('button', { name: 'Log in' }).click();
    await heading('Choose your password')(p2);
    await audit(p2, 'forced-password-change');
    await shot(p2, 'forced-password-change', 'phone');
    await p2.getByLabel('Password you were given').fill('given by the admin');
    await p2.getByLabel('New password', { exact: true }).fill('a walk through the old town');
    await p2.getByLabel('New password again').fill('a walk through the old town');
    await p2.getByRole('button', { name: 'Change password' }).click();
    await heading('Pooled outcomes')(p2);
    check(true, 'after choosing a password the researcher reaches their page');
    await second.context.close();
  }

  // 6. Mistyped passwords slow down the next try, and the right password then still works
  // (issue 17, M1: failures never lock a user out; the progressive delay of login_throttle.h).
  {
    const { context, page } = await newPage(PHONE);
    const [user, pass] = LOGINS.pharmacist;
    await page.goto('/#/login');
    const messages = [];
    let throttled = null;
    for (let attempt = 1; attempt <= 9 && !throttled; attempt++) {
      await page.getByLabel('Username').fill(user);
      await page.getByLabel('Password').fill(`not it ${attempt}`);
      await page.getByRole('button', { name: 'Log in' }).click();
      const alert = page.getByRole('alert').filter({ hasText: /./ });
      await alert.waitFor();
      const text = await alert.textContent();
      messages.push(text);
      const m = /too many failed logins; wait (\d+) seconds? before the next try/.exec(text);
      if (m) throttled = { attempt, seconds: Number(m[1]) };
      else await page.evaluate(() => { document.querySelector('p.error').textContent = ''; });
    }
    check(messages.slice(0, 5).every((m) => m === 'Wrong username or password.'),
      `the first 5 wrong passwords are answered "Wrong username or password." (${messages.slice(0, 5).join(' | ')})`);
    check(throttled !== null && throttled.attempt >= 6,
      `then the page asks to wait before the next try (attempt ${throttled && throttled.attempt}: "${messages[messages.length - 1]}")`);
    await audit(page, 'login-throttled');
    await shot(page, 'login-throttled', 'phone');
    // After the wait the right password logs the pharmacist in (set-up of two-step login first).
    await page.waitForTimeout((throttled.seconds + 1) * 1000);
    await login(page, 'pharmacist');
    check(true, `after waiting ${throttled.seconds} s the pharmacist logs in with the right password`);
    await context.close();
  }

  // 7. The offline outbox belongs to its user (issue 17, M9).
  {
    const { context, page } = await newPage(PHONE);
    await login(page, 'patient');
    const date = t.localDate('Europe/Oslo', -4);
    const puts = [];
    // Diary writes the server accepted (a write tried without a session is refused with 401 and
    // stays queued; it is not sent under anyone's session).
    page.on('response', (res) => { if (res.request().method() === 'PUT' && res.url().includes('/diary/') && res.status() < 400) puts.push(res.url()); });
    await page.goto(`/#/day/${date}`);
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await context.setOffline(true);
    await page.locator('fieldset[data-scale="pain"] label', { hasText: /^7$/ }).click();
    await page.getByRole('button', { name: /Save/ }).click();
    await page.getByText(/Saved on this device/).first().waitFor();
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('ldn.outbox.v2') || '[]'));
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json()).catch(() => null);
    check(queued.length >= 1 && queued.every((w) => typeof w.user_id === 'number'), `queued writes carry their user (${queued.length})`);
    // Logging out with unsent entries warns; confirming deletes them from the device.
    await page.getByRole('button', { name: /Log out/ }).click();
    await heading('Entries not sent yet')(page);
    await audit(page, 'logout-unsent');
    await shot(page, 'logout-unsent', 'phone');
    await page.getByRole('button', { name: 'Stay logged in' }).click();
    await page.getByRole('button', { name: /Log out/ }).click();
    await page.getByRole('button', { name: 'Log out and delete them' }).click();
    await page.getByLabel('Username').waitFor();
    const left = await page.evaluate(() => localStorage.getItem('ldn.outbox.v2'));
    check(left === null, `nothing of the patient's is left in localStorage after logout (${left})`);
    await context.setOffline(false);
    check(puts.length === 0, 'the deleted entry was never sent');
    void me;

    // An entry queued by the patient whose session then ends (no logout) is not sent when the
    // clinician logs in on the same browser: it is deleted unsent.
    await login(page, 'patient');
    await page.goto(`/#/day/${date}`);
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await context.setOffline(true);
    await page.locator('fieldset[data-scale="pain"] label', { hasText: /^6$/ }).click();
    await page.getByRole('button', { name: /Save/ }).click();
    await page.getByText(/Saved on this device/).first().waitFor();
    await context.clearCookies();
    await context.setOffline(false);
    await page.goto('/#/login');
    await login(page, 'clinician');
    await page.getByText(/unsent entr(y|ies) of another user (was|were) deleted/).waitFor();
    await page.waitForLoadState('networkidle');
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem('ldn.outbox.v2') || '[]'));
    check(after.length === 0, `the patient's entry is gone from the device (${after.length} left)`);
    check(puts.length === 0, `it was never sent under the clinician's session (${puts.length} PUTs)`);
    await context.close();
  }
});
