// The app shell: session, navigation by role, hash routes, the status line and the offline outbox.
// Views live in one module per role and are loaded when first needed (the patient's diary page
// loads no chart code).
import {api, ApiError, get, keepReadsForOffline, onStoredCopy} from './api.js';
import {h, mount} from './dom.js';
import {loadLanguage, N_, t} from './i18n.js';
import {languageSelect} from './language.js';
import * as outbox from './offline.js';
import {applyStoredTheme} from './theme.js';

applyStoredTheme();

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const tabs = document.getElementById('tabs');
const statusEl = document.getElementById('status');

export const session = { me: null, patient: null };

const NAV = {
  patient: [
    ['#/today', N_('Today')], ['#/history', N_('Past days')], ['#/plan', N_('My plan')], ['#/progress', N_('Progress')],
    ['#/questionnaires', N_('Questionnaires')], ['#/messages', N_('Messages')], ['#/evidence', N_('Evidence')],
    ['#/account', N_('Account')]
  ],
  clinician: [
    ['#/panel', N_('Patients')], ['#/inbox', N_('Inbox')], ['#/evidence', N_('Evidence')], ['#/account', N_('Account')]
  ],
  pharmacist: [
    ['#/rx', N_('Prescriptions')], ['#/batches', N_('Batches')], ['#/kits', N_('Kits')], ['#/trials', N_('Trials')],
    ['#/lots', N_('Stock')], ['#/evidence', N_('Evidence')], ['#/account', N_('Account')]
  ],
  researcher: [['#/research', N_('Research')], ['#/evidence', N_('Evidence')], ['#/account', N_('Account')]],
  admin: [['#/admin', N_('Users')], ['#/evidence', N_('Evidence')], ['#/account', N_('Account')]],
};
const HOME = { patient: '#/today', clinician: '#/panel', pharmacist: '#/rx', researcher: '#/research', admin: '#/admin' };

