// Writes made while offline wait in localStorage and are sent, in order, once the browser is back
// online. Every queued write carries its client_id, so the API stores it once even if a send is
// repeated after a lost answer (docs/api.md: PUT diary and POST doses are idempotent by client_id).
import { api } from './api.js';

const KEY = 'ldn.outbox.v1';
const listeners = new Set();
let flushing = null;

function load() {
  try { return JSON.parse(localStorage.getItem(KEY) || '[]'); } catch { return []; }
}
function save(items) {
  localStorage.setItem(KEY, JSON.stringify(items));
  for (const fn of listeners) fn(items.length);
}

export function pending() { return load().length; }
export function onChange(fn) { listeners.add(fn); }

// Queues {method, path, body, label}; body must already hold its client_id.
export function enqueue(write) {
  const items = load();
  items.push({ ...write, queued_at: new Date().toISOString() });
  save(items);
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

// Sends the queue in order. A network failure stops (the rest waits for the next 'online'); an
// answer from the server, success or refusal, removes the write (a refusal is reported).
export function flush(report = () => {}) {
  if (flushing) return flushing;
  flushing = (async () => {
    let sent = 0;
    for (;;) {
      const items = load();
      if (!items.length) break;
      const w = withScaleVersion(items[0]);
      try {
        await api(w.method, w.path, w.body);
        sent += 1;
      } catch (err) {
        if (err.code === 'network') break;
        report(`A saved entry (${w.label}) was not accepted: ${err.message}`);
      }
      save(load().slice(1));
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
