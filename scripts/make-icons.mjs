#!/usr/bin/env node
// Renders web/favicon.svg into the PNG icons of the web app manifest (web/icons/icon-192.png,
// icon-512.png; web/manifest.webmanifest), with Debian's Chromium through playwright-core. Run at
// dev time when the logo changes; the PNGs are committed:  node scripts/make-icons.mjs
// The logo sits inside the central 80% ("maskable" safe zone, W3C Web App Manifest, purpose) on
// a white square, so the same file serves as "any" and "maskable".
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(join(root, 'package.json'))('playwright-core');
const svg = readFileSync(join(root, 'web', 'favicon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.LDN_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const size of [192, 512]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const inner = Math.round(size * 0.7);
  await page.setContent(`<html><body style="margin:0;background:#fff;display:grid;place-items:center;width:${size}px;height:${size}px">
    <div style="width:${inner}px;height:${inner}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body></html>`);
  await page.screenshot({ path: join(root, 'web', 'icons', `icon-${size}.png`) });
  await page.close();
}
await browser.close();
