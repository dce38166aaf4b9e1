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
// Sources named server_*.json hold the texts only the server writes (the PDF reports, in C++:
// src/report, as L.T("…") and N_("…")); they go to web/locales/server/{en,da,nb}.json, which the
// server reads beside the app's catalogs (src/server/catalogs.h) and the app never loads.
//
//   node scripts/locales.mjs          writes web/locales/{en,da,nb}.json and web/locales/server/
//                                     from the sources
//   node scripts/locales.mjs --check  fails (exit 1) when the written catalogs are not the sources'
//                                     output, or when a key used in web/js or web/sw.js (t('…'), N_('…')),
//                                     in src/report (T("…"), N_("…")) or as a refusal's text in the rest
//                                     of src (N_("…")), is missing from a language, a
//                                     catalog holds a key no code uses, or a translation's
//                                     {placeholders} differ from the key's.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'web/locales/src');
const outDir = path.join(root, 'web/locales');
const serverOutDir = path.join(root, 'web/locales/server');
const serverCodeDir = path.join(root, 'src/report');
const LANGS = ['en', 'da', 'nb'];
const errors = [];

// Merges the source files; a key in two files must carry the same translations.
function readSources(server) {
  const merged = {};
  const files = fs.readdirSync(srcDir).filter((f) => f.endsWith('.json') && f.startsWith('server_') === server);
  for (const file of files.sort()) {
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

// The keys C++ code uses: the string literals of the first argument of the calls `names` (adjacent
// literals joined; each branch of a ?: is a key), in the .cpp files under `dir` (tests excluded).
function cppUsedKeys(dir, names, skip = []) {
  const used = new Map();
  const files = fs.readdirSync(dir, {recursive: true})
                    .filter((f) => f.endsWith('.cpp') && !f.endsWith('_test.cpp'))
                    .filter((f) => !skip.some((s) => f === s || f.startsWith(`${s}/`)));
  const call = new RegExp(`\\b(?:${names.join('|')})\\(`, 'g');
  for (const file of files.sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(call)) {
      // The first argument: up to a ',' or ')' outside brackets and strings.
      let i = m.index + m[0].length, depth = 0, run = null;
      const runs = [];
      const endRun = () => {
        if (run !== null) runs.push(run);
        run = null;
      };
      for (; i < text.length; ++i) {
        const c = text[i];
        if (c === '"') {
          let j = i + 1;
          while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
          const raw = text.slice(i + 1, j).replace(/\\'/g, "'");
          run = (run ?? '') + JSON.parse(`"${raw}"`);
          i = j;
          continue;
        }
        if (/\s/.test(c)) continue;
        endRun();
        if (c === '(' || c === '[' || c === '{') ++depth;
        else if (c === ')' || c === ']' || c === '}') {
          if (depth === 0) break;
          --depth;
        } else if (c === ',' && depth === 0) break;
      }
      endRun();
      const where = `${path.relative(root, dir)}/${file}`;
      for (const key of runs) if (!used.has(key)) used.set(key, where);
    }
  }
  return used;
}

// The report's keys: T(…) and N_(…) in src/report. The refusals a patient reads (a Status's text,
// src/core/result.h WithText): N_(…) in the rest of src, keys of the app's catalogs (the app
// translates the error's message_key).
const serverUsedKeys = () => cppUsedKeys(serverCodeDir, ['T', 'N_']);
const refusalKeys = () => cppUsedKeys(path.join(root, 'src'), ['N_'], ['report']);

function sameFile(file, want) {
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8') === want;
}

const merged = readSources(false);
const out = catalogs(merged);
const serverMerged = readSources(true);
const serverOut = catalogs(serverMerged);
const check = process.argv.includes('--check');
if (check) {
  const used = usedKeys();
  for (const [key, file] of refusalKeys()) if (!used.has(key)) used.set(key, `../${file}`);
  for (const [key, file] of used) {
    const where = file.startsWith('../') ? file.slice(3) : `web/${file}`;
    if (!(key in merged)) errors.push(`"${key}" (${where}): not in web/locales/src`);
  }
  for (const key of Object.keys(merged)) if (!used.has(key)) errors.push(`"${key}": in web/locales/src but no code uses it`);
  const serverUsed = serverUsedKeys();
  for (const [key, file] of serverUsed)
    if (!(key in serverMerged)) errors.push(`"${key}" (${file}): not in web/locales/src/server_*.json`);
  for (const key of Object.keys(serverMerged))
    if (!serverUsed.has(key)) errors.push(`"${key}": in web/locales/src/server_*.json but no code in src/report uses it`);
  for (const l of LANGS) {
    if (!sameFile(path.join(outDir, `${l}.json`), JSON.stringify(out[l], null, 1) + '\n'))
      errors.push(`web/locales/${l}.json is not the sources' output: run node scripts/locales.mjs`);
    if (!sameFile(path.join(serverOutDir, `${l}.json`), JSON.stringify(serverOut[l], null, 1) + '\n'))
      errors.push(`web/locales/server/${l}.json is not the sources' output: run node scripts/locales.mjs`);
  }
  if (errors.length) {
    for (const e of errors) console.error(e);
    console.error(`${errors.length} problem(s) in the message catalogs`);
    process.exit(1);
  }
  console.log(`catalogs: ${used.size} keys used in web/js and src (N_), ${Object.keys(merged).length} in each of ${LANGS.join(', ')}; ` +
              `${serverUsed.size} used in src/report, ${Object.keys(serverMerged).length} in web/locales/server`);
} else {
  if (errors.length) {
    for (const e of errors) console.error(e);
    process.exit(1);
  }
  fs.mkdirSync(serverOutDir, {recursive: true});
  for (const l of LANGS) {
    fs.writeFileSync(path.join(outDir, `${l}.json`), JSON.stringify(out[l], null, 1) + '\n');
    fs.writeFileSync(path.join(serverOutDir, `${l}.json`), JSON.stringify(serverOut[l], null, 1) + '\n');
  }
  console.log(`wrote web/locales/{${LANGS.join(',')}}.json: ${Object.keys(merged).length} keys; ` +
              `web/locales/server/: ${Object.keys(serverMerged).length}`);
}
