import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec, PHONE_390, DESKTOP, LOGINS } from '../harness.mjs';
import { startPushService, waitFor } from '../push_service.mjs';

// What each item of issue 15 does, done in Danish and in Norwegian Bokmål (the spec `locales`
// visits every page; this one uses them): an entry saved with the network cut reaches the server
// exactly once; a calendar link is made, read without a login with its events in the language,
// and stopped (404); reminders are
// turned on, a test reminder reaches a local push service (tests/web/push_service.mjs) and they are
// turned off; a link to the report is made, opened without a login, its report and one-page summary
// in the language (poppler's pdftotext reads them), and stopped (404); the one-page summary
// downloads in the language; the diary downloads as CSV. At each step: no catalog key missing, no English sentence outside what is
// marked lang="en", axe clean. A dose ten times the plan is refused by the server in the language. Danish at 390×844 in the light theme, Norwegian at 1280×900 in the
// dark one (the spec `locales` covers both sizes and themes of every page in both languages).
const LANGS = {
  da: {
    locale: 'da-DK', viewport: PHONE_390, size: 'phone-390', scheme: 'light', login: ['Brugernavn', 'Adgangskode', 'Log ind'],
    logout: /Log ud/, offline: /Du er offline/, save: /^Gem/, sentOffline: /Gemt på denne enhed/, online: /Online igen/,
    sent: 'Sendt: enheden viser den om et øjeblik.', dose: /SUMMARY:LDN [\d\\,]+ mg ved sengetid/, diary: 'SUMMARY:LDN-dagbog: hvordan var i dag?', months: /\b(jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)/i,
    report: ['LDN-effektrapport', 'VURDERING', 'Smerte, dosis og bivirkninger dag for dag', 'Side 1 af'],
    yes: /^Ja$/, amount: 'Mængde (mg)', refused: /45 mg blev ikke gemt: det er 10 gange de planlagte 4,5 mg.*; ldn tager højst imod [\d,]+ mg den dag\..*\(Din plan er 4,5 mg den \d+\. [a-zæøå]+ \d{4}\.\)/,
    wrongPassword: 'Den nuværende adgangskode er forkert.',
  },
  nb: {
    locale: 'nb-NO', viewport: DESKTOP, size: 'desktop', scheme: 'dark', login: ['Brukernavn', 'Passord', 'Logg inn'],
    logout: /Logg ut/, offline: /Du er frakoblet/, save: /^Lagre/, sentOffline: /Lagret på denne enheten/, online: /Tilkoblet igjen/,
    sent: 'Sendt: enheten viser den om et øyeblikk.', dose: /SUMMARY:LDN [\d\\,]+ mg ved leggetid/, diary: 'SUMMARY:LDN-dagbok: hvordan var dagen i dag?', months: /\b(jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|nov|des)/i,
    report: ['LDN-effektrapport', 'VURDERING', 'Smerte, dose og bivirkninger dag for dag', 'Side 1 av'],
    yes: /^Ja$/, amount: 'Mengde (mg)', refused: /45 mg ble ikke lagret: det er 10 ganger de planlagte 4,5 mg.*; ldn tar høyst imot [\d,]+ mg den dagen\..*\(Planen din er 4,5 mg den \d+\. [a-zæøå]+ \d{4}\.\)/,
    wrongPassword: 'Det nåværende passordet er feil.',
  },
};

// The text of a PDF (poppler's pdftotext), whitespace collapsed.
function pdfText(bytes, file) {
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString().replace(/\s+/g, ' ');
}

// The report's texts in the language, and none of its English headings.
function reportInLanguage(text, L) {
  const missing = L.report.filter((s) => !text.includes(s));
  const english = ['VERDICT', 'Pain change', 'Page 1 of', 'What this before/after'].filter((s) => text.includes(s));
  return {ok: missing.length === 0 && english.length === 0, why: `missing ${JSON.stringify(missing)}, English ${JSON.stringify(english)}`};
}

