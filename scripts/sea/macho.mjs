// macOS on arm64 runs only signed code, and injecting the blob breaks the runtime's own signature:
// the darwin executable must be signed again (ad hoc is enough for a locally installed plugin).
// On Linux that takes rcodesign (the `apple-codesign` crate, pure Rust); when it is missing the
// build says which command finishes the job on a Mac.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The rcodesign binary: $RCODESIGN, PATH, or cargo's install directory. */
export function findRcodesign() {
  const candidates = [
    process.env.RCODESIGN,
    ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'rcodesign')),
    path.join(os.homedir(), '.cargo', 'bin', 'rcodesign'),
  ];
  return candidates.find((c) => c && existsSync(c));
}

/** Ad-hoc signs `file` in place; returns false (and says what to run) when no signer is available. */
export function adhocSign(file) {
  const rcodesign = findRcodesign();
  if (!rcodesign) {
    console.warn(
      `warning: ${path.basename(file)} is not re-signed (no rcodesign: cargo install --locked ` +
        `--no-default-features apple-codesign). On a Mac run: codesign --force --sign - ${file}`
    );
    return false;
  }
  execFileSync(rcodesign, ['sign', '--binary-identifier', 'gpx_vigil', file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // rcodesign's own `verify` rejects every ad-hoc signature (it expects CMS data, which ad hoc has
  // none of): read the signature back instead.
  const info = execFileSync(rcodesign, ['print-signature-info', file], { encoding: 'utf8' });
  if (!/flags: CodeSignatureFlags\(ADHOC\)/.test(info)) {
    throw new Error(`${file}: no ad-hoc code signature after signing:\n${info}`);
  }
  return true;
}
