import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { root, runSpec, PHONE_390 } from '../harness.mjs';

// The reminders the server sends at their time (issue 15, item 2b; server/push_reminders.h): the
// server's clock is fixed (LDN_NOW, --test-fixed-clock) at 21:05 UTC, 22:05 in the demo patient's
// Oslo: the bedtime dose is due, with today's dose of the plan; the diary is not (the demo's diary
// is filled in today); a questionnaire only if the schedule says one is due. Each arrives at the
// local push service (tests/push/push_endpoint.py, an independent decryption) exactly once however
// many rounds run.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const today = new Date().toISOString().slice(0, 10);
const NOW = `${today}T21:05:00Z`;
const dir = mkdtempSync(join(tmpdir(), 'ldn-push-'));
const proc = spawn(PYTHON, [join(root, 'tests/push/push_endpoint.py'), '--port', '0', '--out', dir, '--clock', NOW], { stdio: ['ignore', 'pipe', 'inherit'] });
const subscription = JSON.parse(await new Promise((resolve, reject) => {
  createInterface({ input: proc.stdout }).once('line', resolve);
  proc.on('exit', (code) => reject(new Error(`push_endpoint.py exited (${code})`)));
}));
const origin = new URL(subscription.endpoint).origin;
process.on('exit', () => { proc.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); });
const messages = async () => (await fetch(`${origin}/messages`)).json();

runSpec('push_schedule', async (t) => {
  const { check, newPage, login, apiAs } = t;
  const { context, page } = await newPage(PHONE_390);
  await login(page, 'patient');
  const made = await apiAs(page, 'POST', '/patients/1/push-subscriptions', subscription);
  check(made.status === 201, `the patient's device is subscribed (${made.status})`);

  // What should come: today's step of the active course, the questionnaires due.
  const courses = (await apiAs(page, 'GET', '/patients/1/courses')).json;
  const course = (courses.courses || courses).find((c) => c.status === 'active');
  const localToday = t.localDate('Europe/Oslo', 0);
  const serverDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date(NOW));
  const step = course.plan.plan.steps.find((s) => s.start <= serverDay && (!s.end || serverDay <= s.end));
  const schedule = (await apiAs(page, 'GET', '/patients/1/questionnaires/schedule')).json;
  const dueIds = ['fiqr', 'pgic'].filter((id) => schedule[id] && schedule[id].due);
  console.log(`     server day ${serverDay} (browser day ${localToday}), step ${JSON.stringify(step)}, due: ${dueIds.join(', ') || 'none'}`);

  const until = Date.now() + 20_000;
  let got = [];
  while (Date.now() < until) {
    got = await messages();
    if (got.some((m) => m.payload && m.payload.kind === 'dose') && got.length >= 1 + dueIds.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 3500));  // more rounds: nothing is sent twice
  got = await messages();
  const dose = got.filter((m) => m.payload && m.payload.kind === 'dose');
  check(got.every((m) => m.ok), `every request passed the push service's checks and decrypted (${got.map((m) => m.error || 'ok').join(', ')})`);
  check(dose.length === 1, `one bedtime-dose reminder at 22:05 local time (${dose.length})`);
  const mg = step && String(step.dose_ug / 1000);
  check(dose[0] && dose[0].payload.title === 'Time for your bedtime dose' && dose[0].payload.body === `Today's dose: ${mg} mg. Tap to note it in your diary.`,
    `it names today's dose of the plan (${dose[0] && dose[0].payload.body} | plan ${mg} mg)`);
  check(dose[0] && dose[0].urgency === 'high' && dose[0].ttl === 7200 && dose[0].topic === 'ldn-dose', `high urgency, kept two hours (${dose[0] && `${dose[0].urgency} ${dose[0].ttl}`})`);
  check(!got.some((m) => m.payload && m.payload.kind === 'diary'), 'no diary reminder: today\'s diary is filled in');
  const q = got.filter((m) => m.payload && m.payload.kind === 'questionnaire');
  check(q.length === dueIds.length, `one reminder per questionnaire due (${q.length} sent, ${dueIds.length} due)`);
  check(got.length === 1 + dueIds.length, `nothing else, and nothing twice over the rounds (${got.length} messages)`);
  await context.close();
}, { serveArgs: ['--push-origin', origin, '--push-check-seconds', '1', '--test-fixed-clock'], env: { LDN_NOW: NOW } });
