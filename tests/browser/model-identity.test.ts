import { buildSync } from 'esbuild';
import * as path from 'path';
import { dumpDom } from './chromium';
import { computeDigests, identityInput } from './entry';

// The model library bundled for the browser (no Node built-ins allowed), run in real Chromium,
// must give the same bits as the same code run by Node: panels and alerts agree to the digit.
describe('model library in a browser bundle', () => {
  it('scores bit-identically in Chromium and in Node', () => {
    const bundle = buildSync({
      stdin: {
        contents: `import { computeDigests, identityInput } from './entry';
          const digests = computeDigests(identityInput());
          document.getElementById('out').textContent = JSON.stringify(digests);`,
        resolveDir: __dirname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
    const dom = dumpDom(`<!DOCTYPE html><html><body><pre id="out">pending</pre><script>${js}</script></body></html>`);
    const match = /<pre id="out">([^<]*)<\/pre>/.exec(dom);
    expect(match).not.toBeNull();
    const browser = JSON.parse(match![1].replace(/&quot;/g, '"')) as Record<string, string>;
    const node = computeDigests(identityInput());
    expect(Object.keys(node).length).toBeGreaterThanOrEqual(9);
    expect(browser).toEqual(node);
  }, 180_000);

  it('the bundle pulls in no Node built-ins', () => {
    const result = buildSync({
      entryPoints: [path.join(__dirname, '../../src/model/index.ts')],
      bundle: true,
      platform: 'neutral',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.every((p) => p.startsWith('src/model/'))).toBe(true);
  });
});
