import { runSpec, PHONE_390, DESKTOP, LOGINS } from '../harness.mjs';

// Languages and locales (issue 15, item 6): the patient's app in Danish and Norwegian Bokmål, at
// 390×844 and 1280×900, light and dark. On every page: no catalog key is missing, no English
// sentence is left outside an element marked lang="en" (an instrument without a validated
// translation, a source citation) or written by a person (data-free-text), the dates are the
// locale's and decimals have a comma; axe-core finds no serious or critical issue. The browser's
// language picks the app's; the Account page changes it, and the login page is translated too.
const LANGS = {
  da: {
    locale: 'da-DK', login: ['Brugernavn', 'Adgangskode', 'Log ind'], logout: /Log ud/,
    today: 'I dag', progress: 'Udvikling', months: /\b(jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)\.?/i,
    problem: 'Jeg fik brystsmerter i aftes efter min dosis', emergency: 'Ring 112 nu', wrote: 'Du skrev: "brystsmerter"',
    weekdays: /\b(man|tirs|ons|tors|fre|lør|søn)\.? \d{1,2}\. (jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)/i,
  },
  nb: {
    locale: 'nb-NO', login: ['Brukernavn', 'Passord', 'Logg inn'], logout: /Logg ut/,
    today: 'I dag', progress: 'Utvikling', months: /\b(jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|nov|des)\.?/i,
    problem: 'Jeg har hatt vondt i brystet siden i går kveld', emergency: 'Ring 113 nå', wrote: 'Du skrev: «vondt i brystet»',
    weekdays: /\b(man|tir|ons|tor|fre|lør|søn)\.? \d{1,2}\. (jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|nov|des)/i,
  },
};
const PAGES = ['#/today', '#/history', '#/plan', '#/progress', '#/questionnaires', '#/messages', '#/account', '#/evidence'];

// English sentences left on the page: text nodes outside lang="en" and data-free-text elements
// with two or more English function words (Danish and Norwegian share none of these).
function englishLeft() {
  const words = /\b(the|your|you|with|this|that|are|was|were|have|has|which|when|before|after|about|from|will|would|should|there|what)\b/gi;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('[lang="en"], [data-free-text], script, style, noscript, [hidden], template')) continue;
    if (!el.getClientRects().length && !el.closest('details')) continue;
    const text = n.textContent.trim();
    const hits = text.match(words) || [];
    if (hits.length >= 2) out.push(text.slice(0, 120));
  }
  return out;
}

