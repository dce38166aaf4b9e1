// The administrator's page (docs/clinic.md, "Invitations and accounts"): accounts of every role
// (created without a password: the new user sets their own with a one-time code), password resets
// by the same one-time code (the admin never sees or types anyone's password), disabling accounts,
// care teams and their members, pharmacies and their pharmacists, prescribers' details, and a check
// of every prescription's signature. An admin reads no clinical data.
import { h, mount, field, source, uid } from './dom.js';
import { scrollAttrs } from './dom.js';
import { get, post, put, api, del } from './api.js';
import { session, say, setTitle } from './app.js';
import { formatInstant } from './time.js';

const ROLES = ['clinician', 'pharmacist', 'patient', 'researcher', 'admin'];

function errorText(err) { return err.field ? `${err.message} (${err.field})` : err.message; }

function codeBox(title, r) {
  const link = `${location.origin}${r.link}`;
  return h('div.code-box', { role: 'status' },
    h('p', title), h('p.code', { 'data-code': r.code }, r.code),
    h('p.small', 'Link: ', h('a', { href: r.link }, link)),
    h('p.small', `Shown once; works once; expires ${formatInstant(r.expires_at, 'UTC')} UTC. Hand it to the person in person or by phone.`));
}

// `shown`: an element to show at the top after a reload (a new account's password code).
export async function admin(main, shown = null) {
  setTitle('Administration');
  const [users, teams, pharmacies] = await Promise.all([get('/users'), get('/care-teams'), get('/pharmacies')]);
  const reload = (next = null) => admin(main, next);
  const byId = new Map(users.users.map((u) => [u.id, u]));
  const result = h('div', { 'aria-live': 'polite' }, shown);
  mount(main, h('h1', 'Administration'), result,
    usersCard(users.users, pharmacies.pharmacies, result, reload),
    newUserCard(pharmacies.pharmacies, result, reload),
    pharmaciesCard(pharmacies.pharmacies, byId, reload),
    teamsCard(teams.care_teams, users.users, byId, reload),
    signaturesCard());
}

// ---- Users -------------------------------------------------------------------------------------

function userStatus(u) {
  if (u.disabled) return 'disabled';
  if (u.locked) return 'locked (too many failed logins)';
  if (u.password_set === false) return 'password not set yet';
  if (u.must_change_password) return 'active, must choose a new password';
  return 'active';
}

