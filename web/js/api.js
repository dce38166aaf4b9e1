// The HTTP JSON API (docs/api.md): cookie session + CSRF header on writes, errors as ApiError.
import {serverText} from './i18n.js';

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    // A refusal written for a patient carries its catalog key and values (message_key, vars;
    // src/core/result.h Status::text): shown in the app's language, with the server's English
    // as the fallback for a key the catalog lacks.
    super(
        e.message_key ? serverText({key: e.message_key, vars: e.vars, text: e.message}) :
                        e.message || `HTTP ${status}`);
    this.english = e.message || null;
    this.status = status;
    this.code = e.code || 'network';
    this.field = e.field || null;
  }
}

// Behind HTTPS the server names its cookies __Host-ldn_… (docs/api.md).
function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)(?:__Host-)?ldn_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

// A patient's own reads are kept on the device by the service worker (web/sw.js) so that the app
// opens with no network; app.js turns this on for a patient's session only, never for staff.
let keepOffline = false;
export function keepReadsForOffline(on) { keepOffline = !!on; }
// Called with true when an answer came from the device's stored copy (no network), false otherwise.
const copyListeners = new Set();
export function onStoredCopy(fn) { copyListeners.add(fn); }

export async function api(method, path, body, extraHeaders = {}) {
  const headers = { ...extraHeaders };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken();
  else if (keepOffline) headers['X-Offline-Cache'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(BASE + path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, { error: { code: 'network', message: 'No connection to the server.' } });
  }
  if (method === 'GET') for (const fn of copyListeners) fn(res.headers.get('X-Offline-Copy') === '1');
  if (res.status === 204) return null;
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body, headers) => api('PUT', path, body, headers);
export const del = (path) => api('DELETE', path);

// A client-generated id for idempotent writes (1-64 of [A-Za-z0-9._:-]).
export function clientId(prefix) {
  const r = crypto.getRandomValues(new Uint32Array(3));
  return `${prefix}-${Date.now().toString(36)}-${Array.from(r, (n) => n.toString(36)).join('')}`;
}

// An error for people: the server's message in plain words, never a field path such as
// "items.pain" or "doses[63].dose_mg" (the API keeps those in `field` for programs). A diary item's
// field is named by its label when `labelOf(key, group)` knows it ("Pain: must be 0-10"); `group`
// is "lifestyle" or "custom" (the patient's own items) for a key inside those, else null.
export function errorText(err, labelOf = () => null) {
  const message = String((err && err.message) || 'Something went wrong.').replace(/\b[a-z_]+(\[\d+\])+(\.[a-z_]+)*: /g, '');
  // "items.pain" names the item; "items.lifestyle.sleep_hours" the factor inside lifestyle,
  // "items.custom.headache" the patient's own item.
  const m = err && err.field ? /^(?:entries\[\d+\]\.)?items\.([a-z_]+)(?:\.([a-z0-9_]+))?/.exec(err.field) : null;
  const inside = m && m[2] && (m[1] === 'lifestyle' || m[1] === 'custom');
  const label = m ? labelOf(inside ? m[2] : m[1], inside ? m[1] : null) : null;
  return label ? `${label}: ${message}` : message;
}

// A button's click handler for `fn` that clears `errorEl`, disables the button while `fn` runs and
// shows its failure in words in `errorEl` (web/js/share.js, web/js/push.js).
export function actingOn(errorEl) {
  return (fn) => async (event) => {
    errorEl.textContent = '';
    const button = event && event.currentTarget;
    if (button) button.disabled = true;
    try {
      await fn();
    } catch (err) {
      errorEl.textContent = errorText(err);
    } finally {
      if (button) button.disabled = false;
    }
  };
}
