// The service worker of the installable app (issue 15, item 3; docs/web.md, "Installable and
// offline"). It lets the app start with no network and show the patient's own plan:
// - the app shell (this list) is stored at install; every page and file is fetched from the network
//   first and the stored copy is used only when there is no connection, so a new version is used as
//   soon as it is deployed and reached;
// - GET requests of the API pass through; those the page marks with X-Offline-Cache (the patient's
//   own plan, diary and questionnaires: web/js/api.js) are stored in DATA_CACHE, and any stored
//   answer is used when the network fails. The page deletes DATA_CACHE at logout and when another
//   user logs in (web/js/app.js), so one person's health data is never shown to the next;
// - writes are never touched: an entry made offline waits in the page's outbox (web/js/offline.js)
//   and is sent once, with its client_id, when the connection is back.
// A new version of this file installs beside the running one and waits; the page offers "Reload"
// and sends 'skip-waiting' (web/js/app.js), then reloads under the new version.
const VERSION = '2026-12-07.10';
const SHELL_CACHE = `ldn-shell-${VERSION}`;
const DATA_CACHE = 'ldn-data-v1';
const SHELL = [
  './',
  'index.html',
  'app.css',
  'favicon.svg',
  'manifest.webmanifest',
  'icons/icon-192.png',
  'icons/icon-512.png',
  // The patient's pages and every module they import (tests/web/specs/offline_app.mjs checks the closure).
  'js/app.js',
  'js/dom.js',
  'js/api.js',
  'js/offline.js',
  'js/patient.js',
  'js/time.js',
  'js/kb.js',
  'js/clinical.js',
  'js/safety.js',
  'js/items.js',
  'js/problem.js',
  'js/messages.js',
  'js/progress.js',
  'js/evidence.js',
  'js/account.js',
  'js/download.js',
  'js/theme.js',
  'js/calendar.js',
  'js/diary_settings.js',
  'js/share.js',
  'js/push.js',
  'js/i18n.js',
  'js/language.js',
  // The message catalogs (issue 15, item 6): all three, so that the language can change offline.
  'locales/en.json',
  'locales/da.json',
  'locales/nb.json',
  'vendor/qrcode.mjs',
  'vendor/uPlot.esm.js',
  'vendor/uPlot.min.css',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('ldn-shell-') && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

async function shellFirstFromNetwork(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (err) {
    // A navigation (any URL of the app) is answered with the shell's page.
    const stored = await cache.match(request, { ignoreSearch: true })
      || (request.mode === 'navigate' ? await cache.match('index.html') : undefined);
    if (stored) return stored;
    throw err;
  }
}

async function apiFromNetworkElseStored(request) {
  const keep = request.headers.get('X-Offline-Cache') === '1';
  try {
    const response = await fetch(request);
    if (keep && response.ok) {
      const cache = await caches.open(DATA_CACHE);
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (err) {
    const stored = await (await caches.open(DATA_CACHE)).match(request.url);
    if (stored) {
      // Said to the page, which tells the patient the answer is the one stored on the device.
      const headers = new Headers(stored.headers);
      headers.set('X-Offline-Copy', '1');
      return new Response(await stored.blob(), { status: stored.status, headers });
    }
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    event.respondWith(apiFromNetworkElseStored(request));
    return;
  }
  event.respondWith(shellFirstFromNetwork(request));
});

// Web Push (issue 15, item 2b): the server's reminder, decrypted by the browser, shown as a
// notification ({"kind", "title", "body", "url", "tag"}: server/push_reminders.h). Tapping it
// opens the app at its page, in a window already open when there is one.
//
// The server writes English; the notification is shown in the app's language (issue 15, item 6):
// the app keeps its language in the cache 'ldn-settings' (web/js/i18n.js), and the title, the body
// before its values (body_key) and a questionnaire's name are looked up in that language's message
// catalog (kept in the shell cache). Anything not found stays English. The texts the server sends
// (server/push_reminders.cpp; its test checks they are catalog keys):
const N_ = (key) => key;
const PUSH_TEXTS = [
  N_('Your plan changed'),
  N_('Your clinician changed your plan. Open the app to see what is new.'),
  N_('Time for your bedtime dose'),
  N_('Time for your dose'),
  N_('Today\'s dose: {mg} mg. Tap to note it in your diary.'),
  N_('A questionnaire is due'),
  N_('Your {title} is due. It takes a few minutes.'),
  N_('FIQR questionnaire'),
  N_('PGIC question'),
  N_('Your diary'),
  N_('How was today? Thirty seconds in your diary.'),
  N_('Reminders are on'),
  N_('This device will remind you of your dose, your diary and questionnaires.'),
  N_('New pack from tonight'),
  N_('From tonight, take your capsules from pack {pack}.'),
];
const LOCALES = {
  da: 'da-DK',
  nb: 'nb-NO'
};

async function inAppLanguage(message) {
  try {
    const settings = await caches.open('ldn-settings');
    const stored = await settings.match(new URL('settings/lang', self.registration.scope).href);
    const lang = stored ? (await stored.text()).trim() : 'en';
    if (!(lang in LOCALES)) return message;
    const url = new URL(`locales/${lang}.json`, self.registration.scope).href;
    const response = (await caches.match(url)) || (await fetch(url));
    const catalog = await response.json();
    const text = (key) => (typeof catalog[key] === 'string' ? catalog[key] : null);
    const vars = {...(message.vars || {})};
    if (typeof vars.mg === 'string' && Number.isFinite(Number(vars.mg)))
      vars.mg = new Intl.NumberFormat(LOCALES[lang], {maximumFractionDigits: 3}).format(Number(vars.mg));
    if (typeof vars.title === 'string') vars.title = text(vars.title) || vars.title;
    const body = text(message.body_key);
    return {
      ...message,
      title: text(message.title) || message.title,
      body: body ? body.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole)) :
                   message.body,
    };
  } catch {
    return message;
  }
}

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = {body: event.data ? event.data.text() : ''};
  }
  event.waitUntil((async () => {
    const shown = await inAppLanguage(message);
    await self.registration.showNotification(shown.title || 'Reminder', {
      body: shown.body || '',
      tag: message.tag || 'ldn',
      icon: 'icons/icon-192.png',
      badge: 'icons/icon-192.png',
      data: {url: typeof message.url === 'string' && message.url.startsWith('/') ? message.url : '/#/today'},
    });
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data && event.notification.data.url || '/#/today', self.location.origin);
  event.waitUntil((async () => {
    for (const client of await self.clients.matchAll({type: 'window', includeUncontrolled: true})) {
      if (new URL(client.url).origin === target.origin && 'focus' in client) {
        await client.navigate(target.href).catch(() => null);
        return client.focus();
      }
    }
    return self.clients.openWindow(target.href);
  })());
});
