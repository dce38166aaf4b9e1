// The researcher's pooled summary and the admin's user list.
import { h, mount, source } from './dom.js';
import { scrollAttrs } from './dom.js';
import { api, get } from './api.js';
import { say, setTitle } from './app.js';

function value(v) { return v === null ? 'fewer than 5 (suppressed)' : typeof v === 'object' ? JSON.stringify(v) : String(v); }

function rows(obj, prefix = '') {
  const out = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...rows(v, `${prefix}${k} / `));
    else out.push(h('tr', h('th', { scope: 'row' }, `${prefix}${k}`.replace(/_/g, ' ')), h('td', value(v))));
  }
  return out;
}

export async function research(main) {
  setTitle('Research');
  const s = await get('/research/summary');
  mount(main, h('h1', 'Pooled outcomes'),
    h('p', 'De-identified counts across all patients. Any count below 5 is suppressed.'),
    h('section.card', h('div.tablewrap', scrollAttrs(), h('table', h('caption.sr', 'Research summary'), h('tbody', rows(s))))),
    source('src/server/research_summary.h: IMMPACT responder classes (Dworkin, J Pain 2008;9:105) and Farrar two-point responders (Pain 2001;94:149).'));
}

function userStatus(u) {
  if (u.disabled) return 'disabled';
  if (u.locked) return 'locked (too many failed logins)';
  if (u.must_change_password) return 'active, must choose a new password';
  return 'active';
}

export async function admin(main) {
  setTitle('Users');
  const [users, teams] = await Promise.all([get('/users'), get('/care-teams')]);
  const unlock = (u) => h('button', {
    type: 'button',
    'aria-label': `Unlock ${u.username}`,
    onclick: async () => {
      try {
        await api('PATCH', `/users/${u.id}`, { unlock: true });
        say(`${u.username} is unlocked and can log in again.`, 'ok');
        admin(main);
      } catch (err) { say(err.message, 'error'); }
    },
  }, 'Unlock');
  mount(main, h('h1', 'Users and care teams'),
    h('section.card', h('h2', 'Users'), h('div.tablewrap', scrollAttrs(), h('table', h('caption.sr', 'Users'),
      h('thead', h('tr', ['Username', 'Role', 'Status', 'Two-step login', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', users.users.map((u) => h('tr', h('td', u.username), h('td', u.role), h('td', userStatus(u)),
        h('td', u.totp_enabled ? 'on' : 'off'), h('td', u.locked ? unlock(u) : null))))))),
    h('section.card', h('h2', 'Care teams'), h('ul', teams.care_teams.map((t) => h('li', `${t.name}: ${t.member_user_ids.length} members, ${t.patient_ids.length} patients`)))));
}
