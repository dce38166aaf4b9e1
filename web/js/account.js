// The caller's account: a forced password change, setting up two-step login (TOTP) with a QR
// code drawn here in the browser (the secret never leaves the page and the server), recovery
// codes, and the account page (change password, two-step login on or off for a patient, new
// recovery codes). docs/api.md, "Authentication and sessions"; docs/security.md.
import {qrcode} from '../vendor/qrcode.mjs';

import {get, post} from './api.js';
import {reloadMe, route, say, session, setTitle} from './app.js';
import {calendarCard} from './calendar.js';
import {field, h, mount} from './dom.js';
import {N_, t} from './i18n.js';
import {languageCard} from './language.js';
import {pushCard} from './push.js';
import {themeCard} from './theme.js';

// The roles' names, as the person reads them (docs/api.md, "Roles"); the role sent stays the enum.
const ROLE_NAMES = {
  patient: N_('patient'),
  clinician: N_('clinician'),
  pharmacist: N_('pharmacist'),
  researcher: N_('researcher'),
  admin: N_('admin'),
};
const roleName = (role) => (ROLE_NAMES[role] ? t(ROLE_NAMES[role]) : role);

function errorText(err) {
  return err && err.message ? err.message : String(err);
}

// A password field with its label; `autocomplete` tells password managers which one it is.
function passwordInput(id, autocomplete) {
  return h('input', { id, name: id, type: 'password', autocomplete, required: true, spellcheck: 'false' });
}

// The change-password form. `forced`: an administrator set the password and it must change now.
function passwordForm(forced, done) {
  const current = passwordInput('current-password', 'current-password');
  const next = passwordInput('new-password', 'new-password');
  const again = passwordInput('new-password-again', 'new-password');
  next.setAttribute('minlength', '12');
  const error = h('p.error', { role: 'alert' });
  const form =
      h('form.card.narrow', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          if (next.value !== again.value) {
            error.textContent = t('The two new passwords are not the same.');
            again.focus();
            return;
          }
          try {
            const r = await post('/me/password', {current_password: current.value, new_password: next.value});
            current.value = next.value = again.value = '';
            await done(r);
          } catch (err) {
            error.textContent = errorText(err);
            if (err.field === 'current_password')
              current.focus();
            else if (err.field === 'new_password')
              next.focus();
          }
        },
      },
        h('h2', forced ? t('Choose your own password') : t('Change your password')),
        forced ? h('p', t('Your password was set by an administrator. Choose one only you know before you go on.')) :
                 null,
        field(forced ? t('Password you were given') : t('Current password'), current),
        field(
            t('New password'), next,
            t('At least 12 characters. A few unrelated words make a good one; very common passwords are refused.')),
        field(t('New password again'), again), error, h('button.primary', {type: 'submit'}, t('Change password')));
  return form;
}

// The QR code of `text` on a canvas (qrcode-generator, error correction M), with a text name.
function qrCanvas(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const cells = qr.getModuleCount();
  const scale = 5;
  const margin = 4;
  const size = (cells + margin * 2) * scale;
  const canvas =
      h('canvas.qr', {width: size, height: size, role: 'img', 'aria-label': t('QR code for your authenticator app')});
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, size, size);
  g.fillStyle = '#000';
  for (let r = 0; r < cells; r += 1) {
    for (let c = 0; c < cells; c += 1) {
      if (qr.isDark(r, c)) g.fillRect((c + margin) * scale, (r + margin) * scale, scale, scale);
    }
  }
  return canvas;
}

// The secret in groups of four, easier to type into an app by hand.
function grouped(secret) {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

// Shows freshly issued recovery codes once, with the choice to download them.
function recoveryCodesCard(codes, onDone) {
  const text = `${t('ldn recovery codes for {username}', {username: session.me.username})}\n${
      t('Each works once, instead of a code from your app.')}\n\n${codes.join('\n')}\n`;
  const download =
      h('a.button',
        {href: URL.createObjectURL(new Blob([text], {type: 'text/plain'})), download: 'ldn-recovery-codes.txt'},
        t('Download as a file'));
  return h(
      'section.card.narrow', h('h2', t('Your recovery codes')),
      h('p',
        t('If you lose your phone, each of these codes lets you log in once instead of a code from the app. Keep them somewhere safe, apart from your phone. They are shown only now.')),
      h('ol.codes', {'aria-label': t('Recovery codes')}, codes.map((c) => h('li', h('code', c)))),
      h('div.actions', download,
        onDone ? h('button.primary', {type: 'button', onclick: onDone}, t('I have saved them')) : null));
}

// Setting up two-step login: QR code and secret, then the first code confirms it.
async function totpSetupCard(onEnabled) {
  const started = await post('/me/totp');
  const code = h('input', { id: 'totp-confirm', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9 ]*', maxlength: '7', required: true });
  const error = h('p.error', { role: 'alert' });
  const form =
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          try {
            const r = await post('/me/totp/confirm', {code: code.value});
            await onEnabled(r.recovery_codes);
          } catch (err) {
            error.textContent = errorText(err);
            code.focus();
          }
        },
      },
        field(t('The 6-digit code the app shows now'), code), error,
        h('button.primary', {type: 'submit'}, t('Turn on two-step login')));
  return h(
      'section.card.narrow', h('h2', t('Set up two-step login')),
      h('p',
        t('Each time you log in you will also type a 6-digit code from an authenticator app on your phone (for example FreeOTP, Aegis, Google or Microsoft Authenticator). Someone who learns your password still cannot log in.')),
      h('ol',
        h('li', t('Open the authenticator app and add an account by scanning this code:'),
          h('div.qrbox', qrCanvas(started.otpauth_uri))),
        h('li', t('If you cannot scan, type this key into the app instead (time-based, 6 digits):'),
          h('p', h('code.secret', {'data-secret': started.secret}, grouped(started.secret)))),
        h('li', t('Type the code the app shows, to check that it works.'))),
      form);
}

