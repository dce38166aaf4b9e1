#!/usr/bin/env node
// Runs one browser-test spec (tests/web/specs/<name>.mjs), as ctest `web_<name>` does:
//   node tests/web/run.mjs <path to ldn> <screenshot dir> <spec name>
// The harness (tests/web/harness.mjs) starts the server and the browser; the spec drives it.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const spec = process.argv[4];
if (!spec || !/^[a-z0-9_-]+$/.test(spec)) {
  console.error('usage: node tests/web/run.mjs <ldn> <screenshot dir> <spec name>');
  process.exit(2);
}
await import(pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'specs', `${spec}.mjs`)).href);
