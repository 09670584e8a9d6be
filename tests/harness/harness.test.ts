import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';

import { startPrometheus, type RunningPrometheus } from '../prometheus/server';
import { launch, openPage, screenshot } from './browser';
import { buildHarness } from './build';
import { demoFamilies } from './demoData';
import { startHarness, type Harness } from './server';

// The plugin's editors and pages, built for the browser and rendered in real Chromium inside
// @grafana/ui's theme, fed by the real backend handlers, a real Prometheus holding the demo metrics
// and a real SQLite store. Screenshots land in tests/harness/screenshots/.

jest.setTimeout(300_000);

let prom: RunningPrometheus;
let harness: Harness;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  const [bundle, p] = await Promise.all([buildHarness(), startPrometheus({ families: demoFamilies() })]);
  prom = p;
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-harness-'));
  harness = await startHarness({ bundle, prometheusUrl: prom.url, storePath: path.join(dir, 'models.db') });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
  await prom?.stop();
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('harness', () => {
  it('renders the config editor with no page errors', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${harness.url}/harness/config`);
    await page.getByText('Prometheus URL').first().waitFor();
    const file = await screenshot(page, 'config-editor');
    expect(statSync(file).size).toBeGreaterThan(5_000);
    expect(errors()).toEqual([]);
    await page.close();
  });

  it('renders the query editor', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${harness.url}/harness/query`);
    await page.locator('#harness-query').waitFor({ state: 'attached' });
    await screenshot(page, 'query-editor');
    expect(errors()).toEqual([]);
    await page.close();
  });

  it('renders the app pages', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${harness.url}/a/vigil-anomaly-app/models`);
    await page.getByText('Models').first().waitFor();
    await screenshot(page, 'models-page');
    expect(errors()).toEqual([]);
    await page.close();
  });
});