// [pattern, module, export]; the module is imported on first use.
const ROUTES = [
  [/^#\/today$/, './patient.js', 'today'], [/^#\/day\/(\d{4}-\d{2}-\d{2})$/, './patient.js', 'day'],
  [/^#\/history$/, './patient.js', 'history'], [/^#\/plan$/, './patient.js', 'plan'],
  [/^#\/progress$/, './patient.js', 'progress'], [/^#\/questionnaires$/, './patient.js', 'questionnaires'],
  [/^#\/problem$/, './problem.js', 'reportProblem'],  // issue 12: a problem reported between diary days
  [/^#\/panel(?:\?(.*))?$/, './panel.js', 'panel'],   // issue 13: the query is the panel's state
  [/^#\/patient\/(\d+)$/, './clinician.js', 'patientDetail'],
  [/^#\/patient\/(\d+)\/new-course$/, './clinician.js', 'newCourse'], [/^#\/rx$/, './pharmacist.js', 'incoming'],
  [/^#\/rx\/(\d+)\/(\d+)$/, './pharmacist.js', 'worksheet'],
  [/^#\/rx\/(\d+)\/(\d+)\/label$/, './pharmacist.js', 'labelView'],
  // The pharmacy's record (issue 14).
  [/^#\/lots$/, './batches.js', 'lots'], [/^#\/batches$/, './batches.js', 'batches'],
  [/^#\/batches\/(\d+)$/, './batches.js', 'batch'], [/^#\/evidence$/, './evidence.js', 'evidence'],
  [/^#\/dispensings\/(\d+)$/, './batches.js', 'dispensingLog'], [/^#\/kits$/, './kits.js', 'kits'],
  [/^#\/kits\/(\d+)$/, './kits.js', 'kit'],  // blinded kits (issue 14)
  // Blinded N-of-1 trials (issue 16): the clinician's trial page, the pharmacy's trials.
  [/^#\/patient\/(\d+)\/trial$/, './trial.js', 'trialPage'], [/^#\/trials$/, './trial.js', 'pharmacyTrials'],
  [/^#\/research$/, './other.js', 'research'], [/^#\/admin$/, './admin.js', 'admin'],
  [/^#\/account$/, './account.js', 'account'], [/^#\/setup$/, './account.js', 'setup'],
  // The clinic's workspace (issue 13).
  [/^#\/messages$/, './messages.js', 'patientMessages'], [/^#\/patients\/new$/, './chart.js', 'newPatient'],
  [/^#\/patient\/(\d+)\/chart$/, './chart.js', 'chart'], [/^#\/patient\/(\d+)\/timeline$/, './timeline.js', 'timeline'],
  [/^#\/patient\/(\d+)\/messages$/, './messages.js', 'clinicianMessages'],
  [/^#\/inbox$/, './inbox.js', 'inbox'],  // issue 13: the clinician's tasks
];
// Pages for people who are not logged in: an invitation, a one-time password code.
const PUBLIC_ROUTES = [
  [/^#\/invite\/([A-Za-z0-9-]*)$/, './invite.js', 'invite'],
  [/^#\/password\/([A-Za-z0-9-]*)$/, './invite.js', 'password'],
];

export function say(message, kind = 'info') {
  statusEl.className = `status ${kind}`;
  statusEl.textContent = message;
}
export function clearStatus() { statusEl.className = 'status'; statusEl.textContent = ''; }

export function setTitle(text) { document.title = `${text} · ldn`; }

// The page's fixed texts (web/index.html) in the app's language.
function renderShell() {
  document.querySelector('a.skip').textContent = t('Skip to content');
  nav.setAttribute('aria-label', t('Main'));
  tabs.setAttribute('aria-label', t('Tabs'));
  mount(
      document.querySelector('footer.foot p'),
      t('Decision support, not a prescriber. Every clinical number says where it comes from. LDN for fibromyalgia is off-label; the two largest placebo-controlled trials found no clear benefit.'),
      ' ', h('a', {href: '#/evidence'}, t('See the evidence.')));
}

function renderNav() {
  renderShell();
  // While the account is being set up (a password to change, two-step login to turn on), the
  // server refuses everything else: the menu shows nothing else either.
  const items = session.me && !session.me.setup_step ? NAV[session.me.role] || [] : [];
  const here = location.hash.split('?')[0].split('/').slice(0, 2).join('/');
  const links = items.map(([href, label]) => h('a', {href, 'aria-current': href === here ? 'page' : null}, t(label)));
  const right = [];
  if (session.me) {
    const n = outbox.pending();
    if (n)
      right.push(h('span.badge', {title: t('Saved on this device, sent when online')}, t('{n} waiting to send', {n})));
    right.push(h(
        'button.link', {type: 'button', onclick: logout}, t('Log out ({username})', {username: session.me.username})));
  }
  mount(nav, h('div.navlinks', links), h('div.navright', right));
  renderTabs(session.me && !session.me.setup_step && session.me.role === 'patient' ? items : [], here);
}

// The patient's tab bar on phones (issue 15, item 7): four pages and "More" at the bottom of the
// screen, in reach of a thumb; "More" opens the rest of the patient's pages, so the bar reaches
// every page. Below 760 px it replaces the links at the top (app.css, body.has-tabs); wider
// screens keep the top links and never show it.
const TAB_ICONS = {
  '#/today': '✎',
  '#/plan': '▤',
  '#/progress': '◔',
  '#/messages': '✉'
};

// Opens or closes the "More" menu, and says so on its button.
function setMoreMenu(open) {
  const menu = document.getElementById('more-menu');
  if (!menu) return;
  menu.hidden = !open;
  tabs.querySelector('[aria-controls="more-menu"]').setAttribute('aria-expanded', String(open));
}
// A tap anywhere outside the bar closes the menu.
document.addEventListener('click', (e) => {
  if (!tabs.contains(e.target)) setMoreMenu(false);
});
function renderTabs(items, here) {
  document.body.classList.toggle('has-tabs', items.length > 0);
  if (!items.length) {
    tabs.hidden = true;
    tabs.replaceChildren();
    return;
  }
  const first = items.filter(([href]) => href in TAB_ICONS);
  const rest = items.filter(([href]) => !(href in TAB_ICONS));
  const menu =
      h('ul.moremenu', {id: 'more-menu', hidden: true},
        rest.map(([href, label]) => h('li', h('a', {href, 'aria-current': href === here ? 'page' : null}, t(label)))));
  const more =
      h('button.tab', {
        type: 'button',
        'aria-expanded': 'false',
        'aria-controls': 'more-menu',
        'data-current': rest.some(([href]) => href === here) ? 'true' : null,
        onclick: () => {
          const open = menu.hidden;
          setMoreMenu(open);
          if (open) menu.querySelector('a').focus();
        },
      },
        h('span.tab-icon', {'aria-hidden': 'true'}, '☰'), t('More'));
  menu.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    setMoreMenu(false);
    more.focus();
  });
  tabs.hidden = false;
  mount(
      tabs, menu,
      h('div.tabrow',
        first.map(
            ([href, label]) =>
                h('a.tab', {href, 'aria-current': href === here ? 'page' : null},
                  h('span.tab-icon', {'aria-hidden': 'true'}, TAB_ICONS[href]), t(label))),
        more));
}

// Logging out deletes this user's unsent offline entries from the device (health data must not
// stay behind for the next person), after a warning when there are any.
function logout() {
  const unsent = outbox.pending();
  if (!unsent) return doLogout();
  // A page still being drawn (a route started just before, e.g. by "Stay logged in") must not
  // replace this dialog when it finishes: it is shown only while no newer route has started.
  routing += 1;
  const dialog = h(
      'section.card.narrow.warn',
      {role: 'alertdialog', 'aria-labelledby': 'unsent-title', 'aria-describedby': 'unsent-text'},
      h('h1', {id: 'unsent-title'}, t('Entries not sent yet')),
      h('p', {id: 'unsent-text'},
        t('{n} entries are saved on this device but not sent yet. If you log out now, they are deleted from this device and lost. Go back online and wait until they are sent to keep them.',
          {n: unsent})),
      h('div.actions', h('button.primary', {type: 'button', onclick: () => route()}, t('Stay logged in')),
        h('button.danger', {type: 'button', onclick: doLogout}, t('Log out and delete them'))));
  mount(main, dialog);
  dialog.querySelector('button.primary').focus();
}

// The patient's reads kept on the device for the app to open offline (web/sw.js, DATA_CACHE).
const DATA_CACHE = 'ldn-data-v1';
const OFFLINE_USER = 'ldn.offline.user';
async function forgetOfflineData() {
  keepReadsForOffline(false);
  localStorage.removeItem(OFFLINE_USER);
  if (window.caches) await caches.delete(DATA_CACHE).catch(() => {});
}
// Keeps a patient's reads for offline use; anything kept for another user is deleted first. Staff
// (who read many patients' records) never keep anything.
async function keepOfflineDataFor(me) {
  if (me.role !== 'patient' || me.setup_step) return forgetOfflineData();
  if (localStorage.getItem(OFFLINE_USER) !== String(me.user_id)) await forgetOfflineData();
  localStorage.setItem(OFFLINE_USER, String(me.user_id));
  keepReadsForOffline(true);
  if (window.caches) {
    const cache = await caches.open(DATA_CACHE);
    await cache.put(new URL('api/v1/me', document.baseURI).href,
      new Response(JSON.stringify(me), { headers: { 'Content-Type': 'application/json' } }));
  }
}

async function doLogout() {
  outbox.clearForLogout();
  await forgetOfflineData();
  try { await api('DELETE', '/session'); } catch { /* the cookie expires anyway */ }
  session.me = null;
  session.patient = null;
  location.hash = '#/login';
  route();
}

function loginView() {
  setTitle(t('Log in'));
  // A route that ends here while the login form is already shown (a request of the session that
  // just ended answered 401 late) keeps the form and what the user has typed into it.
  if (main.querySelector('form.login')) return;
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none' });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p.error', { role: 'alert' });
  const stepSlot = h('div');
  let second = null;  // the second step (a code from the app or a recovery code), once asked for
  const submit = h('button.primary', {type: 'submit'}, t('Log in'));
  const form =
      h('form.card.narrow.login', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          const body = {username: user.value.trim(), password: pass.value, ...(second ? second.value() : {})};
          try {
            await api('POST', '/session', body);
            await start();
            const target = session.me.setup_step ? '#/setup' : (HOME[session.me.role] || '#/evidence');
            if (location.hash === target)
              route();
            else
              location.hash = target;  // the hashchange routes
          } catch (err) {
            if (err.status === 401 && err.field === 'totp_code' && !second) {
              // The password was right; the account has two-step login.
              const {secondStep} = await import('./account.js');
              secondStep((box) => {
                second = box;
              });
              mount(stepSlot, second);
              user.readOnly = true;
              pass.readOnly = true;
              submit.textContent = t('Continue');
              second.focusFirst();
              return;
            }
            if (err.status === 401 && !err.field)
              error.textContent = t('Wrong username or password.');
            else
              error.textContent = err.message;
          }
        },
      },
        h('h1', t('Log in')), h('div.field', h('label', {for: 'username'
                                }, t('Username')), user), h('div.field', h('label', {for: 'password'
                                                            }, t('Password')), pass), stepSlot, error, submit);
  // The language can be chosen before logging in (a shared computer, a browser in another
  // language); the form is drawn again in it, keeping the username typed.
  const language = h('div.field.narrow.login-language', h('label', {for: 'login-language'
                     }, t('Language')), languageSelect('login-language', () => {
                       const typed = user.value;
                       form.remove();
                       renderNav();
                       loginView();
                       const again = document.getElementById('username');
                       if (again) again.value = typed;
                     }));
  mount(main, form, language);
}

async function start() {
  session.me = await get('/me');
  await keepOfflineDataFor(session.me).catch(() => {});
  const dropped = outbox.setUser(session.me.user_id, session.me.patient_id);
  if (dropped) notice = t('{n} unsent entries of another user were deleted from this device, not sent.', {n: dropped});
  if (session.me.role === 'patient' && !session.me.setup_step) session.patient = await get(`/patients/${session.me.patient_id}`);
}

// Reads the caller's account again (after a step of its set-up).
export async function reloadMe() {
  await start();
}

let routing = 0;
let notice = null;  // a message for the next page shown (start() cannot show it: routing clears the status)
export async function route(keepStatus) {
  const token = ++routing;
  if (keepStatus !== true) clearStatus();
  const hash = location.hash || '#/';
  if (!session.me) {
    try { await start(); } catch { /* not logged in */ }
  }
  const open = PUBLIC_ROUTES.find(([re]) => re.test(hash));
  if (!session.me && !open) {
    renderNav();
    loginView();
    return;
  }
  if (!open && session.me.setup_step && hash !== '#/setup') {
    location.replace('#/setup');
    return;
  }
  const match = open || ROUTES.find(([re]) => re.test(hash));
  if (!match) {
    location.replace((session.me && HOME[session.me.role]) || '#/evidence');
    return;
  }
  renderNav();
  const [re, mod, name] = match;
  const args = hash.match(re).slice(1);
  mount(main, h('p.muted', {'data-loading': ''}, t('Loading…')));
  // The view renders into its own container, shown only if no newer route has started meanwhile.
  const view = h('div.view');
  try {
    const m = await import(mod);
    if (token !== routing) return;
    await m[name](view, ...args);
    if (token !== routing) return;
    mount(main, view);
  } catch (err) {
    if (token !== routing) return;
    if (err instanceof ApiError && err.status === 401) {
      session.me = null;
      outbox.setUser(null);
      route();
      return;
    }
    mount(main, h('div.card', h('h1', t('Something went wrong')), h('p.error', err.message)));
  }
  if (token === routing) {
    // A notice for the user is shown with the first page drawn to its end (not on a redirect, and
    // not lost to a route that replaced this one).
    if (notice) {
      say(notice, 'warn');
      notice = null;
    }
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
}

window.addEventListener('hashchange', route);
// The skip link moves the focus without touching the hash (the hash is the route).
document.querySelector('a.skip').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });
outbox.onChange(() => renderNav());
window.addEventListener('online', async () => {
  const sent = await outbox.flush((m) => say(m, 'error'));
  if (sent) say(t('Back online: {n} saved entries were sent.', {n: sent}), 'ok');
  renderNav();
});
window.addEventListener(
    'offline',
    () => say(t('You are offline. Entries are saved on this device and sent when you are back online.'), 'warn'));

// Answers from the device's stored copy: the page drawn says so, so that nobody takes them for the
// server's answers now.
onStoredCopy((stored) => {
  if (stored)
    notice = t(
        'You are offline: this shows what was saved on this device when you were last online. New entries are sent when you are back online.');
});

// The installable app (issue 15, item 3): the service worker (web/sw.js) lets it open offline. A
// new version installs in the background and waits; the app offers to reload into it (unsent
// entries stay on the device and are sent after the reload).
let updateAsked = false;
function offerUpdate(worker) {
  if (document.querySelector('.update-banner')) return;
  const button =
      h('button.primary', {
        type: 'button',
        onclick: () => {
          button.disabled = true;
          updateAsked = true;
          worker.postMessage({type: 'skip-waiting'});
        },
      },
        t('Reload to update'));
  statusEl.before(h('div.update-banner', {role: 'status'}, h('span', t('A new version of ldn is ready.')), button));
}
async function registerWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  // The first install takes control without a reload; an update the user asked for reloads.
  navigator.serviceWorker.addEventListener('controllerchange', () => { if (updateAsked) location.reload(); });
  try {
    const reg = await navigator.serviceWorker.register('sw.js');
    if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      if (!worker) return;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
  } catch { /* no offline app; everything else works */ }
}
registerWorker();

loadLanguage().then(() => route()).then(() => {
  if (navigator.onLine && outbox.pending()) outbox.flush((m) => say(m, 'error')).then(() => renderNav());
});
