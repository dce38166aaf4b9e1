// Calendar dates in the patient's time zone. Dates are 'YYYY-MM-DD' strings (local calendar
// dates, as the API uses them); arithmetic is done on UTC noon so that no DST shift can move a day.
// Dates shown to people follow the app's language (web/js/i18n.js: en-GB, da-DK, nb-NO).
import {locale} from './i18n.js';

export function todayIn(tz) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz || 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

export function nowTimeIn(tz) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz || 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date());
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get('hour')}:${get('minute')}`;
}

function toUtcNoon(date) {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d, 12);
}

export function addDays(date, n) {
  return new Date(toUtcNoon(date) + n * 86400000).toISOString().slice(0, 10);
}

export function daysBetween(a, b) {
  return Math.round((toUtcNoon(b) - toUtcNoon(a)) / 86400000);
}

// Seconds since the epoch of a local date's noon, for charts (the x axis shows calendar days).
export function chartTime(date) {
  return toUtcNoon(date) / 1000;
}

export function formatDate(date, opts = { weekday: 'short', day: 'numeric', month: 'short' }) {
  return new Intl.DateTimeFormat(locale(), {...opts, timeZone: 'UTC'}).format(new Date(toUtcNoon(date)));
}

export function formatLongDate(date) {
  return formatDate(date, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

// An instant ('2026-11-30T03:18:44Z') shown in the given zone.
export function formatInstant(instant, tz) {
  return new Intl.DateTimeFormat(locale(), {timeZone: tz || 'UTC', dateStyle: 'medium', timeStyle: 'short'})
      .format(new Date(instant));
}
