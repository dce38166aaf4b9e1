import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { root } from './harness.mjs';

// A local push service for the specs (tests/push/push_endpoint.py, Python's `cryptography` from
// Debian: an implementation independent of ours). It checks each request as RFC 8030/8292 require
// (TTL, aes128gcm, the VAPID JWT's ES256 signature, audience and expiry) and decrypts its body per
// RFC 8291 with the subscription's own private key. `subscription` is what PushSubscription.toJSON()
// gives; messages() lists what arrived ({ok, error, payload, aud, sub, ttl, urgency, topic, ...});
// gone() makes the endpoint answer 410 from then on. The server must be started with
// --push-origin <origin>.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export async function startPushService() {
  const dir = mkdtempSync(join(tmpdir(), 'ldn-push-'));
  const proc = spawn(PYTHON, [join(root, 'tests/push/push_endpoint.py'), '--port', '0', '--out', dir],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.on('exit', (code) => reject(new Error(`push_endpoint.py exited (${code})`)));
  });
  const subscription = JSON.parse(line);
  const origin = new URL(subscription.endpoint).origin;
  const service = {
    subscription, origin, proc,
    messages: async () => (await fetch(`${origin}/messages`)).json(),
    gone: async () => fetch(`${origin}/gone/${subscription.endpoint.split('/').pop()}`, { method: 'POST' }),
    stop: () => { proc.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); },
  };
  process.on('exit', () => service.stop());
  return service;
}

// Polls fn until it returns something truthy, for at most ms; null when it never does.
export async function waitFor(fn, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) return null;
    await new Promise((r) => setTimeout(r, 250));
  }
}
