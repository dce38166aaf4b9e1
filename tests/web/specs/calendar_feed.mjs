import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, runSpec, PHONE_390, DESKTOP } from '../harness.mjs';

// Reminders in the phone's calendar (issue 15, item 2a): the patient makes a secret calendar link on
// their Account page; the feed, fetched with no other credential, is read by an independent parser
// (Debian's python3-icalendar, tests/web/check_ics.py) and holds a daily event with an alarm for each
// dose step of the plan, the diary reminder and the questionnaires; it follows the plan when the
// clinic changes it (a paused course reminds of no dose); stopping the link makes it answer 404.
// Debian's python3 (where python3-icalendar is installed), also when another python3 comes first on PATH.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

runSpec('calendar_feed', async (t) => {
  const { check, newPage, login, visit, shot, apiAs, work, base } = t;

  const { context, page } = await newPage(PHONE_390);
  await login(page, 'patient');
  await visit(page, '#/account', 'patient-account-calendar', 'phone-390',
    async (p) => { await p.getByRole('button', { name: 'Make my calendar link' }).waitFor(); });
  await page.getByRole('button', { name: 'Make my calendar link' }).click();
  const subscribe = page.getByRole('link', { name: 'Add to my calendar' });
  await subscribe.waitFor();
  const webcal = await subscribe.getAttribute('href');
  await page.getByText('On a computer, or in Google Calendar').click();
  const url = await page.locator('#calendar-url').inputValue();
  check(/^webcal:\/\/[^/]+\/api\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/.test(webcal), `the subscribe button opens a webcal:// link (${webcal.replace(/[A-Za-z0-9_-]{43}/, '<token>')})`);
  check(url === `${base}${new URL(webcal.replace(/^webcal:/, 'http:')).pathname}`, 'the link to copy is the same feed over http(s)');
  const box = await subscribe.boundingBox();
  check(box && box.height >= 44, `the subscribe button is a large target (${box && Math.round(box.height)} px)`);
  await shot(page, 'patient-account-calendar-link', 'phone-390');

  // The feed: no cookie, no header -- what a phone's calendar sends.
  async function readFeed(label) {
    const r = await fetch(url);
    const text = await r.text();
    if (r.status !== 200) return { status: r.status, text };
    const file = join(work, `${label}.ics`);
    writeFileSync(file, text);
    const parsed = JSON.parse(execFileSync(PYTHON, [join(root, 'tests/web/check_ics.py'), file], { encoding: 'utf8' }));
    return { status: r.status, type: r.headers.get('content-type'), parsed };
  }
  const feed = await readFeed('first');
  check(feed.status === 200 && /^text\/calendar/.test(feed.type), `the feed answers without a login as text/calendar (${feed.status}, ${feed.type})`);
  const events = feed.parsed.events;
  check(feed.parsed.version === '2.0' && events.length >= 3, `python3-icalendar reads the feed: version ${feed.parsed.version}, ${events.length} events`);
  check(events.every((e) => e.alarms.length === 1 && e.alarms[0].action === 'DISPLAY'), 'every event carries one display alarm (VALARM)');

  // The dose events are the plan's steps: the same doses, from the same days, at bedtime.
  const courses = (await apiAs(page, 'GET', '/patients/1/courses')).json;
  const course = (courses.courses || courses).find((c) => c.status === 'active');
  const steps = course.plan.plan.steps.filter((s) => s.dose_ug > 0);
  const doses = events.filter((e) => /^LDN [\d.]+ mg at bedtime$/.test(e.summary));
  const planned = steps.map((s) => `${s.start} ${s.dose_ug / 1000}`).join(', ');
  const got = doses.map((e) => `${e.start.slice(0, 10)} ${e.summary.split(' ')[1]}`).join(', ');
  check(doses.length === steps.length && got === planned, `one daily dose reminder per step of the plan (${got} | plan: ${planned})`);
  check(doses.every((e) => e.floating && e.start.endsWith('T22:00:00') && e.rrule.FREQ[0] === 'DAILY' && e.alarms[0].trigger_seconds === 0),
    'each dose reminder repeats daily at 22:00 local time and rings when it starts');
  const closed = steps.map((s, i) => [s, doses[i]]).filter(([s]) => s.end);
  check(closed.length > 0 && closed.every(([s, e]) => e && e.rrule.UNTIL && e.rrule.UNTIL[0].startsWith(s.end)),
    `a step that ends stops repeating on its last day (${closed.length} steps with an end)`);
  const diary = events.find((e) => e.summary.startsWith('LDN diary'));
  check(diary && diary.start.endsWith('T20:00:00') && diary.alarms[0].trigger_seconds === 0, `the diary reminder rings daily at 20:00 (${diary && diary.start})`);
  const questionnaires = events.filter((e) => / is due$/.test(e.summary));
  const today = t.localDate('Europe/Oslo');
  check(questionnaires.length >= 1 && questionnaires.every((e) => /^\d{4}-\d{2}-\d{2}$/.test(e.start) && e.start >= today && e.alarms[0].trigger_seconds === 9 * 3600),
    `questionnaires due are all-day events with an alarm at 09:00 (${questionnaires.map((e) => `${e.summary} ${e.start}`).join('; ')})`);

  // The clinic pauses the course: the next fetch reminds of no dose, the diary goes on.
  {
    const { context: c2, page: p2 } = await newPage(DESKTOP);
    await login(p2, 'clinician');
    const paused = await apiAs(p2, 'PUT', `/patients/1/courses/${course.id}/status`, { status: 'paused' });
    check(paused.status === 200, `the clinician pauses the course (${paused.status}${paused.status !== 200 ? ` ${JSON.stringify(paused.json)}` : ''})`);
    await c2.close();
  }
  const after = await readFeed('paused');
  const dosesAfter = after.parsed.events.filter((e) => /^LDN [\d.]+ mg/.test(e.summary));
  check(dosesAfter.length === 0 && after.parsed.events.some((e) => e.summary.startsWith('LDN diary')),
    `after the pause the same link has no dose reminder and keeps the diary (${after.parsed.events.length} events)`);

  // Back on the Account page the link is known (not shown again); the patient stops it.
  await page.reload();
  await page.getByText(/You have a calendar link, made/).waitFor();
  await shot(page, 'patient-account-calendar-exists', 'phone-390');
  check(!(await page.locator('#calendar-url').count()), 'the page says a link exists and since when, and does not show it again');
  check(await page.getByText('The reminders are in the language the link was made in.').isVisible(),
    'the page says the reminders keep the language the link was made in');
  await page.getByRole('button', { name: 'Stop my calendar link' }).click();
  await page.getByText('Your calendar link is stopped.', { exact: false }).waitFor();
  const stopped = await readFeed('stopped');
  check(stopped.status === 404, `the stopped link answers 404 (${stopped.status})`);
  check(await page.getByRole('button', { name: 'Make my calendar link' }).isVisible(), 'a new link can be made');
  await context.close();

  // The same card at 1280 px in the dark theme.
  {
    const { context: c3, page: p3 } = await newPage(DESKTOP, { colorScheme: 'dark' });
    await login(p3, 'patient');
    await visit(p3, '#/account', 'patient-account-calendar-dark', 'desktop-1280-dark',
      async (p) => { await p.getByRole('button', { name: 'Make my calendar link' }).waitFor(); });
    await p3.getByRole('button', { name: 'Make my calendar link' }).click();
    await p3.getByRole('link', { name: 'Add to my calendar' }).waitFor();
    await shot(p3, 'patient-account-calendar-link-dark', 'desktop-1280-dark');
    await c3.close();
  }
});
