// Languages and locales (issue 15, item 6). Every string a patient reads is looked up in a message
// catalog served at /locales/{lang}.json (English, Danish, Norwegian Bokmål); dates, times and
// numbers are formatted by the language's locale (decimal commas in Danish and Norwegian).
//
// Contract:
// - t(key, vars): the key is the English text itself (gettext style), e.g. the key Save, or
//   {n} entries waiting to send with vars {n}. It returns the current language's text with each
//   {name} replaced by vars.name (numbers are formatted by the locale). A catalog value may be an
//   object of plural forms ({"one": …, "other": …}, Intl.PluralRules categories) chosen by vars.n.
//   A key missing from the catalog shows the English key and is recorded in missingKeys() (the
//   browser tests fail on any).
// - Keys are string literals in the calls of t and N_, so that scripts/locales.mjs --check checks that
//   every key is in every catalog. Texts from data/ (diary items, side effects) carry their own
//   translations there and are picked with pick().
// - The language is the one chosen on this device (localStorage 'ldn.lang'; it is no health
//   data), else the first of the browser's languages we have, else English. loadLanguage() must
//   finish before the first page is drawn (app.js).
// - Instruments (FIQR, PGIC) are shown only in validated translations; ldn has none for Danish
//   or Norwegian, so they show in English with a note (instrumentNote()), marked lang="en".

// (time.js imports this module too: its functions are used only when called, after both load.)
import {formatDate} from './time.js';

export const LANGUAGES = [
  {code: 'en', locale: 'en-GB', name: 'English'},
  {code: 'da', locale: 'da-DK', name: 'Dansk'},
  {code: 'nb', locale: 'nb-NO', name: 'Norsk bokmål'},
];
const KEY = 'ldn.lang';

let current = LANGUAGES[0];
let catalog = {};
// Keys missing from the current catalog, kept on the page for the browser tests to read.
const missing = (globalThis.ldnMissingKeys = new Set());

// The language this device asked for: the stored choice, else the browser's languages (Norwegian
// "no" and Nynorsk "nn" are served Bokmål, the closest we have), else English.
export function preferredLanguage() {
  const stored = localStorage.getItem(KEY);
  if (LANGUAGES.some((l) => l.code === stored)) return stored;
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base === 'da') return 'da';
    if (base === 'nb' || base === 'no' || base === 'nn') return 'nb';
    if (base === 'en') return 'en';
  }
  return 'en';
}

// Loads the catalog of `code` (or the preferred language) and makes it current. A catalog that
// cannot be read (offline with no stored copy) leaves English, which needs none to be readable.
export async function loadLanguage(code = preferredLanguage()) {
  const lang = LANGUAGES.find((l) => l.code === code) || LANGUAGES[0];
  try {
    const res = await fetch(`locales/${lang.code}.json`, {credentials: 'same-origin'});
    if (!res.ok) throw new Error(`locales/${lang.code}.json: ${res.status}`);
    catalog = await res.json();
    current = lang;
  } catch {
    catalog = {};
    current = LANGUAGES[0];
  }
  rules = null;
  document.documentElement.lang = current.code;
  // For the service worker, which shows reminders in this language (web/sw.js); not health data.
  if (window.caches) {
    caches.open('ldn-settings')
        .then((c) => c.put(new URL('settings/lang', document.baseURI).href, new Response(current.code)))
        .catch(() => {});
  }
  return current.code;
}

// Keeps the user's choice on this device and loads it.
export async function chooseLanguage(code) {
  localStorage.setItem(KEY, code);
  return loadLanguage(code);
}

export function language() { return current.code; }
export function locale() { return current.locale; }
export function missingKeys() { return [...missing]; }

function fill(text, vars) {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in vars)) return whole;
    const v = vars[name];
    return typeof v === 'number' ? formatNumber(v) : String(v);
  });
}

let rules = null;  // the current language's plural rules, made once per language (loadLanguage)
function pluralRules() {
  if (!rules) rules = new Intl.PluralRules(current.locale);
  return rules;
}

export function t(key, vars) {
  let text = catalog[key];
  if (text === undefined) {
    if (current.code !== 'en') missing.add(key);
    text = key;
  }
  if (typeof text === 'object') {
    const n = vars && typeof vars.n === 'number' ? vars.n : 0;
    text = text[pluralRules().select(n)] ?? text.other;
  }
  return fill(text, vars);
}

// A text from data/ with its translations: obj[field] is English, obj.translations[lang][field]
// the translation, if there is one.
export function pick(obj, field) {
  if (!obj) return '';
  const tr = obj.translations && obj.translations[current.code];
  return (tr && tr[field]) || obj[field];
}

// A number by the locale: 2.5 is "2,5" in Danish and Norwegian.
export function formatNumber(x, opts = {
  maximumFractionDigits: 2
}) {
  return new Intl.NumberFormat(current.locale, opts).format(x);
}

// The first day of the week by the locale (1 = Monday … 7 = Sunday).
export function firstDayOfWeek() {
  try {
    const l = new Intl.Locale(current.locale);
    const info = l.weekInfo || (l.getWeekInfo && l.getWeekInfo());
    if (info && info.firstDay) return info.firstDay;
  } catch { /* an older browser */
  }
  return 1;  // Monday: ISO 8601, and the custom in Denmark, Norway and the UK
}

// The note shown with an instrument that has no validated translation in the current language.
export function instrumentNote() {
  return current.code === 'en' ?
      null :
      t('This questionnaire is shown in English: it has no validated translation in ldn yet.');
}

// Marks a literal as a catalog key where it is written (a table of labels) for t() to translate
// where it is shown, by t(label). The catalog check finds keys in the literal calls of t and N_.
export function N_(key) { return key; }

// A text the server wrote for the patient (src/core/message.h: {key, vars, text}) in the current
// language: the catalog's text for `key` with each value filled in: a number by the locale, a
// {number, digits} with exactly those decimals, a 'YYYY-MM-DD' date as the language writes dates,
// a nested {key, vars} translated in turn, and a diary item {item, label} by opts.item(id, label)
// (the caller's labels in the language; else the server's English label). A key the catalog lacks
// (a server newer than the app) shows the server's English `text`; serverTextIsTranslated() tells
// the caller to mark it lang="en".
export function serverText(m, opts = {}) {
  if (!m || typeof m !== 'object') return m ? String(m) : '';
  if (current.code !== 'en' && !(m.key in catalog) && m.text) {
    missing.add(m.key);
    return m.text;
  }
  const vars = {};
  for (const [name, v] of Object.entries(m.vars || {})) {
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
      vars[name] = formatDate(v, {day: 'numeric', month: 'long', year: 'numeric'});
    } else if (v && typeof v === 'object' && 'key' in v) {
      vars[name] = serverText(v, opts);
    } else if (v && typeof v === 'object' && 'item' in v) {
      vars[name] = (opts.item && opts.item(v.item, v.label)) || v.label;
    } else if (v && typeof v === 'object' && typeof v.number === 'number') {
      vars[name] = formatNumber(v.number, {minimumFractionDigits: v.digits || 0, maximumFractionDigits: v.digits || 0});
    } else {
      vars[name] = v;
    }
  }
  return t(m.key, vars);
}

export function serverTextIsTranslated(m) {
  return current.code === 'en' || Boolean(m && typeof m === 'object' && m.key in catalog);
}
