import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec, PHONE_390, DESKTOP, localDate, openMoreAboutToday } from '../harness.mjs';

// Issue 12, the direction of the diary scales (docs/diary-format.md, "Direction"):
// - the patient's diary renders every item's question and anchors from the server's
//   data/diary_items.json, every scale runs 0 = best, 10 = worst (mood and sleep reworded), and the
//   analysis' higher_is agrees with it for every item;
// - a write must say its scale version; an old (scale 1) write is converted, never stored reversed;
// - "Is it working?": "Evaluation opens on DATE" before the plan's evaluation window, every item in
//   plain words with its interval after it, sources behind "Where does this come from?";
// - the clinician's per-item table says improvement / worsening from the analysis, and a patient
//   who wakes far more tired sees and is shown a worsening, never an improvement (web, API, PDF);
// - an off-plan dose is a reported deviation, and no page shows a path like doses[63].
runSpec('direction', async (t) => {
  const { check, newPage, login, visit, shot, apiAs, shots } = t;
  const TZ = 'Europe/Oslo';
  const PAT = 1;  // Pat Demo: 84 days on LDN (src/server/demo.cpp)

  const { context: patCtx, page: pat } = await newPage(PHONE_390);
  await login(pat, 'patient');
  const served = (await apiAs(pat, 'GET', '/diary-items')).json;
  check(served && served.scale_version === 2 && served.entries.length === 9,
    `the server serves data/diary_items.json (scale version ${served && served.scale_version}, ${served && served.entries.length} items)`);
  const byId = new Map(served.entries.map((e) => [e.id, e]));

  // ---- 1. The diary: anchors from the server, 0 = best for every item ----------------------------
  async function diaryAnchors() {
    await visit(pat, '#/today', 'direction-diary', 'phone390', async (p) => p.getByRole('heading', { name: 'How was your day?' }).waitFor());
    const rendered = await pat.evaluate(() => [...document.querySelectorAll('fieldset[data-scale]')].map((f) => ({
      id: f.dataset.scale,
      label: (f.querySelector('.item-label') || {}).textContent,
      question: (f.querySelector('.item-q') || {}).textContent,
      low: f.querySelectorAll('.anchors span')[0] && f.querySelectorAll('.anchors span')[0].textContent,
      high: f.querySelectorAll('.anchors span')[1] && f.querySelectorAll('.anchors span')[1].textContent,
      first: (f.querySelector('.scale-opt label') || {}).textContent,
    })));
    check(rendered.length === served.entries.length && rendered.every((r, i) => r.id === served.entries[i].id),
      `the diary shows the served items in the served order (${rendered.map((r) => r.id).join(', ')})`);
    for (const r of rendered) {
      const e = byId.get(r.id) || {};
      check(r.label === e.label && r.question === e.question && r.low === `0 ${e.anchor_0}` && r.high === `10 ${e.anchor_10}` && r.first === '0',
        `${r.id}: the web renders the served question and anchors ("${r.question}" 0 = ${e.anchor_0}, 10 = ${e.anchor_10})`);
      check(e.higher_is === 'worse', `${r.id}: 0 = "${e.anchor_0}" is the best end (higher_is ${e.higher_is})`);
    }
    const mood = rendered.find((r) => r.id === 'mood');
    check(mood && mood.question === 'How low or down did you feel today?' && mood.low === '0 not at all low' && mood.high === '10 extremely low',
      `mood is asked as low mood: "${mood && mood.question}" ${mood && mood.low} / ${mood && mood.high}`);
    const sleep = rendered.find((r) => r.id === 'sleep');
    check(sleep && sleep.label === 'Waking unrefreshed' && sleep.question === 'How tired were you when you woke up this morning?' &&
      sleep.low === '0 awoke well rested' && sleep.high === '10 awoke very tired',
      `sleep is asked as tiredness on waking: "${sleep && sleep.label}: ${sleep && sleep.question}"`);
    await openMoreAboutToday(pat);
    await pat.locator('fieldset[data-scale="mood"] legend').scrollIntoViewIfNeeded();
    await pat.screenshot({ path: join(shots, 'direction-diary-mood-phone390.png') });

    // The web's anchors and the analysis' direction are the same data, item by item.
    const analysis = (await apiAs(pat, 'GET', `/patients/${PAT}/analysis`)).json;
    const primary = analysis && analysis.primary_window;
    for (const e of served.entries) {
      const result = analysis && analysis.items[e.id] && analysis.items[e.id][primary];
      check(result && result.higher_is === e.higher_is && result.label === e.label,
        `${e.id}: the analysis reads the same direction the diary shows (${result && result.higher_is})`);
    }

    // A saved entry declares its scale version; mood 2 is stored as 2.
    const today = localDate(TZ);
    const sent = [];
    pat.on('request', (req) => { if (req.method() === 'PUT' && req.url().endsWith(`/diary/${today}`)) sent.push(req.postDataJSON()); });
    await openMoreAboutToday(pat);
    await pat.locator('fieldset[data-scale="mood"] label', { hasText: /^2$/ }).click();
    await pat.locator('fieldset[data-scale="sleep"] label', { hasText: /^3$/ }).click();
    await pat.getByRole('button', { name: /Save/ }).click();
    await pat.getByText('Saved. Thank you.').first().waitFor();
    const stored = (await apiAs(pat, 'GET', `/patients/${PAT}/diary/${today}`)).json;
    check(sent.length === 1 && sent[0].scale_version === 2, `the diary write says scale_version 2 (${JSON.stringify(sent.map((b) => b.scale_version))})`);
    check(stored.items.mood === 2 && stored.items.sleep === 3, `the entry is stored as answered (mood ${stored.items.mood}, sleep ${stored.items.sleep})`);
  }

  // ---- 2. Old clients: refused without a scale version; scale 1 converted, also from the outbox -----
  async function oldClients() {
    const day = localDate(TZ, -1);
    const bare = await apiAs(pat, 'PUT', `/patients/${PAT}/diary/${day}`, { client_id: 'old-app-1', items: { mood: 8 } });
    check(bare.status === 400 && bare.json.error.field === 'scale_version',
      `a write without scale_version is refused, naming it (${bare.status} ${bare.json && bare.json.error.field})`);
    const v1 = await apiAs(pat, 'PUT', `/patients/${PAT}/diary/${day}`, { client_id: 'old-app-2', scale_version: 1, items: { pain: 4, mood: 8 } });
    check(v1.status < 300 && v1.json.items.mood === 2 && v1.json.items.pain === 4 && v1.json.converted_from_scale_version === 1,
      `a scale-1 mood of 8 ("very good") is stored as 2 ("not low") (${v1.status}, mood ${v1.json && v1.json.items.mood})`);
    // A write the app queued offline before scale version 2 (no scale_version in its body).
    const day2 = localDate(TZ, -2);
    await pat.evaluate(({ d, p }) => {
      const legacy = [{ method: 'PUT', path: `/patients/${p}/diary/${d}`, label: `diary ${d}`, body: { client_id: 'legacy-outbox-1', items: { pain: 5, mood: 9 } }, queued_at: new Date().toISOString() }];
      localStorage.setItem('ldn.outbox.v1', JSON.stringify(legacy));
      window.dispatchEvent(new Event('online'));
    }, { d: day2, p: PAT });
    // Sent when the old queue is empty and the user's queue (v2, which adopts it at once) too: v2's
    // entry is removed only after the server answered (waiting on v1 alone raced the PUT).
    await pat.waitForFunction(() => ['ldn.outbox.v1', 'ldn.outbox.v2'].every((k) => JSON.parse(localStorage.getItem(k) || '[]').length === 0));
    const legacy = (await apiAs(pat, 'GET', `/patients/${PAT}/diary/${day2}`)).json;
    check(legacy.client_id === 'legacy-outbox-1' && legacy.items.mood === 1,
      `an entry queued by the old app is sent as scale 1 and stored converted (mood 9 -> ${legacy.items && legacy.items.mood})`);
  }

  // ---- 3. A worsening sleep: the patient wakes far more tired than before LDN ----------------------
  async function sleepWorsens() {
    const ev = (await apiAs(pat, 'GET', `/patients/${PAT}/evaluation`)).json;
    const add = (d, n) => new Date(Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10), 12) + n * 86400000).toISOString().slice(0, 10);
    const from = add(ev.first_dose, -14);
    const to = add(ev.first_dose, 83);
    const diary = (await apiAs(pat, 'GET', `/patients/${PAT}/diary?from=${from}&to=${to}`)).json;
    let written = 0;
    for (const e of diary.entries) {
      const day = Math.round((Date.parse(`${e.date}T12:00:00Z`) - Date.parse(`${ev.first_dose}T12:00:00Z`)) / 86400000);
      let sleep = null;
      if (day < 0) sleep = [2, 2, 1, 3][day & 3];
      if (day >= 70) sleep = [7, 6, 7, 7][day & 3];
      if (sleep === null) continue;
      const r = await apiAs(pat, 'PUT', `/patients/${PAT}/diary/${e.date}`, { client_id: `sleep-${e.date}`, scale_version: 2, items: { ...e.items, sleep } });
      if (r.status < 300) written += 1;
    }
    check(written >= 20, `the patient records waking very tired at week 12 and rested before LDN (${written} days)`);
    const a = (await apiAs(pat, 'GET', `/patients/${PAT}/analysis`)).json;
    const s12 = a.items.sleep[a.primary_window];
    check(s12.change_is === 'worsening' && s12.change > 3 && s12.higher_is === 'worse',
      `the analysis calls the sleep change a worsening (${s12.change && s12.change.toFixed(2)} points, ${s12.change_is})`);
    return a;
  }

  // ---- 4. The patient's "Is it working?" after the evaluation window ------------------------------
  async function patientAfterWindow(a) {
    await visit(pat, '#/progress', 'direction-progress-open', 'phone390', async (p) => p.locator('[data-evaluation="open"]').waitFor());
    const items = await pat.evaluate(() => [...document.querySelectorAll('ul.items-plain li')].map((li) => ({ id: li.dataset.item, is: li.dataset.changeIs, text: li.textContent })));
    check(items.length === 9, `every item is listed in plain words (${items.length})`);
    const w = a.primary_window;
    for (const i of items) {
      const r = a.items[i.id][w];
      check(i.is === (r.change_is || 'none') && (!r.plain || i.text === r.plain), `${i.id}: "${i.text}"`);
      if (r.interval) check(/than before LDN \(somewhere between .+\): (better|worse|no clear change)$/.test(i.text) || /about the same/.test(i.text), `${i.id} gives its interval in words`);
      check(!(r.change_is === 'worsening' && /better/.test(i.text)) && !(r.change_is === 'improvement' && /worse/.test(i.text)),
        `${i.id}: no worsening is called better, no improvement worse`);
    }
    const sleep = items.find((i) => i.id === 'sleep');
    check(sleep && /^Waking unrefreshed \d+% higher than before LDN \(somewhere between \d+% and \d+% higher\): worse$/.test(sleep.text),
      `the patient reads the worse sleep as worse: "${sleep && sleep.text}"`);
    const caveat = await pat.locator('.verdict-card p', { hasText: /cannot show whether LDN caused/ }).count();
    check(caveat === 1, 'one sentence says what an open before/after comparison cannot show');
    const sources = pat.locator('.verdict-card details.why');
    check(!(await sources.evaluate((d) => d.open)), 'the sources wait behind "Where does this come from?"');
    await sources.locator('summary').click();
    check(await sources.getByText(/95% interval/).isVisible(), 'opened, the disclosure explains the interval and cites the method');
    await shot(pat, 'direction-progress-open-sources', 'phone390');
    const body = await pat.locator('main').textContent();
    check(!/\b[a-z_]+\[\d+\]/.test(body), 'no internal path (like doses[63]) on the page');
  }

  // ---- 5. The patient's "Is it working?" before the evaluation window -----------------------------
  async function patientBeforeWindow() {
    const { context: docCtx, page: doc } = await newPage(DESKTOP);
    await login(doc, 'clinician');
    const sam = ((await apiAs(doc, 'GET', '/patients')).json.patients || []).find((p) => p.display_name === 'Sam Sample');
    const ev = (await apiAs(doc, 'GET', `/patients/${sam.id}/evaluation`)).json;
    check(ev.open === false && ev.first_dose_taken, `Sam's evaluation opens on ${ev.opens_on}, 8 weeks after the first dose ${ev.first_dose}`);
    // Sam is invited to the app by the clinician and makes an account (issue 13's invitation).
    const invited = await apiAs(doc, 'POST', `/patients/${sam.id}/invitations`);
    check(invited.status === 201 && invited.json.code, `the clinician invites Sam to the app (${invited.status})`);
    await docCtx.close();
    const { context, page } = await newPage(PHONE_390);
    const made = await page.request.post('/api/v1/invitations/accept', { data: { code: invited.json.code, username: 'sam', password: 'a quiet walk by the river' } });
    check(made.status() === 201, `Sam makes an account from the invitation (${made.status()})`);
    await login(page, ['sam', 'a quiet walk by the river']);
    await visit(page, '#/progress', 'direction-progress-before', 'phone390', async (p) => p.locator('[data-evaluation="closed"]').waitFor());
    const text = await page.locator('.verdict-card').textContent();
    const long = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
      .format(new Date(`${ev.opens_on}T12:00:00Z`));
    check(text.includes(`Evaluation opens on ${long}`), `before the window the patient reads "Evaluation opens on ${long}"`);
    check(!/lower than before|higher than before|better|worse|IMMPACT|responder/i.test(text.replace('Where does this come from?', '')) && (await page.locator('ul.items-plain').count()) === 0,
      'and no verdict, no per-item result');
    await context.close();
  }

  // ---- 6. The clinician: every item with improvement / worsening; a deviation; the PDF -------------
  async function clinicianSees(a) {
    // An off-plan dose, logged by the patient (yesterday): kept and reported, never a refusal.
    const day = localDate(TZ, -1);
    const plan = (await apiAs(pat, 'GET', `/patients/${PAT}/courses`)).json.courses.find((c) => c.status === 'active');
    let dose = await apiAs(pat, 'POST', `/patients/${PAT}/doses`, { date: day, taken: true, dose_mg: 3, time: '22:00', client_id: 'offplan-1', course_id: plan.id });
    if (dose.status === 409) {  // the API may ask the patient to confirm an off-plan dose (issue 12, item 4)
      dose = await apiAs(pat, 'POST', `/patients/${PAT}/doses`, { date: day, taken: true, dose_mg: 3, time: '22:00', client_id: 'offplan-2', course_id: plan.id, off_plan_reason: 'ran short of the liquid' });
    }
    check(dose.status === 201, `the patient logs 3 mg where the plan says 4.5 mg (${dose.status})`);
    await patCtx.close();

    for (const [viewport, label] of [[DESKTOP, 'desktop'], [PHONE_390, 'phone390']]) {
      const { context, page } = await newPage(viewport);
      await login(page, 'clinician');
      await visit(page, `#/patient/${PAT}`, 'direction-clinician', label, async (p) => p.locator('table.items-table').waitFor());
      const rows = await page.evaluate(() => [...document.querySelectorAll('table.items-table tbody tr')].map((tr) => ({
        id: tr.dataset.item, higher: tr.querySelector('[data-higher-is]').textContent,
        is: tr.querySelector('[data-change-is]').dataset.changeIs, text: tr.querySelector('[data-change-is]').textContent,
      })));
      check(rows.length === 9, `${label}: the clinician's table has every item (${rows.length})`);
      const fresh = (await apiAs(page, 'GET', `/patients/${PAT}/analysis`)).json;
      for (const r of rows) {
        const want = fresh.items[r.id][fresh.primary_window];
        check(r.higher === byId.get(r.id).higher_is && r.is === (want.change_is || 'none'),
          `${label}: ${r.id} shows higher is ${r.higher}, change ${r.text} (analysis: ${want.change_is})`);
      }
      const sleep = rows.find((r) => r.id === 'sleep');
      check(sleep && sleep.text === 'worsening', `${label}: the worse sleep is shown as a worsening (${sleep && sleep.text})`);
      const pain = rows.find((r) => r.id === 'pain');
      check(pain && ['improvement', 'no clear change'].includes(pain.text), `${label}: pain reads ${pain && pain.text}`);
      const dev = await page.getByText(/planned 4\.5 mg, taken 3 mg/).count();
      check(dev === 1, `${label}: the off-plan dose is listed as a deviation, the analysis still there`);
      await page.locator('table.items-table').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `direction-clinician-table-${label}.png`) });
      const body = await page.locator('main').textContent();
      check(!/\b[a-z_]+\[\d+\]/.test(body), `${label}: no internal path on the clinician's page`);
      if (label === 'desktop') {
        const pdf = await page.request.get(`/api/v1/patients/${PAT}/report.pdf`);
        const bytes = await pdf.body();
        check(pdf.status() === 200 && bytes.subarray(0, 5).toString() === '%PDF-', `the report PDF downloads (${pdf.status()})`);
        const file = join(shots, 'direction-report.pdf');
        writeFileSync(file, bytes);
        const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
        const line = text.split('\n').find((l) => /Waking unrefreshed\s+worse\s/.test(l)) || '';
        check(/worsening\s*$/.test(line), `the PDF's item table says the sleep change is a worsening ("${line.trim()}")`);
        check(/Dose deviations/.test(text) && /4\.5 mg\s+3 mg/.test(text), 'the PDF lists the dose deviation (planned 4.5 mg, taken 3 mg)');
        execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, join(shots, 'direction-report-page')]);
      }
      await context.close();
    }
  }

  await diaryAnchors();
  await oldClients();
  const analysis = await sleepWorsens();
  await patientAfterWindow(analysis);
  await patientBeforeWindow();
  await clinicianSees(analysis);
});