function usersCard(users, pharmacies, result, reload) {
  const pharmacyName = (id) => (pharmacies.find((p) => p.id === id) || {}).name || 'none';
  const rows = users.map((u) => {
    const actions = [];
    actions.push(h('button', {
      type: 'button',
      onclick: async () => {
        try {
          const r = await post(`/users/${u.id}/password-code`);
          result.replaceChildren(codeBox(`Password code for ${u.username}:`, r));
          result.scrollIntoView();
        } catch (err) { say(errorText(err), 'error'); }
      },
    }, `Password code for ${u.username}`));
    if (u.locked) {
      actions.push(h('button', {
        type: 'button',
        'aria-label': `Unlock ${u.username}`,
        onclick: async () => {
          try { await api('PATCH', `/users/${u.id}`, { unlock: true }); say(`${u.username} is unlocked and can log in again.`, 'ok'); reload(); } catch (err) { say(errorText(err), 'error'); }
        },
      }, 'Unlock'));
    }
    if (u.totp_enabled && u.id !== session.me.user_id) {
      actions.push(h('button', {
        type: 'button',
        onclick: async () => {
          try { await api('PATCH', `/users/${u.id}`, { reset_totp: true }); say(`Two-step login of ${u.username} is reset: they set it up again at their next login.`, 'ok'); reload(); } catch (err) { say(errorText(err), 'error'); }
        },
      }, `Reset two-step login of ${u.username}`));
    }
    if (u.id !== session.me.user_id) {
      actions.push(h('button', {
        type: 'button',
        onclick: async () => {
          try { await api('PATCH', `/users/${u.id}`, { disabled: !u.disabled }); say(`${u.username} ${u.disabled ? 'enabled' : 'disabled'}.`, 'ok'); reload(); } catch (err) { say(errorText(err), 'error'); }
        },
      }, `${u.disabled ? 'Enable' : 'Disable'} ${u.username}`));
    }
    let extra = null;
    if (u.role === 'pharmacist') {
      const sel = h('select', { id: uid('ph') }, h('option', { value: '' }, 'none'), pharmacies.map((p) => h('option', { value: String(p.id), selected: p.id === u.pharmacy_id ? true : null }, p.name)));
      extra = h('details', h('summary', `Pharmacy: ${pharmacyName(u.pharmacy_id)}`), h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          try { await put(`/users/${u.id}/pharmacy`, { pharmacy_id: sel.value ? Number(sel.value) : null }); say(`${u.username} now works for ${sel.value ? pharmacyName(Number(sel.value)) : 'no pharmacy'}.`, 'ok'); reload(); } catch (err) { say(errorText(err), 'error'); }
        },
      }, field(`Pharmacy of ${u.username}`, sel), h('button', { type: 'submit' }, 'Save')));
    }
    if (u.role === 'clinician') extra = prescriberForm(u, reload);
    return h('tr', { 'data-user': u.username },
      h('th', { scope: 'row' }, u.username), h('td.nowrap', { 'data-label': 'Role' }, u.role),
      h('td', { 'data-label': 'Status' }, userStatus(u)),
      h('td', { 'data-label': 'Two-step login' }, u.totp_enabled ? 'on' : 'off'),
      h('td', { 'data-label': 'Details' }, extra || ''),
      h('td', { 'data-label': 'Actions' }, h('div.actions', actions)));
  });
  return h('section.card', { 'aria-labelledby': 'users-h' }, h('h2', { id: 'users-h' }, 'Accounts'),
    h('div.tablewrap', scrollAttrs('Accounts'), h('table.stack', h('caption.sr', 'Accounts'),
      h('thead', h('tr', ['Username', 'Role', 'Status', 'Two-step login', 'Details', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', rows))),
    source('a password code replaces a password reset: single-use, expires in 24 hours, stored hashed (OWASP Forgot Password Cheat Sheet).'));
}

function prescriberFields(p = {}) {
  const c = {
    name: h('input', { id: uid('pn'), type: 'text', value: p.full_name || '' }),
    profession: h('input', { id: uid('pp'), type: 'text', value: p.profession || 'physician' }),
    registration: h('input', { id: uid('pr'), type: 'text', value: p.registration_number || '', placeholder: 'e.g. HPR 1234567, GMC 7654321' }),
    address: h('input', { id: uid('pa'), type: 'text', value: p.address || '' }),
    phone: h('input', { id: uid('pt'), type: 'text', value: p.phone || '' }),
  };
  c.fields = [h('div.row', field('Full name', c.name), field('Profession', c.profession)),
    h('div.row', field('Registration number (with its register)', c.registration), field('Practice address', c.address)), field('Phone', c.phone)];
  c.body = () => ({ full_name: c.name.value.trim(), profession: c.profession.value.trim(), registration_number: c.registration.value.trim(),
    address: c.address.value.trim(), phone: c.phone.value.trim() });
  c.filled = () => c.name.value.trim() && c.registration.value.trim() && c.address.value.trim();
  return c;
}

function prescriberForm(u, reload) {
  const c = prescriberFields(u.prescriber || {});
  const error = h('p.error', { role: 'alert' });
  return h('details', h('summary', u.prescriber ? `Prescriber: ${u.prescriber.full_name}, ${u.prescriber.registration_number}` : 'Prescriber details missing'),
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        try { await put(`/users/${u.id}/prescriber`, c.body()); say(`Prescriber details of ${u.username} saved.`, 'ok'); reload(); } catch (err) { error.textContent = errorText(err); }
      },
    }, c.fields, error, h('button', { type: 'submit' }, 'Save the prescriber details')));
}

function newUserCard(pharmacies, result, reload) {
  const username = h('input', { id: uid('un'), type: 'text', required: true, autocomplete: 'off', autocapitalize: 'none' });
  const role = h('select', { id: uid('role') }, ROLES.map((r) => h('option', { value: r }, r)));
  const pharmacy = h('select', { id: uid('uph') }, h('option', { value: '' }, 'none'), pharmacies.map((p) => h('option', { value: String(p.id) }, p.name)));
  const pname = h('input', { id: uid('pname'), type: 'text' });
  const ptz = h('input', { id: uid('ptz'), type: 'text', value: Intl.DateTimeFormat().resolvedOptions().timeZone });
  const presc = prescriberFields();
  const pharmacyBox = h('div', field('Pharmacy', pharmacy));
  const patientBox = h('div', h('div.row', field('Patient name (a new patient record)', pname), field('Time zone', ptz)));
  const prescriberBox = h('div', h('p.small', 'Prescriber details (printed on prescriptions; can be added later):'), presc.fields);
  const showFor = () => {
    pharmacyBox.hidden = role.value !== 'pharmacist';
    patientBox.hidden = role.value !== 'patient';
    prescriberBox.hidden = role.value !== 'clinician';
  };
  role.addEventListener('change', showFor);
  showFor();
  const error = h('p.error', { role: 'alert' });
  return h('section.card', { 'aria-labelledby': 'nu-h' }, h('h2', { id: 'nu-h' }, 'New account'),
    h('p', 'No password is set here: the answer is a one-time code with which the new user chooses their own.'),
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        const body = { username: username.value.trim(), role: role.value };
        if (role.value === 'pharmacist' && pharmacy.value) body.pharmacy_id = Number(pharmacy.value);
        if (role.value === 'patient') body.patient = { display_name: pname.value.trim(), time_zone: ptz.value.trim() };
        try {
          const u = await post('/users', body);
          if (role.value === 'clinician' && presc.filled()) await put(`/users/${u.id}/prescriber`, presc.body());
          await reload(codeBox(`Account ${u.username} (${u.role}) created. Its password code:`, u.password_code));
          say(`Account ${u.username} created.`, 'ok');
        } catch (err) { error.textContent = errorText(err); }
      },
    }, h('div.row', field('Username', username), field('Role', role)), pharmacyBox, patientBox, prescriberBox, error,
    h('button.primary', { type: 'submit' }, 'Create the account')));
}

