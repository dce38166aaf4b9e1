#!/usr/bin/env node
// Copies the browser library files the web app serves from node_modules/ into web/vendor/
// (web/vendor/README.md). Run after `npm ci` when package.json changes a library's version.
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = [
  ['node_modules/uplot/dist/uPlot.esm.js', 'web/vendor/uPlot.esm.js'],
  ['node_modules/uplot/dist/uPlot.min.css', 'web/vendor/uPlot.min.css'],
  ['node_modules/uplot/LICENSE', 'web/vendor/uPlot.LICENSE'],
  // QR codes for TOTP enrolment, drawn in the browser (the secret never leaves the page).
  ['node_modules/qrcode-generator/dist/qrcode.mjs', 'web/vendor/qrcode.mjs'],
];
const version = JSON.parse(readFileSync(join(root, 'node_modules/uplot/package.json'), 'utf8')).version;
for (const [from, to] of files) copyFileSync(join(root, from), join(root, to));
const qrVersion = JSON.parse(readFileSync(join(root, 'node_modules/qrcode-generator/package.json'), 'utf8')).version;
console.log(`web/vendor: uPlot ${version}, qrcode-generator ${qrVersion} copied; update the versions in web/vendor/README.md if they changed`);
