// Writes made while offline wait in localStorage and are sent, in order, once the browser is back
// online. Every queued write carries its client_id, so the API stores it once even if a send is
// repeated after a lost answer (docs/api.md: PUT diary and POST doses are idempotent by client_id).
//
// The queue holds health data, so it belongs to one user (issue 17, M9): each write is stored with
// the id of the user who made it and is only ever sent in that user's session. Logging out clears
// the user's queue (app.js warns first when something is unsent); when another user logs in on the
// same browser, writes of anyone else are deleted unsent, never replayed under the new session.
// Writes queued by the app before that change (LEGACY_KEY, no user id) are kept only for the one
// user they can belong to: a patient, when every one of them is a write to that patient's own
// record; for anyone else they are deleted unsent.
import { api } from './api.js';
import {t} from './i18n.js';

const KEY = 'ldn.outbox.v2';
const LEGACY_KEY = 'ldn.outbox.v1';  // writes of no known user: never sent
const listeners = new Set();
let flushing = null;
let currentUser = null;
let currentPatient = null;

function loadAll() {
  try {
    const items = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(items) ? items : [];
  } catch { return []; }
}
function saveAll(items) {
  if (items.length) localStorage.setItem(KEY, JSON.stringify(items));
  else localStorage.removeItem(KEY);
  for (const fn of listeners) fn(pending());
}
function mine(items) { return items.filter((w) => currentUser !== null && w.user_id === currentUser); }

// Moves writes of the legacy queue to the current user's when they can only be theirs (above);
// deletes the legacy queue either way. Returns how many were deleted.
function adoptLegacy() {
  let legacy;
  try { legacy = JSON.parse(localStorage.getItem(LEGACY_KEY) || '[]'); } catch { legacy = []; }
  localStorage.removeItem(LEGACY_KEY);
  if (!Array.isArray(legacy) || !legacy.length) return 0;
  const own = currentPatient === null ? null : `/patients/${currentPatient}/`;
  if (own === null || !legacy.every((w) => w && typeof w.path === 'string' && w.path.startsWith(own))) return legacy.length;
  saveAll([...legacy.map((w) => ({ ...w, user_id: currentUser })), ...loadAll()]);
  return 0;
}

// The user whose session this is (null when logged out) and, for a patient, their patient id.
// Deletes, unsent, every queued write of any other user, and returns how many.
export function setUser(userId, patientId = null) {
  currentUser = userId === null || userId === undefined ? null : userId;
  currentPatient = currentUser === null || patientId === null || patientId === undefined ? null : patientId;
  if (currentUser === null) return 0;
  const droppedLegacy = adoptLegacy();
  const items = loadAll();
  const kept = items.filter((w) => w.user_id === currentUser);
  if (kept.length !== items.length) saveAll(kept);
  return droppedLegacy + items.length - kept.length;
}

export function pending() { return mine(loadAll()).length; }
export function onChange(fn) { listeners.add(fn); }

// Deletes the current user's queued writes (logging out); returns how many were unsent.
export function clearForLogout() {
  const items = loadAll();
  const kept = items.filter((w) => w.user_id !== currentUser);
  const dropped = items.length - kept.length;
  saveAll(kept);
  currentUser = null;
  currentPatient = null;
  return dropped;
}

// Queues {method, path, body, label}; body must already hold its client_id.
export function enqueue(write) {
  if (currentUser === null) throw new Error(t('not logged in'));
  const items = loadAll();
  items.push({ ...write, user_id: currentUser, queued_at: new Date().toISOString() });
  saveAll(items);
}

// A diary write queued by the app before scale version 2 (issue 12) has no scale_version: it was
// answered on scale 1, where mood ran 0 = very low, 10 = very good. Saying so lets the server
// convert it (it refuses a diary write that does not say which scale it is on).
export function withScaleVersion(w) {
  if (!w.body || typeof w.body !== 'object') return w;
  if (w.method === 'PUT' && /\/diary\/\d{4}-\d{2}-\d{2}$/.test(w.path) && w.body.scale_version === undefined) {
    return { ...w, body: { ...w.body, scale_version: 1 } };
  }
  if (w.method === 'POST' && /\/diary:batch$/.test(w.path) && Array.isArray(w.body.entries)) {
    return { ...w, body: { ...w.body, entries: w.body.entries.map((e) => (e.scale_version === undefined ? { ...e, scale_version: 1 } : e)) } };
  }
  return w;
}

// Sends the current user's queue in order. A network failure stops (the rest waits for the next
// 'online'); so does a 401 (the session ended: the writes wait for this user's next login); any
// other answer, success or refusal, removes the write (a refusal is reported).
export function flush(report = () => {}) {
  if (flushing) return flushing;
  flushing = (async () => {
    let sent = 0;
    if (currentUser !== null) adoptLegacy();
    for (;;) {
      const user = currentUser;
      const first = mine(loadAll())[0];
      if (!first || user === null) break;
      const w = withScaleVersion(first);
      try {
        await api(w.method, w.path, w.body);
        sent += 1;
      } catch (err) {
        if (err.code === 'network' || err.status === 401) break;
        report(t('A saved entry ({label}) was not accepted: {error}', {label: String(w.label), error: err.message}));
      }
      // Remove the write just handled: the first of this user's (writes queued meanwhile come after it).
      const items = loadAll();
      const i = items.findIndex((x) => x.user_id === user);
      if (i >= 0) items.splice(i, 1);
      saveAll(items);
    }
    return sent;
  })().finally(() => { flushing = null; });
  return flushing;
}

// Sends now when online, else queues. Returns {queued: bool, result}.
export async function sendOrQueue(write) {
  if (navigator.onLine) {
    try {
      return { queued: false, result: await api(write.method, write.path, write.body) };
    } catch (err) {
      if (err.code !== 'network') throw err;
    }
  }
  enqueue(write);
  return { queued: true, result: null };
}