// English sentences left inside `root` (as the spec `locales` counts them): text outside lang="en"
// and data-free-text with two or more English function words.
function englishLeft(selector) {
  const words = /\b(the|your|you|with|this|that|are|was|were|have|has|which|when|before|after|about|from|will|would|should|there|what)\b/gi;
  const out = [];
  const root = document.querySelector(selector);
  if (!root) return [`(${selector} not on the page)`];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('[lang="en"], [data-free-text], script, style, [hidden]')) continue;
    const text = n.textContent.trim();
    if ((text.match(words) || []).length >= 2) out.push(text.slice(0, 120));
  }
  return out;
}

const push = await startPushService();

runSpec('locales_items', async (t) => {
  const { check, newPage, audit, shot, apiAs, localDate } = t;
  const [user, pass] = LOGINS.patient;

  for (const [code, L] of Object.entries(LANGS)) {
    const tag = `${code}-${L.size}-${L.scheme}`;
    const { context, page } = await newPage(L.viewport,
      { locale: L.locale, colorScheme: L.scheme, serviceWorkers: 'allow', acceptDownloads: true });
    await context.grantPermissions(['notifications']);
    // In the language throughout: the catalog has every text asked for, and no English is left in `selector`.
    const inLanguage = async (selector, what) => {
      const missing = await page.evaluate(() => [...(globalThis.ldnMissingKeys || [])]);
      const left = await page.evaluate(englishLeft, selector);
      check(missing.length === 0 && left.length === 0,
        `${tag} ${what}: in ${code}${missing.length ? `; missing: ${JSON.stringify(missing.slice(0, 5))}` : ''}${left.length ? `; English left: ${JSON.stringify(left.slice(0, 4))}` : ''}`);
    };
    await page.goto('/#/login');
    await page.getByLabel(L.login[0]).fill(user);
    await page.getByLabel(L.login[1]).fill(pass);
    await page.getByRole('button', { name: L.login[2] }).click();
    await page.getByRole('button', { name: L.logout }).waitFor();

    // ---- Item 3: saved with the network cut, sent once on reconnecting ----
    await page.goto('/#/today');
    await page.locator('main h1').first().waitFor();
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null);
    await page.reload();
    await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    await context.setOffline(true);
    await page.reload();
    await page.getByText(L.offline).first().waitFor();
    const today = localDate('Europe/Oslo');
    await page.locator('fieldset[data-scale="pain"] label', { hasText: /^3$/ }).click();
    await page.locator('fieldset[data-scale="fatigue"] label', { hasText: /^4$/ }).click();
    await page.getByRole('button', { name: L.save }).first().click();
    await page.getByText(L.sentOffline).first().waitFor();
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('ldn.outbox.v2') || '[]'));
    const write = queued.find((w) => w.method === 'PUT' && w.path.endsWith(`/diary/${today}`));
    check(!!write, `${tag}: with the network cut the entry waits on the device (${queued.length} queued)`);
    await inLanguage('main', 'Today, offline, after saving');
    await audit(page, `locale-items-${code}-offline-saved`);
    await shot(page, `locale-items-${code}-offline-saved`, `${L.size}-${L.scheme}`);
    await context.setOffline(false);
    await page.getByText(L.online).first().waitFor();
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('ldn.outbox.v2') || '[]').length === 0);
    await inLanguage('body', 'Today, back online');
    const revisions = (await apiAs(page, 'GET', `/patients/1/diary/${today}/revisions`)).json.revisions || [];
    const mine = revisions.filter((r) => r.client_id === (write && write.body.client_id));
    check(mine.length === 1, `${tag}: after reconnecting the entry reached the server exactly once (${mine.length} revision)`);

    // ---- A dose ten times the plan (a "4,5" typed as 45): the server refuses it and says why, in
    // the patient's language (its key and values, web/js/api.js) ----
    await page.goto('/#/today');
    await page.locator('fieldset[data-scale="pain"]').waitFor();
    await page.locator('.dose-q label', { hasText: L.yes }).click();
    await page.getByLabel(L.amount).fill('45');
    await page.getByRole('button', { name: L.save }).first().click();
    const refusal = page.locator('div.confirm p.error');
    await refusal.waitFor();
    const refusalText = await refusal.innerText();
    check(L.refused.test(refusalText), `${tag}: a 10× dose is refused in ${code} ("${refusalText.slice(0, 150)}…")`);
    await inLanguage('main', 'a 10× dose refused');
    await shot(page, `locale-items-${code}-dose-refused`, `${L.size}-${L.scheme}`);

    // ---- Item 2a: the calendar link ----
    await page.goto('/#/account');
    const calendar = page.locator('#calendar-card');
    await calendar.locator('#calendar-make').click();
    await calendar.locator('#calendar-subscribe').waitFor();
    const feedUrl = await calendar.locator('#calendar-url').inputValue();
    const feed = await fetch(feedUrl);
    const ics = await feed.text();
    check(feed.status === 200 && /^text\/calendar/.test(feed.headers.get('content-type')) && /BEGIN:VALARM/.test(ics),
      `${tag}: the calendar link is made and read without a login (${feed.status}, ${(ics.match(/BEGIN:VEVENT/g) || []).length} events)`);
    // The feed is written in the language the link was made in (src/server/catalogs.h).
    check(feedUrl.endsWith(`.ics?lang=${code}`) && L.dose.test(ics) && ics.includes(L.diary) && !/at bedtime|is due|Open ldn/.test(ics),
      `${tag}: the calendar's own texts are in ${code} (${(ics.match(L.dose) || ['no dose event'])[0]})`);
    await inLanguage('#calendar-card', 'calendar link made');
    await shot(page, `locale-items-${code}-calendar`, `${L.size}-${L.scheme}`);
    await calendar.locator('#calendar-stop').click();
    await calendar.locator('#calendar-make').waitFor();
    check((await fetch(feedUrl)).status === 404, `${tag}: the stopped calendar link answers 404`);
    await inLanguage('#calendar-card', 'calendar link stopped');

    // ---- Item 2b: reminders on this device ----
    const pushCard = page.locator('#push-card');
    await pushCard.locator('#push-on').click();
    // This headless browser has no push service of its own: the card says so, in the language.
    const outcome = await waitFor(async () => {
      const text = ((await pushCard.locator('.error, .ok-text').allInnerTexts()).join(' ')).trim();
      return text || null;
    }, 60_000);
    check(!!outcome, `${tag}: turning on says what happened ("${outcome}")`);
    await inLanguage('#push-card', 'turning reminders on');
    const made = await apiAs(page, 'POST', '/patients/1/push-subscriptions', push.subscription);
    check(made.status === 201, `${tag}: the device's subscription is stored (${made.status})`);
    await page.reload();
    await pushCard.locator('li.push-device button').first().click();
    await pushCard.getByText(L.sent).waitFor();
    const tests = await waitFor(async () => {
      const list = (await push.messages()).filter((m) => m.payload && m.payload.kind === 'test');
      return list.length >= (code === 'da' ? 1 : 2) ? list : null;
    });
    const last = tests && tests[tests.length - 1];
    check(!!last && last.ok && last.payload.body_key, `${tag}: the test reminder reached the push service and was decrypted (${last && last.payload.body_key})`);
    await inLanguage('#push-card', 'test reminder sent');
    await audit(page, `locale-items-${code}-account`);
    await shot(page, `locale-items-${code}-push`, `${L.size}-${L.scheme}`);
    await pushCard.locator('li.push-device button').nth(1).click();
    await pushCard.locator('.ok-text').waitFor();
    const subs = (await apiAs(page, 'GET', '/patients/1/push-subscriptions')).json.subscriptions;
    check(subs.every((s) => !s.live), `${tag}: reminders are turned off (${subs.filter((s) => s.live).length} live)`);
    await inLanguage('#push-card', 'reminders turned off');

    // ---- Item 4: a link to the report, and the diary as a file ----
    await page.goto('/#/progress');
    const share = page.locator('#share-card');
    await share.locator('input[type="radio"]').first().check({ force: true });  // its label covers it
    await share.locator('button.primary').click();
    await share.locator('#share-url').waitFor();
    const shareUrl = await share.locator('#share-url').inputValue();
    const pdf = await fetch(shareUrl);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    check(pdf.status === 200 && bytes.subarray(0, 5).toString() === '%PDF-', `${tag}: the link opens the report without a login (${pdf.status}, ${bytes.length} bytes)`);
    const shared = reportInLanguage(pdfText(bytes, join(t.work, `${code}-shared.pdf`)), L);
    check(shared.ok && shareUrl.endsWith(`?lang=${code}`), `${tag}: the shared report is in ${code} (${shareUrl.replace(/.*\//, '…/')}; ${shared.why})`);
    const summaryUrl = await share.locator('#share-summary-url').inputValue();
    const summary = await fetch(summaryUrl);
    const summaryText = pdfText(Buffer.from(await summary.arrayBuffer()), join(t.work, `${code}-shared-summary.pdf`));
    const sharedSummary = reportInLanguage(summaryText, L);
    check(summary.status === 200 && sharedSummary.ok && summaryText.includes(L.report[3] + ' 1'),
          `${tag}: the shared one-page summary is in ${code} and one page (${sharedSummary.why})`);
    const until = await share.locator('.ok-text').innerText();
    check(L.months.test(until) && !/\d{4}-\d{2}-\d{2}/.test(until), `${tag}: it says until when in ${code} ("${until}")`);
    await inLanguage('#share-card', 'share link made');
    await shot(page, `locale-items-${code}-share`, `${L.size}-${L.scheme}`);
    await share.locator('li.record button').first().click();
    await share.getByText(/^Stoppet\./).waitFor();
    check((await fetch(shareUrl)).status === 404, `${tag}: the stopped link answers 404`);
    await inLanguage('#share-card', 'share link stopped');
    const [own] = await Promise.all([page.waitForEvent('download'), page.locator(`a[href$="report.pdf?scope=summary&lang=${code}"]`).click()]);
    const ownPath = join(t.work, `${code}-${own.suggestedFilename()}`);
    await own.saveAs(ownPath);
    const ownSummary = reportInLanguage(pdfText(readFileSync(ownPath), ownPath), L);
    check(ownSummary.ok, `${tag}: the patient's own one-page summary downloads in ${code} (${own.suggestedFilename()}; ${ownSummary.why})`);
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('a[href$="export?format=csv"]').click()]);
    const csvPath = join(t.work, `${code}-${file.suggestedFilename()}`);
    await file.saveAs(csvPath);
    const header = readFileSync(csvPath, 'utf8').split('\n').find((l) => l.startsWith('date,')) || '';
    check(header.includes('pain'), `${tag}: the diary downloads as CSV (${file.suggestedFilename()})`);
    await audit(page, `locale-items-${code}-progress`);
    // ---- A refusal of the account page (the server's words, src/server/api_account.cpp): in the language.
    await page.goto('/#/account');
    await page.locator('#current-password').fill('not my password at all');
    await page.locator('#new-password').fill('a new and long passphrase');
    await page.locator('#new-password-again').fill('a new and long passphrase');
    await page.locator('form:has(#current-password) button[type="submit"]').click();
    const wrong = page.locator('form:has(#current-password) p.error');
    await wrong.filter({ hasText: /\S/ }).waitFor();
    check((await wrong.innerText()) === L.wrongPassword, `${tag}: a wrong current password is said in ${code} ("${await wrong.innerText()}")`);
    check(page.errors.length === 0, `${tag}: no page errors (${page.errors.join('; ')})`);
    await context.close();
  }
}, { serveArgs: ['--push-origin', push.origin, '--push-check-seconds', '60'] });
