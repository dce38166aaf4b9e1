// The diary's 0-10 items as the server serves them (GET /api/v1/diary-items, which is
// data/diary_items.json itself): questions, anchors, direction and scale version. The web app
// keeps no copy of its own, so the questions a patient answers, the direction the analysis reads
// and the scale version a write declares are the same data (issue 12; tests/web/specs/direction.mjs).
import {ApiError, get} from './api.js';
import {t} from './i18n.js';

const STORE_KEY = 'ldn.diary-items';
let loaded = null;

// The item keys in diary order ("pain", "fatigue", ...), filled by loadItems().
export const ITEMS = [];

// Loads the items once per page. Offline, the copy of the last load (kept in localStorage)
// serves, so a diary can still be filled in; without either the error is thrown.
export async function loadItems() {
  if (loaded) return loaded;
  let doc = null;
  try {
    doc = await get('/diary-items');
    try { localStorage.setItem(STORE_KEY, JSON.stringify(doc)); } catch { /* storage full or blocked */ }
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'network') throw err;
    doc = JSON.parse(localStorage.getItem(STORE_KEY) || 'null');
    if (!doc) throw err;
  }
  loaded = doc;
  ITEMS.splice(0, ITEMS.length, ...doc.entries.map((e) => e.id));
  return loaded;
}

// {id, label, question, anchor_0, anchor_10, higher_is, source, ...} of one item; null before
// loadItems() or for an unknown key.
export function itemInfo(key) {
  return loaded ? loaded.entries.find((e) => e.id === key) || null : null;
}

// The scale version every diary write declares (docs/diary-format.md, "Scale versions").
export function scaleVersion() {
  return loaded ? loaded.scale_version : null;
}

// The lifestyle factors a patient may log beside the ratings ({id, label, question, kind: "number"
// or "yes_no", unit, min, max, step, source}); never part of the analysis. [] before loadItems().
export function lifestyleFactors() { return (loaded && loaded.lifestyle) || []; }

// {id, label, ...} of one lifestyle factor; null when unknown.
export function lifestyleInfo(key) { return lifestyleFactors().find((f) => f.id === key) || null; }

// The file and its version, for "Where does this come from?" on staff pages.
export function itemsSource() {
  return loaded ? t('{file} (version {version}, scale version {scale})',
                    {file: loaded.file, version: String(loaded.version), scale: String(loaded.scale_version)}) :
                  'data/diary_items.json';
}

// The same in a patient's words (no file names).
export function itemsSourcePlain() {
  return loaded ? t('the diary\'s list of questions, version {version} (scale version {scale})',
                    {version: String(loaded.version), scale: String(loaded.scale_version)}) :
                  t('the diary\'s list of questions');
}