// #/setup: what a new session must do before anything else (the server refuses the rest).
export async function setup(main) {
  const step = session.me.setup_step;
  if (step === 'change_password') {
    setTitle(t('Choose your password'));
    mount(main, h('h1', t('Choose your password')), passwordForm(true, async () => {
            await reloadMe();
            say(t('Your password is changed.'), 'ok');
            route(true);
          }));
    return;
  }
  if (step === 'enrol_totp') {
    setTitle(t('Set up two-step login'));
    const card = await totpSetupCard(async (codes) => {
      mount(main, h('h1', t('Two-step login is on')), recoveryCodesCard(codes, async () => {
              await reloadMe();
              location.hash = '#/';
              route();
            }));
    });
    mount(
        main, h('h1', t('Set up two-step login')),
        h('p',
          session.me.role === 'admin' ?
              t('Your role (admin) manages the accounts that reach health data, so logging in takes two steps.') :
              t('Your role ({role}) can see other people\'s health data, so logging in takes two steps.',
                {role: roleName(session.me.role)})),
        card);
    return;
  }
  location.hash = '#/';
}

// #/account: password, two-step login, recovery codes.
export async function account(main) {
  setTitle(t('Your account'));
  const me = session.me;
  const status = h('section.card.narrow', h('h2', t('Two-step login')));
  if (me.totp_enabled) {
    const left = await get('/me/recovery-codes');
    status.append(
        h('p', t('On: you log in with your password and a code from your authenticator app.')),
        h('p', t('{n} of 10 recovery codes left.', {n: left.unused})));
    const pw = passwordInput('codes-password', 'current-password');
    const error = h('p.error', { role: 'alert' });
    status.append(
        h('form', {
          onsubmit: async (e) => {
            e.preventDefault();
            error.textContent = '';
            try {
              const r = await post('/me/recovery-codes', {password: pw.value});
              mount(main, h('h1', t('New recovery codes')), recoveryCodesCard(r.recovery_codes, () => route()));
            } catch (err) {
              error.textContent = errorText(err);
            }
          },
        },
          field(t('Password, to make new recovery codes (the old ones stop working)'), pw), error,
          h('button', {type: 'submit'}, t('Make new recovery codes'))));
    if (!me.totp_required) {
      const pw2 = passwordInput('off-password', 'current-password');
      const error2 = h('p.error', { role: 'alert' });
      status.append(
          h('form', {
            onsubmit: async (e) => {
              e.preventDefault();
              try {
                await post('/me/totp/disable', {password: pw2.value});
                await reloadMe();
                say(t('Two-step login is off.'), 'ok');
                route(true);
              } catch (err) {
                error2.textContent = errorText(err);
              }
            },
          },
            field(t('Password, to turn two-step login off'), pw2), error2,
            h('button', {type: 'submit'}, t('Turn two-step login off'))));
    }
  } else {
    status.append(
        h('p', t('Off. Turn it on so that your password alone is not enough to log in.')),
        h('button.primary', {
          type: 'button',
          onclick: async () => {
            const card = await totpSetupCard(async (codes) => {
              await reloadMe();
              mount(main, h('h1', t('Two-step login is on')), recoveryCodesCard(codes, () => route()));
            });
            mount(main, h('h1', t('Set up two-step login')), card);
          },
        },
          t('Set up two-step login')));
  }
  mount(
      main, h('h1', t('Your account')),
      h('p', t('Logged in as {username} ({role}).', {username: me.username, role: roleName(me.role)})),
      passwordForm(
          false,
          async (r) => {
            say(t('Your password is changed. {n} other sessions were logged out.', {n: r.other_sessions_ended}), 'ok');
            route(true);
          }),
      status,
      me.role === 'patient' && me.patient_id ? pushCard(me.patient_id, session.patient && session.patient.time_zone) :
                                               null,
      me.role === 'patient' && me.patient_id ?
          calendarCard(me.patient_id, session.patient && session.patient.time_zone) :
          null,
      languageCard(() => route()), themeCard());
}

// The login form's second step: a code from the app, or a recovery code.
export function secondStep(onCode) {
  const code = h('input', { id: 'totp-code', name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9 ]*', maxlength: '7' });
  const recovery = h('input', { id: 'recovery-code', name: 'recovery', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
  const recoveryField = field(
      t('Recovery code'), recovery, t('One of the codes you saved when you set up two-step login. Each works once.'));
  recoveryField.hidden = true;
  const toggle =
      h('button.link', {
        type: 'button',
        onclick: () => {
          const useRecovery = recoveryField.hidden;
          recoveryField.hidden = !useRecovery;
          codeField.hidden = useRecovery;
          toggle.textContent =
              useRecovery ? t('Use a code from the app instead') : t('Lost your phone? Use a recovery code');
          (useRecovery ? recovery : code).focus();
        },
      },
        t('Lost your phone? Use a recovery code'));
  const codeField = field(t('6-digit code from your authenticator app'), code);
  const box = h('div.second-step', codeField, recoveryField, toggle);
  box.value = () => (recoveryField.hidden ? { totp_code: code.value } : { recovery_code: recovery.value });
  box.focusFirst = () => code.focus();
  onCode(box);
  return box;
}