// ---- Pharmacies ------------------------------------------------------------------------------------

function pharmaciesCard(pharmacies, byId, reload) {
  const name = h('input', { id: uid('phn'), type: 'text', required: true });
  const address = h('input', { id: uid('pha'), type: 'text', required: true });
  const phone = h('input', { id: uid('pht'), type: 'text', required: true });
  const error = h('p.error', { role: 'alert' });
  return h('section.card', { 'aria-labelledby': 'ph-h' }, h('h2', { id: 'ph-h' }, 'Pharmacies'),
    pharmacies.length ? h('ul.records', pharmacies.map((p) => h('li.record', { 'data-pharmacy': p.name }, h('p', h('strong', p.name)), h('p.small', `${p.address} · ${p.phone}`),
      h('p.small', `Pharmacists: ${(p.pharmacist_user_ids || []).map((id) => (byId.get(id) || {}).username || id).join(', ') || 'none'}`)))) : h('p', 'None yet.'),
    h('details', h('summary', 'Add a pharmacy'), h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        try { const p = await post('/pharmacies', { name: name.value.trim(), address: address.value.trim(), phone: phone.value.trim() }); say(`${p.name} added.`, 'ok'); reload(); } catch (err) { error.textContent = errorText(err); }
      },
    }, field('Pharmacy name', name), h('div.row', field('Pharmacy address', address), field('Pharmacy phone', phone)), error,
    h('button.primary', { type: 'submit' }, 'Add the pharmacy'))),
    source('only the pharmacists of the pharmacy an order is routed to see it (docs/clinic.md).'));
}

// ---- Care teams ------------------------------------------------------------------------------------

function teamsCard(teams, users, byId, reload) {
  const staff = users.filter((u) => (u.role === 'clinician' || u.role === 'pharmacist') && !u.disabled);
  const items = teams.map((t) => {
    const member = h('select', { id: uid('mem') }, staff.filter((u) => !t.member_user_ids.includes(u.id)).map((u) => h('option', { value: String(u.id) }, `${u.username} (${u.role})`)));
    const patient = h('input', { id: uid('pid'), type: 'number', min: '1' });
    return h('li.record', { 'data-team': t.name }, h('p', h('strong', t.name), ` · ${t.patient_ids.length} patients`),
      h('ul.small', t.member_user_ids.map((id) => h('li', `${(byId.get(id) || {}).username || id} `,
        h('button.link', { type: 'button', onclick: () => del(`/care-teams/${t.id}/members/${id}`).then(() => { say('Member removed.', 'ok'); reload(); }).catch((err) => say(errorText(err), 'error')) }, `remove ${(byId.get(id) || {}).username || id} from ${t.name}`)))),
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          try { await post(`/care-teams/${t.id}/members`, { user_id: Number(member.value) }); say('Member added.', 'ok'); reload(); } catch (err) { say(errorText(err), 'error'); }
        },
      }, h('div.row', field(`Add a member to ${t.name}`, member), h('div.field', h('button', { type: 'submit' }, 'Add member')))),
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          try { await post(`/care-teams/${t.id}/patients`, { patient_id: Number(patient.value) }); say('Patient added to the team.', 'ok'); reload(); } catch (err) { say(errorText(err), 'error'); }
        },
      }, h('div.row', field(`Patient number to add to ${t.name}`, patient), h('div.field', h('button', { type: 'submit' }, 'Add patient')))));
  });
  const name = h('input', { id: uid('tn'), type: 'text', required: true });
  return h('section.card', { 'aria-labelledby': 'ct-h' }, h('h2', { id: 'ct-h' }, 'Care teams'),
    h('ul.records', items),
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        try { await post('/care-teams', { name: name.value.trim() }); say('Care team created.', 'ok'); reload(); } catch (err) { say(errorText(err), 'error'); }
      },
    }, h('div.row', field('New care team', name), h('div.field', h('button', { type: 'submit' }, 'Create the team')))));
}

// ---- Signatures ------------------------------------------------------------------------------------

function signaturesCard() {
  const out = h('div', { 'aria-live': 'polite' });
  return h('section.card', { 'aria-labelledby': 'sig-h' }, h('h2', { id: 'sig-h' }, 'Prescription signatures'),
    h('p', 'Recomputes every signed prescription\'s content hash and checks its signature and its record in the audit trail.'),
    h('button', {
      type: 'button',
      onclick: async () => {
        try {
          const r = await get('/prescriptions/verify');
          out.replaceChildren(r.ok ? h('p.saved', `All ${r.checked} signed prescriptions are intact.`)
            : h('div', h('p.error', `${r.problems.length} of ${r.checked} signed prescriptions changed after signing:`),
              h('ul', r.problems.map((p) => h('li', `prescription #${p.prescription_id} (patient ${p.patient_id}): ${p.problem}`)))));
        } catch (err) { out.replaceChildren(h('p.error', errorText(err))); }
      },
    }, 'Check every signature'), out);
}
