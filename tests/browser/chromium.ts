import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Debian's Chromium (or $VIGIL_CHROMIUM); scripts/test.sh installs it. */
export function chromiumPath(): string {
  const candidates = [process.env.VIGIL_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    Boolean
  ) as string[];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error('Chromium not found: install it (apt-get install chromium) or set VIGIL_CHROMIUM');
  }
  return found;
}

/** Loads an HTML document in headless Chromium and returns the DOM after its scripts ran. */
export function dumpDom(html: string, timeoutMs = 120_000): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-chromium-'));
  const file = path.join(dir, 'page.html');
  fs.writeFileSync(file, html);
  try {
    return execFileSync(
      chromiumPath(),
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        '--dump-dom',
        `file://${file}`,
      ],
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
