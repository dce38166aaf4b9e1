import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec, PHONE_390, DESKTOP } from '../harness.mjs';

// The patient takes their data with them (issue 15, item 4): on My progress, their report (PDF), its
// one-page summary for an appointment and their diary as CSV and JSON download as files; the diary files are the documented diary format,
// read back by `ldn analyze` (the same analysis the clinic sees); a refusal is said in words.
runSpec('patient_export', async (t) => {
  const { check, newPage, login, visit, ldn, work, apiAs } = t;

  const { context, page } = await newPage(PHONE_390, { acceptDownloads: true });
  await login(page, 'patient');
  await visit(page, '#/progress', 'patient-progress-take-away', 'phone-390',
    async (p) => { await p.getByRole('heading', { name: 'Take your data with you' }).waitFor(); });

  async function download(label) {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: label }).click()]);
    const path = join(work, file.suggestedFilename());
    await file.saveAs(path);
    return { name: file.suggestedFilename(), path, bytes: readFileSync(path) };
  }

  const pdf = await download('My report (PDF)');
  check(pdf.bytes.subarray(0, 5).toString() === '%PDF-' && /\.pdf$/.test(pdf.name), `the report downloads as a PDF (${pdf.name}, ${pdf.bytes.length} bytes)`);
  const summary = await download('One-page summary for an appointment (PDF)');
  const pages = (f) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [f], { encoding: 'utf8' }))[1]);
  check(/^ldn-summary-.*\.pdf$/.test(summary.name) && pages(summary.path) === 1 && pages(pdf.path) > 1,
    `the one-page summary downloads as its own PDF (${summary.name}: ${pages(summary.path)} page; the report ${pages(pdf.path)})`);
  const csv = await download('My diary for a spreadsheet (CSV)');
  const csvText = csv.bytes.toString('utf8');
  const header = csvText.split('\n').find((l) => l.startsWith('date,')) || '';
  check(/\.csv$/.test(csv.name) && /^date,/.test(header) && header.includes('pain'),
    `the diary downloads as CSV with a header row (${csv.name}: ${header.slice(0, 40)}...)`);
  const json = await download('My diary as data (JSON)');
  const doc = JSON.parse(json.bytes.toString('utf8'));
  const listed = await apiAs(page, 'GET', '/patients/1/diary?from=2021-01-01&to=2030-12-30');
  const stored = (listed.json && listed.json.entries) || [];
  check(listed.status === 200, `the diary list (${listed.status}${listed.status !== 200 ? `: ${JSON.stringify(listed.json)}` : ''})`);
  check(Array.isArray(doc.diary) && doc.diary.length === stored.length && doc.course.steps.length > 0,
    `the JSON holds every diary day (${doc.diary.length} of ${stored.length}) and the plan's ${doc.course.steps.length} steps`);

  // Both files are what `ldn analyze` reads, and it finds the same answer in each.
  const analyze = (path) => JSON.parse(execFileSync(ldn, ['analyze', '--json', path], { encoding: 'utf8' }));
  const fromCsv = analyze(csv.path);
  const fromJson = analyze(json.path);
  check(fromCsv.verdict !== undefined && JSON.stringify(fromCsv.verdict) === JSON.stringify(fromJson.verdict),
    `ldn analyze reads both downloads and gives the same verdict (${JSON.stringify(fromJson.verdict).slice(0, 80)})`);
  const server = (await apiAs(page, 'GET', '/patients/1/analysis')).json;
  check(JSON.stringify(server.verdict) === JSON.stringify(fromJson.verdict), 'the same verdict as the app\'s own analysis');
  await context.close();

  // A patient with no course yet: the refusal is said in words beside the button.
  {
    const { context: c2, page: p2 } = await newPage(DESKTOP, { acceptDownloads: true });
    await login(p2, 'clinician');
    const made = await apiAs(p2, 'POST', '/patients', { display_name: 'Nina Newcomer', time_zone: 'Europe/Oslo' });
    check(made.status === 201, `a new patient without a course (${made.status})`);
    const r = await apiAs(p2, 'GET', `/patients/${made.json.id}/export?format=csv`);
    check(r.status === 409, `the export of a patient with no course is refused (${r.status}: ${r.json && r.json.error.message})`);
    const bad = await apiAs(p2, 'GET', '/patients/1/export?format=xlsx');
    check(bad.status === 400 && bad.json.error.field === 'format', `an unknown format is refused naming the field (${bad.status})`);
    await c2.close();
  }
  {
    const { context: c3, page: p3 } = await newPage(DESKTOP, { acceptDownloads: true });
    await login(p3, 'patient');
    await visit(p3, '#/progress', 'patient-progress-take-away', 'desktop',
      async (p) => { await p.getByRole('heading', { name: 'Take your data with you' }).waitFor(); });
    await c3.close();
  }
}, {});
