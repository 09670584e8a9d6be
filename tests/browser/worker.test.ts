import { buildSync } from 'esbuild';
import * as path from 'path';
import { computeJob } from '../../src/datasource/execution/job';
import { chromium } from 'playwright-core';
import { chromiumPath } from './chromium';
import { digestResults, workerJobs } from './worker-job';

// The browser-execution worker (src/datasource/execution/worker.ts) bundled for the browser and
// started as a real Web Worker in Chromium: every model kind, jobs posted as the data source posts
// them, results transferred back; the bits must be those Node computes for the same jobs (which
// tests/backend/browser-identity.test.ts shows are the backend's QueryData bits).
describe('browser execution worker in Chromium', () => {
  it('answers every job with the bits Node computes', async () => {
    const bundle = (entry: string, stdin?: string) =>
      buildSync({
        ...(stdin
          ? { stdin: { contents: stdin, resolveDir: __dirname, loader: 'ts' as const } }
          : { entryPoints: [entry] }),
        bundle: true,
        platform: 'browser',
        format: 'iife',
        target: 'es2020',
        write: false,
        logLevel: 'silent',
      }).outputFiles[0].text;
    const worker = bundle(path.join(__dirname, '../../src/datasource/execution/worker.ts'));
    const page = bundle(
      '',
      `import { digestResults, workerJobs } from './worker-job';
       const w = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(worker)}], { type: 'text/javascript' })));
       const jobs = workerJobs();
       const digests: string[] = [];
       const out = document.getElementById('out')!;
       w.onerror = (e) => { out.textContent = 'worker error: ' + e.message; };
       w.onmessage = (e) => {
         if (e.data.error) { out.textContent = 'job error: ' + e.data.error; return; }
         digests[e.data.id] = digestResults(e.data.results);
         if (digests.filter(Boolean).length === jobs.length) { out.textContent = JSON.stringify(digests); }
       };
       jobs.forEach((job, id) => w.postMessage({ id, job }));`
    );
    // playwright-core drives the Debian Chromium: the worker answers after the page has loaded.
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    let text: string;
    try {
      const tab = await browser.newPage();
      await tab.setContent('<!DOCTYPE html><html><body><pre id="out">pending</pre></body></html>');
      await tab.addScriptTag({ content: page });
      await tab.waitForFunction(() => document.getElementById('out')!.textContent !== 'pending', undefined, {
        timeout: 120_000,
      });
      text = (await tab.textContent('#out')) ?? '';
    } finally {
      await browser.close();
    }
    expect(text).toMatch(/^\[/);
    const inBrowser = JSON.parse(text) as string[];
    const node = workerJobs().map((job) => digestResults(computeJob(job)));
    expect(node).toHaveLength(7);
    // auto fits the ensemble, so those two agree; every other kind differs.
    expect(new Set(node).size).toBe(6);
    expect(inBrowser).toEqual(node);
  }, 180_000);
});
