// Reminders on this device (issue 15, item 2b): the patient turns on Web Push in this browser; the
// server then sends the bedtime dose, the diary, due questionnaires and plan changes itself
// (docs/web.md "Push reminders"). The browser's push service holds the message until the device
// is online; it is encrypted for this browser alone. The service worker (sw.js) shows it.
import {actingOn, del, errorText, get, post} from './api.js';
import {h, mount} from './dom.js';
import {t} from './i18n.js';
import {formatInstant} from './time.js';

// base64url text -> bytes (the server's VAPID key, PushManager.subscribe's applicationServerKey).
function keyBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

// Whether this browser can show reminders at all (a service worker and the Push API, over HTTPS or
// on localhost).
function supported() {
  return window.isSecureContext && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

// The browser a push service belongs to, in words (its endpoint's host; docs/api.md "Push reminders").
function deviceName(service) {
  if (/(^|\.)fcm\.googleapis\.com$/.test(service)) return t('Chrome, Edge or another Chromium browser');
  if (/(^|\.)push\.services\.mozilla\.com$/.test(service)) return 'Firefox';
  if (/(^|\.)push\.apple\.com$/.test(service)) return 'Safari';
  if (/(^|\.)notify\.windows\.com$/.test(service)) return 'Windows';
  return service;
}

async function currentSubscription() {
  if (!supported()) return null;
  const reg = await navigator.serviceWorker.getRegistration();
  return reg && reg.pushManager ? reg.pushManager.getSubscription() : null;
}

// The Account page's card for patient `patientId` (time zone `tz` for the dates shown).
export function pushCard(patientId, tz) {
  const base = `/patients/${patientId}/push-subscriptions`;
  const body = h('div');
  const error = h('p.error', {role: 'alert'});
  const card = h(
      'section.card.narrow', {'aria-labelledby': 'push-h', id: 'push-card'},
      h('h2', {id: 'push-h'}, t('Reminders on this device')),
      h('p',
        t('This phone or computer can remind you of your bedtime dose (22:00), your diary (20:00, only if you have not filled it in), questionnaires when they are due, and changes to your plan.')),
      h('p.hint', t('The reminders do not name your medicine, so they are discreet on a locked screen.')), body, error);

  const act = actingOn(error);

  async function turnOn() {
    if (Notification.permission === 'denied') {
      throw new Error(t(
          'Notifications are blocked for ldn in this browser. Allow them in the browser\'s site settings, then try again.'));
    }
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') {
      throw new Error(t('Reminders need your permission to show notifications. Nothing was turned on.'));
    }
    const {public_key: key} = await get('/push/public-key');
    const reg = await navigator.serviceWorker.ready;
    let sub;
    try {
      sub = await reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: keyBytes(key)});
    } catch (err) {
      throw new Error(t(
          'This browser could not turn on reminders (it said: {message}). Try again later, or use the calendar link below.',
          {message: (err && err.message) || t('no answer')}));
    }
    await post(base, sub.toJSON());
    await load(t('Reminders are on for this device.'));
  }

  function deviceLine(s, here) {
    const since = formatInstant(s.created_at, tz);
    const result = h('span.hint', {'aria-live': 'polite'});
    return h(
        'li.push-device',
        h('span',
          here ? t('This device, since {date}', {date: since}) :
                 t('{device}, since {date}', {device: deviceName(s.service), date: since})),
        h('span.push-actions',
          h('button', {
            type: 'button',
            onclick: act(async () => {
              result.textContent = t('Sending…');
              const r = await post(`${base}/${s.id}/test`, {});
              result.textContent = r.delivered ? t('Sent: the device shows it in a moment.') : r.message;
              if (r.gone) await load();
            }),
          },
            t('Send a test reminder')),
          ' ',
          h('button', {
            type: 'button',
            onclick: act(async () => {
              await del(`${base}/${s.id}`);
              if (here) {
                const sub = await currentSubscription();
                if (sub) await sub.unsubscribe();
              }
              await load(t('Reminders are off for that device.'));
            }),
          },
            here ? t('Turn off on this device') : t('Turn off'))),
        result);
  }

  async function load(note) {
    const [{subscriptions}, mine] = await Promise.all([get(base), currentSubscription().catch(() => null)]);
    const live = subscriptions.filter((s) => s.live);
    const here = mine ? live.find((s) => s.endpoint === mine.endpoint) : null;
    const lines = [];
    if (note) lines.push(h('p.ok-text', {role: 'status'}, note));
    if (!supported()) {
      lines.push(h('p', t('This browser cannot show reminders. The calendar link below works on every phone.')));
    } else if (!here) {
      lines.push(
          h('p',
            h('button.primary', {type: 'button', id: 'push-on', onclick: act(turnOn)},
              t('Turn on reminders on this device'))));
    }
    if (live.length) {
      lines.push(
          h('h3', t('Devices with reminders')),
          h('ul.push-devices', ...live.map((s) => deviceLine(s, here && s.id === here.id))));
    }
    const stopped = subscriptions.filter((s) => !s.live && s.revoke_reason !== 'replaced').slice(0, 3);
    if (stopped.length) {
      lines.push(
          h('details', h('summary', t('Devices no longer reminded')),
            h('ul',
              ...stopped.map(
                  (s) =>
                      h('li',
                        (s.revoke_reason || '').startsWith('gone') ?
                            t('{device}: stopped {date} (the browser no longer accepts them)',
                              {device: deviceName(s.service), date: formatInstant(s.revoked_at, tz)}) :
                            t('{device}: stopped {date}',
                              {device: deviceName(s.service), date: formatInstant(s.revoked_at, tz)}))))));
    }
    mount(body, ...lines);
  }

  load().catch((err) => {
    error.textContent = errorText(err);
  });
  return card;
}
