#!/usr/bin/env node
// The message catalogs of the web app (issue 15, item 6; web/js/i18n.js).
//
// Translators edit web/locales/src/*.json, one file per area of the app, each key (the English
// text, as written in the code) beside its translations:
//   {"Save": {"da": "Gem", "nb": "Lagre"},
//    "{n} entries waiting to send": {"en": {"one": "{n} entry waiting to send", "other": "{n} entries waiting to send"},
//                                    "da": {"one": "…", "other": "…"}, "nb": {"one": "…", "other": "…"}}}
// "en" is needed only where the English text differs from the key (plural forms).
//
//   node scripts/locales.mjs          writes web/locales/{en,da,nb}.json from the sources
//   node scripts/locales.mjs --check  fails (exit 1) when the written catalogs are not the sources'
//                                     output, or when a key used in web/js or web/sw.js (t('…'), N_('…')) is
//                                     missing from a language, a catalog holds a key no code
//                                     uses, or a translation's {placeholders} differ from the key's.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'web/locales/src');
const outDir = path.join(root, 'web/locales');
const LANGS = ['en', 'da', 'nb'];
const errors = [];

// Merges the source files; a key in two files must carry the same translations.
function readSources() {
  const merged = {};
  for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.json')).sort()) {
    let doc;
    try {
      doc = JSON.parse(fs.readFileSync(path.join(srcDir, file), 'utf8'));
    } catch (e) {
      errors.push(`web/locales/src/${file}: not JSON (${e.message})`);
      continue;
    }
    for (const [key, tr] of Object.entries(doc)) {
      if (key in merged && JSON.stringify(merged[key]) !== JSON.stringify(tr))
        errors.push(`"${key}": translated differently in two files (one is web/locales/src/${file})`);
      merged[key] = tr;
    }
  }
  return merged;
}

function placeholders(text) {
  const values = typeof text === 'object' ? Object.values(text) : [text];
  return [...new Set(values.flatMap((v) => [...String(v).matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort().join(',');
}

function catalogs(merged) {
  const out = Object.fromEntries(LANGS.map((l) => [l, {}]));
  for (const key of Object.keys(merged).sort()) {
    const tr = merged[key];
    out.en[key] = tr.en ?? key;
    for (const l of ['da', 'nb']) {
      const v = tr[l];
      if (v === undefined || v === '') {
        errors.push(`"${key}": no ${l} translation`);
        continue;
      }
      if (typeof v === 'object' && (!v.one || !v.other)) errors.push(`"${key}": ${l} plural needs "one" and "other"`);
      if (placeholders(v) !== placeholders(out.en[key]))
        errors.push(`"${key}": ${l} placeholders {${placeholders(v)}} differ from {${placeholders(out.en[key])}}`);
      out[l][key] = v;
    }
    if (typeof out.en[key] === 'object' && (!out.en[key].one || !out.en[key].other))
      errors.push(`"${key}": en plural needs "one" and "other"`);
  }
  return out;
}

// The keys the code uses: string literals in t('…') and N_('…') (single or double quotes, or a
// template literal without ${}).
function usedKeys() {
  const used = new Map();
  const files = fs.readdirSync(path.join(root, 'web/js')).filter((f) => f.endsWith('.js')).map((f) => `js/${f}`);
  for (const file of [...files, 'sw.js']) {
    const text = fs.readFileSync(path.join(root, 'web', file), 'utf8');
    const re = /\b(?:t|N_)\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\$]|\\.)*)`)/g;
    for (const m of text.matchAll(re)) {
      const raw = m[1] ?? m[2] ?? m[3];
      const key = raw.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
      if (!used.has(key)) used.set(key, file);
    }
  }
  return used;
}

const merged = readSources();
const out = catalogs(merged);
const check = process.argv.includes('--check');
if (check) {
  const used = usedKeys();
  for (const [key, file] of used) if (!(key in merged)) errors.push(`"${key}" (web/${file}): not in web/locales/src`);
  for (const key of Object.keys(merged)) if (!used.has(key)) errors.push(`"${key}": in web/locales/src but no code uses it`);
  for (const l of LANGS) {
    const file = path.join(outDir, `${l}.json`);
    const want = JSON.stringify(out[l], null, 1) + '\n';
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== want)
      errors.push(`web/locales/${l}.json is not the sources' output: run node scripts/locales.mjs`);
  }
  if (errors.length) {
    for (const e of errors) console.error(e);
    console.error(`${errors.length} problem(s) in the message catalogs`);
    process.exit(1);
  }
  console.log(`catalogs: ${used.size} keys used in web/js, ${Object.keys(merged).length} in each of ${LANGS.join(', ')}`);
} else {
  if (errors.length) {
    for (const e of errors) console.error(e);
    process.exit(1);
  }
  for (const l of LANGS) fs.writeFileSync(path.join(outDir, `${l}.json`), JSON.stringify(out[l], null, 1) + '\n');
  console.log(`wrote web/locales/{${LANGS.join(',')}}.json: ${Object.keys(merged).length} keys`);
}
