// Runs `go test -json` in a Go module (default tests/conformance), prints the tests' output, ends
// with "go: N passed, N failed, N skipped" and appends the counts to $VIGIL_TEST_SUMMARY (as
// scripts/jest-summary-reporter.js does) for scripts/test-all.sh. Exits non-zero when go test does.
//   node scripts/go-test.mjs [module dir] [go test args...]
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [dir = 'tests/conformance', ...args] = process.argv.slice(2);
// Go's official install lives in /usr/local/go; a non-login shell may not have it on PATH.
const goBin = process.env.VIGIL_GO ?? 'go';
const env = { ...process.env, PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/local/go/bin` };

const counts = { pass: 0, fail: 0, skip: 0 };
const child = spawn(goBin, ['test', '-json', '-count=1', ...args, './...'], {
  cwd: path.resolve(root, dir),
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
child.on('error', (err) => {
  console.error(`go test could not start (${goBin}): ${err.message}`);
});
const lines = createInterface({ input: child.stdout });
lines.on('line', (line) => {
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    process.stdout.write(line + '\n'); // build errors are plain text
    return;
  }
  if (event.Action === 'output') {
    process.stdout.write(event.Output);
  } else if (event.Test && event.Action in counts) {
    counts[event.Action]++;
  }
});
const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
const failed = counts.fail + (code !== 0 && counts.fail === 0 ? 1 : 0); // a build failure counts as one
console.log(`go: ${counts.pass} passed, ${failed} failed, ${counts.skip} skipped`);
if (process.env.VIGIL_TEST_SUMMARY) {
  appendFileSync(process.env.VIGIL_TEST_SUMMARY, `${counts.pass} ${failed} ${counts.skip}\n`);
}
process.exit(code);
