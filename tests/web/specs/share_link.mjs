import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec, PHONE_390, DESKTOP } from '../harness.mjs';

// Share the report for an appointment (issue 15, item 4): on My progress the patient makes a link that
// works for 1 day; opened with nothing but the link (no cookie, as a doctor elsewhere would) it is the
// report the clinic reads (a PDF, read back with pdftotext); the patient stops it and the same link
// then answers 404; the clinician sees that it was shared and stopped, never the link; large targets at
// 390 px, axe clean in light and dark.
runSpec('share_link', async (t) => {
  const { check, newPage, login, visit, shot, audit, apiAs, work, base } = t;

  const { page } = await newPage(PHONE_390);
  await login(page, 'patient');
  await visit(page, '#/progress', 'patient-progress-share', 'phone-390',
    async (p) => { await p.getByRole('heading', { name: 'Share your report for an appointment' }).waitFor(); });
  const card = page.locator('#share-card');
  await card.getByText('You have not shared your report yet.').waitFor();
  check(true, 'before any link: "You have not shared your report yet."');
  for (const label of ['1 day', '7 days', '30 days']) {
    const box = await card.locator('label', { hasText: new RegExp(`^${label}$`) }).boundingBox();
    check(box && box.height >= 44, `"${label}" is a large target (${box && Math.round(box.height)} px)`);
  }
  await card.locator('label', { hasText: /^1 day$/ }).click();
  await card.getByRole('button', { name: 'Make a link' }).click();
  const input = card.locator('#share-url');
  await input.waitFor();
  const url = await input.inputValue();
  check(new RegExp(`^${base}/api/v1/shared/[A-Za-z0-9_-]{43}\\.pdf$`).test(url), `the link is shown once (${url.replace(/[A-Za-z0-9_-]{43}/, '<token>')})`);
  const until = await card.locator('.ok-text').innerText();
  check(/works until/.test(until) && !/\d{4}-\d{2}-\d{2}T/.test(until), `it says until when, in words ("${until}")`);
  const links = (await apiAs(page, 'GET', '/patients/1/share-links')).json.links;
  const hours = (Date.parse(links[0].expires_at) - Date.parse(links[0].created_at)) / 3600e3;
  check(links.length === 1 && links[0].live && hours === 24, `the server keeps a live link for 1 day (${hours} h)`);
  check(!JSON.stringify(links).includes(url.split('/').pop().replace('.pdf', '')), 'the list never holds the link itself');
  await card.getByText('Links you made').waitFor();
  const stop = card.getByRole('button', { name: /^Stop sharing/ });
  const stopBox = await stop.boundingBox();
  check(stopBox && stopBox.height >= 44, `"Stop sharing" is a large target (${stopBox && Math.round(stopBox.height)} px)`);
  await shot(page, 'patient-progress-share-link', 'phone-390');
  await page.emulateMedia({ colorScheme: 'dark' });
  await audit(page, 'patient-progress-share-link-dark');
  await shot(page, 'patient-progress-share-link-dark', 'phone-390');
  await page.emulateMedia({ colorScheme: 'light' });

  // A doctor elsewhere opens it: no cookie, no header.
  const r = await fetch(url);
  const bytes = Buffer.from(await r.arrayBuffer());
  check(r.status === 200 && r.headers.get('content-type') === 'application/pdf' && bytes.subarray(0, 5).toString() === '%PDF-',
    `the link opens the report as a PDF with no login (${r.status}, ${r.headers.get('content-type')}, ${bytes.length} bytes)`);
  const file = join(work, 'shared.pdf');
  writeFileSync(file, bytes);
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  const own = await apiAs(page, 'GET', '/patients/1/report.pdf');
  const ownFile = join(work, 'own.pdf');
  writeFileSync(ownFile, await own.response.body());
  const ownText = execFileSync('pdftotext', [ownFile, '-'], { encoding: 'utf8' });
  check(text.length > 200 && text === ownText, `it is the report the clinic reads (pdftotext: ${text.length} characters, same as the patient's own copy)`);
  check(/no-store/.test(r.headers.get('cache-control') || ''), `the shared report is not kept by caches (Cache-Control: ${r.headers.get('cache-control')})`);

  // The one-page summary for an appointment (issue 15, item 4): its own link beside the report's,
  // one page (pdfinfo) that says it is the summary and how long the full report is.
  const summaryUrl = await card.locator('#share-summary-url').inputValue();
  check(summaryUrl === `${url}?scope=summary`, 'the summary\'s link is shown beside the report\'s');
  const sr = await fetch(summaryUrl);
  const summaryFile = join(work, 'summary.pdf');
  writeFileSync(summaryFile, Buffer.from(await sr.arrayBuffer()));
  const summaryPages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [summaryFile], { encoding: 'utf8' }))[1]);
  const fullPages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))[1]);
  const summaryText = execFileSync('pdftotext', [summaryFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  check(sr.status === 200 && summaryPages === 1 && fullPages > 1 && summaryText.includes('One-page summary for an appointment')
    && summaryText.includes(`The full report (${fullPages} pages)`),
    `the summary's link opens one page (${sr.status}; ${summaryPages} page, the report ${fullPages}) that names the full report`);

  // The patient stops it: the same link then answers 404, like an unknown one.
  await stop.click();
  await card.getByText('Stopped. That link no longer opens your report.').waitFor();
  const after = await fetch(url);
  check(after.status === 404, `after "Stop sharing" the link answers 404 (${after.status})`);
  check((await fetch(summaryUrl)).status === 404, 'and so does the summary\'s link');
  await card.locator('li.record', { hasText: 'Stopped' }).waitFor();
  check(await card.getByRole('button', { name: /^Stop sharing/ }).count() === 0, 'the stopped link is listed as stopped, with nothing left to stop');
  await shot(page, 'patient-progress-share-stopped', 'phone-390');

  // The clinician sees that it was shared and stopped, never the link; and cannot make one.
  const { page: doc } = await newPage(DESKTOP);
  await login(doc, 'clinician');
  const seen = await apiAs(doc, 'GET', '/patients/1/share-links');
  check(seen.status === 200 && seen.json.links.length === 1 && seen.json.links[0].revoked_at && seen.json.links[0].created_by_role === 'patient',
    `the clinician sees one link made by the patient, stopped (${JSON.stringify(seen.json.links.map((l) => [l.live, !!l.revoked_at]))})`);
  const refused = await apiAs(doc, 'POST', '/patients/1/share-links', { days: 7 });
  check(refused.status === 403, `only the patient makes a link (${refused.status})`);
});
