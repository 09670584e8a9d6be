// Reads `go test -json` on stdin, echoes the test output, and adds the pass/fail/skip counts of
// top-level tests to $VIGIL_TEST_SUMMARY so scripts/test-all.sh's closing line counts Go too.
// Exits non-zero if any test or package failed.
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const counts = { pass: 0, fail: 0, skip: 0 };
let failedPackage = false;
for await (const line of createInterface({ input: process.stdin })) {
  let ev;
  try {
    ev = JSON.parse(line);
  } catch {
    process.stdout.write(line + '\n'); // build errors are plain text
    failedPackage ||= /FAIL|cannot|error/.test(line);
    continue;
  }
  if (ev.Action === 'output') {
    process.stdout.write(ev.Output);
  } else if (ev.Test && !ev.Test.includes('/') && ev.Action in counts) {
    counts[ev.Action]++;
  } else if (!ev.Test && ev.Action === 'fail') {
    failedPackage = true;
  }
}
if (process.env.VIGIL_TEST_SUMMARY) {
  appendFileSync(process.env.VIGIL_TEST_SUMMARY, `${counts.pass} ${counts.fail} ${counts.skip}\n`);
}
process.stdout.write(`go: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped\n`);
process.exit(counts.fail > 0 || failedPackage ? 1 : 0);
