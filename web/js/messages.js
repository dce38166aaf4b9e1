// The secure message thread of a patient with their care team (docs/clinic.md, "Messages"): the
// patient's page (#/messages) and the clinician's (#/patient/{id}/messages). Opening the thread
// marks it read (read receipts); each message says who has read it.
import {clientId, get, post} from './api.js';
import {say, session, setTitle} from './app.js';
import {field, h, mount, uid} from './dom.js';
import {N_, t} from './i18n.js';
import {formatInstant} from './time.js';

// The roles the server names a sender by (store.cpp kRoleNames), in words.
const ROLES = {
  patient: N_('patient'),
  clinician: N_('clinician'),
  pharmacist: N_('pharmacist'),
  researcher: N_('researcher'),
  admin: N_('admin'),
};

async function thread(main, patientId, { title, back, tz }) {
  setTitle(title);
  const r = await get(`/patients/${patientId}/messages`);
  const last = r.messages.length ? r.messages[r.messages.length - 1].id : 0;
  const unreadBefore = r.unread;
  if (unreadBefore && last) {
    try { await post(`/patients/${patientId}/messages/read`, { up_to_id: last }); } catch { /* a receipt is not worth an error */ }
  }
  const body = h('textarea', { id: uid('msg'), rows: '3', required: true, maxlength: '5000' });
  const error = h('p.error', { role: 'alert' });
  const receipt = (m) => {
    const others = (m.read_by || []).filter((x) => x.user_id !== m.sender_user_id);
    if (!m.mine) return null;
    return h(
        'p.small.muted',
        others.length ?
            t('Read by {names}', {names: others.map((x) => `${x.name} ${formatInstant(x.read_at, tz)}`).join(', ')}) :
            t('Not read yet'));
  };
  const list = r.messages.length ?
      h('ol.thread',
        r.messages.map(
            (m) =>
                h('li', {class: m.mine ? 'msg mine' : 'msg'},
                  h('p.small.muted',
                    m.mine ? t('You, {time}', {time: formatInstant(m.sent_at, tz)}) : t('{name} ({role}), {time}', {
                      name: m.sender_name,
                      role: ROLES[m.sender_role] ? t(ROLES[m.sender_role]) : m.sender_role,
                      time: formatInstant(m.sent_at, tz)
                    })),
                  h('p.msg-body', {'data-free-text': ''}, m.body), receipt(m)))) :
      h('p', t('No messages yet.'));
  const sendKey = clientId('msg');
  mount(
      main, h('h1', title), back ? h('div.actions', back) : null,
      h('p.muted',
        t('Messages are for questions that can wait. If it is urgent or you feel very unwell, call your clinic or emergency services.')),
      unreadBefore ? h('p.saved', t('{n} new messages.', {n: unreadBefore})) : null,
      h('section.card', {'aria-label': t('Messages')}, list),
      h('section.card',
        h('form', {
          onsubmit: async (e) => {
            e.preventDefault();
            error.textContent = '';
            const button = e.target.querySelector('button[type="submit"]');
            button.disabled = true;
            try {
              await post(`/patients/${patientId}/messages`, {body: body.value, client_id: sendKey});
              say(t('Message sent.'), 'ok');
              await thread(main, patientId, {title, back, tz});
            } catch (err) {
              button.disabled = false;
              error.textContent = err.message;
            }
          },
        },
          field(t('Your message'), body), error, h('button.primary', {type: 'submit'}, t('Send')))));
}

// The patient's own thread.
export async function patientMessages(main) {
  const tz = (session.patient && session.patient.time_zone) || 'UTC';
  return thread(main, session.me.patient_id, {title: t('Messages with your care team'), back: null, tz});
}

// A clinician's view of one patient's thread.
export async function clinicianMessages(main, id) {
  const patient = await get(`/patients/${id}`);
  return thread(main, id, {
    title: t('Messages: {name}', {name: patient.display_name}),
    back: h('a.button', {href: `#/patient/${id}`}, t('Patient page')),
    tz: patient.time_zone,
  });
}
