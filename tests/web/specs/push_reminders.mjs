import { runSpec, PHONE_390, DESKTOP } from '../harness.mjs';
import { startPushService, waitFor as poll } from '../push_service.mjs';

// Reminders on this device (issue 15, item 2b): Web Push sent by the server. A local push service
// (tests/web/push_service.mjs: tests/push/push_endpoint.py, Python's `cryptography` from Debian: an
// implementation independent of ours) checks each request as RFC 8030/8292 require (TTL, aes128gcm,
// the VAPID JWT's ES256 signature, audience and expiry) and decrypts its body per RFC 8291 with the
// subscription's own private key. The patient turns reminders on from their Account page, sends a
// test reminder, the clinician changes the plan and the server sends "Your plan changed" on its
// own, exactly once; a push service that answers 410 makes the server stop that subscription; the
// service worker shows a pushed message as a notification.
const push = await startPushService();
const waitFor = (what, fn, ms) => poll(fn, ms);

runSpec('push_reminders', async (t) => {
  const { check, newPage, login, visit, shot, apiAs } = t;

  const { context, page } = await newPage(PHONE_390, { serviceWorkers: 'allow' });
  await context.grantPermissions(['notifications']);
  await login(page, 'patient');
  await visit(page, '#/account', 'patient-account-push', 'phone-390',
    async (p) => { await p.getByRole('heading', { name: 'Reminders on this device' }).waitFor(); });
  const on = page.getByRole('button', { name: 'Turn on reminders on this device' });
  await on.waitFor();
  const box = await on.boundingBox();
  check(box && box.height >= 44, `"Turn on reminders on this device" is a large target (${box && Math.round(box.height)} px)`);
  const key = await apiAs(page, 'GET', '/push/public-key');
  const keyBytes = Buffer.from(key.json.public_key, 'base64url');
  check(key.status === 200 && keyBytes.length === 65 && keyBytes[0] === 4,
    `the server's VAPID key is a 65-byte uncompressed P-256 point (${key.status}, ${keyBytes.length} bytes)`);

  // This headless browser has no push service of its own (no network to Google's): the button
  // must say so in words, not fail silently. (On a phone the browser's subscription is posted.)
  await on.click();
  const outcome = await waitFor('the outcome of turning on', async () => {
    if (await page.getByText('Reminders are on for this device.').isVisible()) return 'on';
    const err = (await page.locator('#push-card .error').textContent()) || '';
    return err.trim() ? err.trim() : null;
  }, 60_000);
  check(outcome === 'on' || /could not turn on reminders/.test(outcome || ''),
    `turning on either works or says plainly why not (${outcome})`);
  await shot(page, 'patient-account-push-turn-on', 'phone-390');

  // The patient's browser subscription as PushSubscription.toJSON() gives it: the local push
  // service's (what the app posts after PushManager.subscribe).
  const made = await apiAs(page, 'POST', '/patients/1/push-subscriptions', { ...push.subscription, expirationTime: null });
  check(made.status === 201 && made.json.live && made.json.service === new URL(push.origin).host,
    `the subscription is stored (${made.status} ${JSON.stringify(made.json).slice(0, 160)})`);
  const again = await apiAs(page, 'POST', '/patients/1/push-subscriptions', push.subscription);
  check(again.status === 201 && again.json.id === made.json.id, `subscribing again gives the same subscription (${again.json.id} = ${made.json.id})`);

  // What is refused, and why (the server POSTs to the endpoint: not anywhere).
  const elsewhere = await apiAs(page, 'POST', '/patients/1/push-subscriptions',
    { endpoint: 'https://intranet.example.org/admin', keys: push.subscription.keys });
  check(elsewhere.status === 400 && elsewhere.json.error.field === 'endpoint', `an endpoint that is no push service is refused naming it (${elsewhere.status} ${elsewhere.json.error.field})`);
  const badKey = await apiAs(page, 'POST', '/patients/1/push-subscriptions',
    { endpoint: push.subscription.endpoint, keys: { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: push.subscription.keys.auth } });
  check(badKey.status === 400 && badKey.json.error.field === 'keys.p256dh', `a key off the curve is refused naming keys.p256dh (${badKey.status} ${badKey.json.error.field})`);

  // The card lists the device; a test reminder reaches the push service, decrypted there.
  await page.reload();
  const test = page.getByRole('button', { name: 'Send a test reminder' });
  await test.waitFor();
  await test.click();
  await page.getByText('Sent: the device shows it in a moment.').waitFor();
  await shot(page, 'patient-account-push-device', 'phone-390');
  // The server may also have sent what is due now (a questionnaire, by the real clock): the test
  // reminder is the one of kind "test".
  let messages = await push.messages();
  const tests = messages.filter((m) => m.payload && m.payload.kind === 'test');
  const first = tests[0];
  check(messages.length >= 1 && messages.every((m) => m.ok), `the local push service checked and decrypted every message (${messages.map((m) => m.error || (m.payload && m.payload.kind)).join(', ')})`);
  check(tests.length === 1 && first.payload.title === 'Reminders are on' && first.payload.url === '/#/account',
    `one test reminder, as the card sent it (${JSON.stringify(first && first.payload)})`);
  check(first && first.aud === push.origin && /^mailto:/.test(first.sub) && first.vapid_key === key.json.public_key,
    `its VAPID token names the push service's origin, a contact, and the server's key (aud ${first && first.aud})`);
  check(first && first.ttl === 600 && first.urgency === 'normal' && first.topic === 'ldn-test', `TTL, Urgency and Topic are sent (${first && `${first.ttl}, ${first.urgency}, ${first.topic}`})`);
  const due = messages.filter((m) => m.payload && m.payload.kind !== 'test').map((m) => `${m.payload.kind}: ${m.payload.body}`);
  check(new Set(due).size === due.length, `what was due now went once each (${due.join(' | ') || 'nothing due'})`);

  // The clinician changes the plan: the server sends "Your plan changed" by itself, once.
  {
    const { context: c2, page: p2 } = await newPage(DESKTOP);
    await login(p2, 'clinician');
    const courses = (await apiAs(p2, 'GET', '/patients/1/courses')).json;
    const course = (courses.courses || courses).find((c) => c.status === 'active');
    const paused = await apiAs(p2, 'PUT', `/patients/1/courses/${course.id}/status`, { status: 'paused' });
    check(paused.status === 200, `the clinician pauses the course (${paused.status})`);
    const clinicianView = await apiAs(p2, 'GET', '/patients/1/push-subscriptions');
    check(clinicianView.status === 200 && clinicianView.json.subscriptions.length >= 1 && clinicianView.json.subscriptions.every((s) => !('endpoint' in s)),
      'the clinician sees the patient\'s devices without their endpoints');
    await c2.close();
  }
  const plan = await waitFor('the plan message', async () => (await push.messages()).find((m) => m.payload && m.payload.kind === 'plan'));
  check(plan && plan.ok && plan.payload.title === 'Your plan changed' && plan.payload.url === '/#/today' && plan.urgency === 'high' && plan.ttl === 86400,
    `the server sent "Your plan changed" on its own (${plan ? JSON.stringify(plan.payload) : 'nothing within 20 s'})`);
  await new Promise((r) => setTimeout(r, 3500));  // several more rounds (--push-check-seconds 1)
  messages = await push.messages();
  const plans = messages.filter((m) => m.payload && m.payload.kind === 'plan');
  check(plans.length === 1, `it is sent once, not at every round (${plans.length} after 3.5 s more)`);
  const words = messages.map((m) => `${m.payload && m.payload.title} ${m.payload && m.payload.body}`).join(' | ');
  check(!/LDN|naltrexone|fibromyalgia/i.test(words), `no message names the medicine or the condition (${words})`);

  // The service worker shows a pushed message as a notification (delivered through DevTools, as
  // the browser's push service would).
  const cdp = await context.newCDPSession(page);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  const reg = await waitFor('the service worker registration', async () => registrations.find((r) => !r.isDeleted), 20_000);
  // Delivered a second time when the first found the worker not yet running (seen once on a
  // loaded machine: the notification never came).
  let shown = null;
  for (let attempt = 0; reg && attempt < 2 && !shown; attempt += 1) {
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: new URL(page.url()).origin, registrationId: reg.registrationId,
      data: JSON.stringify(plan ? plan.payload : { title: 'Your plan changed', body: 'x', url: '/#/today', tag: 'ldn-plan' }) });
    shown = await waitFor('the notification', async () => page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      const list = r ? await r.getNotifications() : [];
      return list.length ? list.map((n) => `${n.title}: ${n.body}`).join('; ') : null;
    }), 10_000);
  }
  check(!!reg && /^Your plan changed: /.test(shown || ''), `the service worker shows the pushed message as a notification (${shown})`);

  // Turned off from the card: no longer live, and nothing more is sent to it.
  await page.reload();
  await page.getByRole('button', { name: 'Turn off' }).click();
  await page.getByText('Reminders are off for that device.').waitFor();
  const list = (await apiAs(page, 'GET', '/patients/1/push-subscriptions')).json.subscriptions;
  check(list.length >= 1 && list.every((s) => !s.live) && list[0].revoke_reason === 'turned off', `the device's reminders are off (${list.map((s) => s.revoke_reason).join(', ')})`);

  // A push service that has forgotten the subscription (410 Gone): the server stops it and the
  // card says so.
  const back = await apiAs(page, 'POST', '/patients/1/push-subscriptions', push.subscription);
  check(back.status === 201 && back.json.id !== made.json.id && back.json.live, 'turned on again: a new subscription');
  await push.gone();
  // The server finds out at its next sending: the patient's test reminder (as the card sends it),
  // unless its own round (something due now) got there first (then the test is refused: 409).
  const probe = await apiAs(page, 'POST', `/patients/1/push-subscriptions/${back.json.id}/test`, {});
  check((probe.status === 200 && probe.json.gone === true && probe.json.status === 410) || probe.status === 409,
    `the push service's 410 reaches the server (${probe.status} ${JSON.stringify(probe.json)})`);
  const stoppedText = page.getByText('(the browser no longer accepts them)', { exact: false });
  await page.reload();
  await stoppedText.waitFor({ state: 'attached' });
  const goneList = (await apiAs(page, 'GET', '/patients/1/push-subscriptions')).json.subscriptions;
  check(goneList[0].id === back.json.id && !goneList[0].live && goneList[0].revoke_reason === 'gone (410)',
    `after a 410 the server stopped the subscription (${goneList[0].revoke_reason})`);
  await page.getByText('Devices no longer reminded').click();
  await shot(page, 'patient-account-push-gone', 'phone-390');
  check(page.errors.length === 0, `no page errors (${page.errors.join('; ')})`);
  await context.close();

  // The card at 1280 px in the dark theme.
  {
    const { context: c3, page: p3 } = await newPage(DESKTOP, { colorScheme: 'dark', serviceWorkers: 'allow' });
    await login(p3, 'patient');
    await visit(p3, '#/account', 'patient-account-push-dark', 'desktop-1280-dark',
      async (p) => { await p.getByRole('button', { name: 'Turn on reminders on this device' }).waitFor(); });
    await c3.close();
  }
  // A clinician cannot turn reminders on for the patient's browser.
  {
    const { context: c4, page: p4 } = await newPage(DESKTOP);
    await login(p4, 'clinician');
    const refused = await apiAs(p4, 'POST', '/patients/1/push-subscriptions', push.subscription);
    check(refused.status === 403, `a clinician cannot subscribe for the patient (${refused.status})`);
    await c4.close();
  }
}, { serveArgs: ['--push-origin', push.origin, '--push-check-seconds', '1'] });