runSpec('locales', async (t) => {
  const { check, newPage, audit, shot } = t;
  const [user, pass] = LOGINS.patient;

  // Each language at both sizes; the schemes alternate so that every size meets every scheme once
  // across the two languages (the text checks depend on the language, the contrast audit on the
  // scheme; every page of both schemes is audited in each language). All four combinations for
  // each language took twice as long for no check of its own.
  const COMBOS = {
    da: [[PHONE_390, 'phone-390', 'light'], [DESKTOP, 'desktop', 'dark']],
    nb: [[PHONE_390, 'phone-390', 'dark'], [DESKTOP, 'desktop', 'light']],
  };
  for (const [code, L] of Object.entries(LANGS)) {
    for (const [viewport, label, scheme] of COMBOS[code]) {
      {
        const { context, page } = await newPage(viewport, { locale: L.locale, colorScheme: scheme });
        const tag = `${code}-${label}-${scheme}`;
        // The login page in the browser's language.
        await page.goto('/#/login');
        await page.getByRole('heading', { level: 1, name: L.login[2] }).waitFor();
        check(await page.evaluate(() => document.documentElement.lang) === code, `${tag}: <html lang="${code}"> from the browser's language`);
        await audit(page, `locale-${code}-login-${scheme}`);
        await shot(page, `locale-${code}-login`, `${label}-${scheme}`);
        await page.getByLabel(L.login[0]).fill(user);
        await page.getByLabel(L.login[1]).fill(pass);
        await page.getByRole('button', { name: L.login[2] }).click();
        await page.getByRole('button', { name: L.logout }).waitFor();
        for (const hash of PAGES) {
          await page.goto(`/${hash}`);
          await page.locator('main h1').first().waitFor();
          const name = `locale-${code}-${hash.slice(2)}`;
          await audit(page, `${name}-${scheme}`);
          const missing = await page.evaluate(() => [...(globalThis.ldnMissingKeys || [])]);
          check(missing.length === 0, `${tag} ${hash}: every text is in the ${code} catalog${missing.length ? `; missing: ${JSON.stringify(missing.slice(0, 8))}` : ''}`);
          const left = await page.evaluate(englishLeft);
          check(left.length === 0, `${tag} ${hash}: no English sentence left${left.length ? `: ${JSON.stringify(left.slice(0, 6))}` : ''}`);
          // The page's own text: not what is marked English (server texts without a translation yet).
          const text = await page.evaluate(() => {
            const copy = document.querySelector('main').cloneNode(true);
            for (const el of copy.querySelectorAll('[lang="en"]')) el.remove();
            return copy.textContent;
          });
          if (hash === '#/today') check(L.weekdays.test(text), `${tag}: Today's date is written in ${code} (${(text.match(L.weekdays) || ['none'])[0]})`);
          if (hash === '#/plan') {
            const dotted = text.match(/\b\d+\.\d+ ?(mg|mL)\b/g) || [];
            const comma = text.match(/\b\d+,\d+ ?(mg|mL)\b/g) || [];
            check(dotted.length === 0 && comma.length > 0, `${tag}: doses with a decimal comma (${comma.slice(0, 3).join(', ')}; with a point: ${dotted.length})`);
            // "Why this plan" is the server's explanation for the patient (for_patient), translated.
            const why = await page.locator('ul.why-plan > li').evaluateAll((lis) => lis.map((li) => ({ en: li.getAttribute('lang') === 'en', text: li.textContent })));
            const judge = why.find((w) => /\b8\b.*\b12\b/.test(w.text)) || { text: '' };
            check(why.length >= 3 && why.every((w) => !w.en) && L.months.test(judge.text) && !/\d{4}-\d{2}-\d{2}/.test(judge.text),
              `${tag}: "Why this plan" in ${code}, ${why.length} points, none in English; "${judge.text.slice(0, 160)}"`);
          }
          if (hash === '#/progress') {
            const ticks = (await page.locator('.uplot[data-x-ticks]').first().getAttribute('data-x-ticks')) || '';
            check(L.months.test(ticks) && !/\b\d{1,2}\/\d{1,2}\b/.test(ticks),
              `${tag}: the chart's date axis is in ${code} (${ticks.slice(0, 60)})`);
          }
          await shot(page, name, `${label}-${scheme}`);
        }
        if (label === 'phone-390') {
          // A worrying report written in the patient's language is caught, and the guidance is in
          // that language with that country's emergency number (data/red_flags.json).
          await page.goto('/#/problem');
          await page.locator('main h1').first().waitFor();
          await page.locator('main textarea').fill(L.problem);
          await page.locator('main input[type="radio"]').first().check();
          await page.locator('main button[type="submit"]').click();
          const card = page.locator('section.card.alert[role="alert"]');
          await card.locator('[data-guidance="emergency"] h3').waitFor();
          const title = await card.locator('[data-guidance="emergency"] h3').innerText();
          const reasons = await card.locator('ul').first().innerText();
          check(title === L.emergency && reasons.includes(L.wrote),
            `${tag}: "${L.problem}" is caught; the guidance says "${title}", the reason "${reasons.trim()}"`);
          const left = await page.evaluate(englishLeft);
          check(left.length === 0, `${tag} guidance: no English sentence left${left.length ? `: ${JSON.stringify(left.slice(0, 4))}` : ''}`);
          await audit(page, `locale-${code}-problem-guidance`);
          await shot(page, `locale-${code}-problem-guidance`, `${label}-${scheme}`);
        }
        await context.close();
      }
    }
  }

  // An English browser: the Account page changes the language on this device, at once and after a
  // reload; the menu follows.
  {
    const { context, page } = await newPage(PHONE_390, { locale: 'en-GB' });
    await page.goto('/#/login');
    // The login page's own picker: Danish before logging in, keeping the username typed.
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Language', { exact: true }).selectOption('da');
    await page.getByRole('heading', { level: 1, name: 'Log ind' }).waitFor();
    check(await page.getByLabel('Brugernavn').inputValue() === user, 'the login page changes to Danish and keeps the username typed');
    await page.getByLabel('Sprog', { exact: true }).selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(pass);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: /Log out/ }).waitFor();
    await page.goto('/#/account');
    await page.getByLabel('Language of this app on this device').selectOption('nb');
    await page.getByRole('heading', { name: 'Språk' }).waitFor();
    const tabs = await page.locator('#tabs').innerText();
    check(/I dag/.test(tabs) && /Utvikling/.test(tabs), `the tab bar follows the choice at once (${tabs.replace(/\s+/g, ' ')})`);
    await page.reload();
    await page.getByRole('heading', { name: 'Språk' }).waitFor();
    check(await page.evaluate(() => document.documentElement.lang) === 'nb', 'the choice is kept on this device after a reload');
    await page.getByLabel('Språket i appen på denne enheten').selectOption('en');
    await page.getByRole('heading', { name: 'Language' }).waitFor();
    check(await page.evaluate(() => document.documentElement.lang) === 'en', 'back to English');
    await context.close();
  }

  // A reminder pushed by the server (English, with its body before the values and the values:
  // server/push_reminders.h) is shown by the service worker in the app's language, the dose with a
  // decimal comma. Delivered through the DevTools protocol, as a push service would.
  {
    const { context, page } = await newPage(PHONE_390, { locale: 'nb-NO', serviceWorkers: 'allow' });
    await context.grantPermissions(['notifications']);
    await page.goto('/#/login');
    await page.getByLabel('Brukernavn').fill(user);
    await page.getByLabel('Passord').fill(pass);
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await page.getByRole('button', { name: /Logg ut/ }).waitFor();
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null);
    const cdp = await context.newCDPSession(page);
    const registration = new Promise((resolve) => cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      if (registrations.length) resolve(registrations[0].registrationId);
    }));
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registration;
    const shown = async (payload) => {
      await page.evaluate(async () => { for (const n of await (await navigator.serviceWorker.ready).getNotifications()) n.close(); });
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: t.base, registrationId, data: JSON.stringify(payload) });
      return page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready;
        for (let i = 0; i < 300; i += 1) {
          const [n] = await reg.getNotifications();
          if (n) return { title: n.title, body: n.body };
          await new Promise((r) => setTimeout(r, 100));
        }
        return { title: '(no notification shown)', body: '' };
      });
    };
    const dose = await shown({ kind: 'dose', title: 'Time for your bedtime dose', body: "Today's dose: 2.25 mg. Tap to note it in your diary.",
      body_key: "Today's dose: {mg} mg. Tap to note it in your diary.", vars: { mg: '2.25' }, url: '/#/today', tag: 'ldn-dose' });
    check(dose.title === 'Tid for dosen din ved leggetid' && dose.body === 'Dagens dose: 2,25 mg. Trykk for å notere den i dagboken din.',
      `a dose reminder is shown in Norwegian with a decimal comma (${dose.title} / ${dose.body})`);
    const due = await shown({ kind: 'questionnaire', title: 'A questionnaire is due', body: 'Your FIQR questionnaire is due. It takes a few minutes.',
      body_key: 'Your {title} is due. It takes a few minutes.', vars: { title: 'FIQR questionnaire' }, url: '/#/questionnaires', tag: 'ldn-questionnaire' });
    check(due.body === 'Ditt FIQR-spørreskjema venter på deg. Det tar noen minutter.', `a questionnaire reminder in Norwegian (${due.body})`);
    const unknown = await shown({ kind: 'new', title: 'Something new', body: 'A text no catalog has.', url: '/#/today', tag: 'ldn-new' });
    check(unknown.title === 'Something new' && unknown.body === 'A text no catalog has.', 'a text the catalog lacks is shown as the server wrote it');
    await context.close();
  }
}, {});
