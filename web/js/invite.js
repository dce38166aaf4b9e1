// Pages for people who are not logged in (docs/clinic.md, "Invitations and accounts"): a patient
// makes their account from their clinic's invitation code; anyone sets a password from a one-time
// password code (a new account, or a reset by the administrator).
import {api} from './api.js';
import {setTitle} from './app.js';
import {field, h, mount} from './dom.js';
import {t} from './i18n.js';

function passwordFields() {
  const pass =
      h('input', {id: 'new-password', type: 'password', autocomplete: 'new-password', required: true, minlength: '12'});
  const again = h('input', { id: 'new-password-again', type: 'password', autocomplete: 'new-password', required: true });
  return {
    pass,
    again,
    fields: [
      field(
          t('Choose a password'), pass,
          t('At least 12 characters, not your username. A few unrelated words make a good one; very common passwords are refused.')),
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

// A form of a code and a new password (and any `extra` fields) that `accept({code, password})`
// sends; its answer's username goes into `doneText`. The two passwords must match; too many
// attempts are said in words.
function codeForm(main, code, {title, lead, extra = [], submitLabel, accept, doneText}) {
  setTitle(title);
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
            const r = await accept({code: c.input.value.trim(), password: p.pass.value});
            mount(main, done(doneText(r.username)));
          } catch (err) {
            error.textContent =
                err.status === 429 ? t('Too many attempts. Wait a quarter of an hour and try again.') : err.message;
          }
        },
      },
        h('h1', title), h('p', lead), c.field, extra, p.fields, error,
        h('button.primary', {type: 'submit'}, submitLabel)));
}

export async function invite(main, code) {
  const user = h('input', {
    id: 'new-username',
    type: 'text',
    required: true,
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false'
  });
  codeForm(main, code, {
    title: t('Set up your account'),
    lead: t('Your clinic gave you a code. With it you choose the username and password you will log in with.'),
    extra: [field(t('Choose a username'), user, t('Letters, digits and . _ @ - only.'))],
    submitLabel: t('Create my account'),
    accept: (body) => api('POST', '/invitations/accept', {...body, username: user.value.trim()}),
    doneText: (username) => t('Your account {username} is ready. Log in with it now.', {username}),
  });
}

export async function password(main, code) {
  codeForm(main, code, {
    title: t('Set your password'),
    lead: t('Your administrator gave you a one-time code. It works once.'),
    submitLabel: t('Set my password'),
    accept: (body) => api('POST', '/password-codes/accept', body),
    doneText: (username) => t('The password of {username} is set. Log in with it now.', {username}),
  });
}
