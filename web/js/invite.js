// Pages for people who are not logged in (docs/clinic.md, "Invitations and accounts"): a patient
// makes their account from their clinic's invitation code; anyone sets a password from a one-time
// password code (a new account, or a reset by the administrator).
import {api} from './api.js';
import {setTitle} from './app.js';
import {field, h, mount} from './dom.js';
import {t} from './i18n.js';

function passwordFields() {
  const pass = h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', required: true, minlength: '8' });
  const again = h('input', { id: 'new-password-again', type: 'password', autocomplete: 'new-password', required: true });
  return {
    pass,
    again,
    fields: [
      field(
          t('Choose a password'), pass,
          t('At least 8 characters; not your username. A long phrase is easiest to remember.')),
      field(t('The same password again'), again)
    ]
  };
}

function codeField(code) {
  const input = h('input', { id: 'account-code', type: 'text', required: true, value: code || '', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false' });
  return {input, field: field(t('Your code'), input, t('As you were given it; dashes and case do not matter.'))};
}

function done(message) {
  return h(
      'div.card.narrow', h('h1', t('Done')), h('p.saved', message),
      h('p', h('a.button', {href: '#/login'}, t('Log in'))));
}

export async function invite(main, code) {
  setTitle(t('Set up your account'));
  const c = codeField(decodeURIComponent(code || ''));
  const user = h('input', { id: 'new-username', type: 'text', required: true, autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' });
  const p = passwordFields();
  const error = h('p.error', { role: 'alert' });
  mount(
      main,
      h('form.card.narrow', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          if (p.pass.value !== p.again.value) {
            error.textContent = t('The two passwords differ.');
            return;
          }
          try {
            const r = await api(
                'POST', '/invitations/accept',
                {code: c.input.value.trim(), username: user.value.trim(), password: p.pass.value});
            mount(main, done(t('Your account {username} is ready. Log in with it now.', {username: r.username})));
          } catch (err) {
            error.textContent =
                err.status === 429 ? t('Too many attempts. Wait a quarter of an hour and try again.') : err.message;
          }
        },
      },
        h('h1', t('Set up your account')),
        h('p', t('Your clinic gave you a code. With it you choose the username and password you will log in with.')),
        c.field, field(t('Choose a username'), user, t('Letters, digits and . _ @ - only.')), p.fields, error,
        h('button.primary', {type: 'submit'}, t('Create my account'))));
}

export async function password(main, code) {
  setTitle(t('Set your password'));
  const c = codeField(decodeURIComponent(code || ''));
  const p = passwordFields();
  const error = h('p.error', { role: 'alert' });
  mount(
      main,
      h('form.card.narrow', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          if (p.pass.value !== p.again.value) {
            error.textContent = t('The two passwords differ.');
            return;
          }
          try {
            const r = await api('POST', '/password-codes/accept', {code: c.input.value.trim(), password: p.pass.value});
            mount(main, done(t('The password of {username} is set. Log in with it now.', {username: r.username})));
          } catch (err) {
            error.textContent =
                err.status === 429 ? t('Too many attempts. Wait a quarter of an hour and try again.') : err.message;
          }
        },
      },
        h('h1', t('Set your password')), h('p', t('Your administrator gave you a one-time code. It works once.')),
        c.field, p.fields, error, h('button.primary', {type: 'submit'}, t('Set my password'))));
}
