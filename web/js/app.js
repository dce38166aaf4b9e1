// The app shell: session, navigation by role, hash routes, the status line and the offline outbox.
// Views live in one module per role and are loaded when first needed (the patient's diary page
// loads no chart code).
import { h, mount } from './dom.js';
import { api, get, ApiError } from './api.js';
import * as outbox from './offline.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const statusEl = document.getElementById('status');

export const session = { me: null, patient: null };

const NAV = {
  patient: [['#/today', 'Today'], ['#/history', 'Past days'], ['#/plan', 'My plan'], ['#/progress', 'Progress'],
    ['#/questionnaires', 'Questionnaires'], ['#/evidence', 'Evidence']],
  clinician: [['#/panel', 'Patients'], ['#/evidence', 'Evidence']],
  pharmacist: [['#/rx', 'Prescriptions'], ['#/evidence', 'Evidence']],
  researcher: [['#/research', 'Research'], ['#/evidence', 'Evidence']],
  admin: [['#/admin', 'Users'], ['#/evidence', 'Evidence']],
};
const HOME = { patient: '#/today', clinician: '#/panel', pharmacist: '#/rx', researcher: '#/research', admin: '#/admin' };

// [pattern, module, export]; the module is imported on first use.
const ROUTES = [
  [/^#\/today$/, './patient.js', 'today'],
  [/^#\/day\/(\d{4}-\d{2}-\d{2})$/, './patient.js', 'day'],
  [/^#\/history$/, './patient.js', 'history'],
  [/^#\/plan$/, './patient.js', 'plan'],
  [/^#\/progress$/, './patient.js', 'progress'],
  [/^#\/questionnaires$/, './patient.js', 'questionnaires'],
  [/^#\/problem$/, './problem.js', 'reportProblem'],  // issue 12: a problem reported between diary days
  [/^#\/panel$/, './clinician.js', 'panel'],
  [/^#\/patient\/(\d+)$/, './clinician.js', 'patientDetail'],
  [/^#\/patient\/(\d+)\/new-course$/, './clinician.js', 'newCourse'],
  [/^#\/rx$/, './pharmacist.js', 'incoming'],
  [/^#\/rx\/(\d+)\/(\d+)$/, './pharmacist.js', 'worksheet'],
  [/^#\/rx\/(\d+)\/(\d+)\/label$/, './pharmacist.js', 'labelView'],
  [/^#\/evidence$/, './evidence.js', 'evidence'],
  [/^#\/research$/, './other.js', 'research'],
  [/^#\/admin$/, './other.js', 'admin'],
];

export function say(message, kind = 'info') {
  statusEl.className = `status ${kind}`;
  statusEl.textContent = message;
}
export function clearStatus() { statusEl.className = 'status'; statusEl.textContent = ''; }

export function setTitle(text) { document.title = `${text} · ldn`; }

function renderNav() {
  const items = session.me ? NAV[session.me.role] || [] : [];
  const here = location.hash.split('/').slice(0, 2).join('/');
  const links = items.map(([href, label]) =>
    h('a', { href, 'aria-current': href === here ? 'page' : null }, label));
  const right = [];
  if (session.me) {
    const n = outbox.pending();
    if (n) right.push(h('span.badge', { title: 'Saved on this device, sent when online' }, `${n} waiting to send`));
    right.push(h('button.link', { type: 'button', onclick: logout }, `Log out (${session.me.username})`));
  }
  mount(nav, h('div.navlinks', links), h('div.navright', right));
}

async function logout() {
  try { await api('DELETE', '/session'); } catch { /* the cookie expires anyway */ }
  session.me = null;
  session.patient = null;
  location.hash = '#/login';
  route();
}

function loginView() {
  setTitle('Log in');
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none' });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p.error', { role: 'alert' });
  const form = h('form.card.narrow', {
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      try {
        await api('POST', '/session', { username: user.value.trim(), password: pass.value });
        await start();
        location.hash = HOME[session.me.role] || '#/evidence';
      } catch (err) {
        error.textContent = err.status === 401 ? 'Wrong username or password.' : err.message;
      }
    },
  },
  h('h1', 'Log in'),
  h('div.field', h('label', { for: 'username' }, 'Username'), user),
  h('div.field', h('label', { for: 'password' }, 'Password'), pass),
  error,
  h('button.primary', { type: 'submit' }, 'Log in'));
  mount(main, form);
}

async function start() {
  session.me = await get('/me');
  if (session.me.role === 'patient') session.patient = await get(`/patients/${session.me.patient_id}`);
}

let routing = 0;
export async function route(keepStatus) {
  const token = ++routing;
  if (keepStatus !== true) clearStatus();
  const hash = location.hash || '#/';
  if (!session.me) {
    try { await start(); } catch { /* not logged in */ }
  }
  if (!session.me) {
    renderNav();
    loginView();
    return;
  }
  const match = ROUTES.find(([re]) => re.test(hash));
  if (!match) {
    location.replace(HOME[session.me.role] || '#/evidence');
    return;
  }
  renderNav();
  const [re, mod, name] = match;
  const args = hash.match(re).slice(1);
  mount(main, h('p.muted', 'Loading…'));
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
      route();
      return;
    }
    mount(main, h('div.card', h('h1', 'Something went wrong'), h('p.error', err.message)));
  }
  if (token === routing) {
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
  if (sent) say(`Back online: ${sent} saved ${sent === 1 ? 'entry was' : 'entries were'} sent.`, 'ok');
  renderNav();
});
window.addEventListener('offline', () => say('You are offline. Entries are saved on this device and sent when you are back online.', 'warn'));

route().then(() => {
  if (navigator.onLine && outbox.pending()) outbox.flush((m) => say(m, 'error')).then(() => renderNav());
});
