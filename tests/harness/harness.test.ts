import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';

import { startPrometheus, type RunningPrometheus } from '../prometheus/server';
import { launch, openPage, screenshot } from './browser';
import { buildHarness } from './build';
import { DEMO_END, demoFamilies } from './demoData';
import { startHarness, type Harness } from './server';

// The plugin's editors and app pages, built for the browser and rendered in real Chromium inside
// @grafana/ui's theme the way Grafana mounts them, fed by the real backend handlers (resource API,
// QueryData), a real Prometheus holding the demo metrics and a real SQLite store. Screenshots land
// in tests/harness/screenshots/ (`npm run screenshots` copies them into docs/img/ for the README).

jest.setTimeout(300_000);

const MEMORY = 'process_resident_memory_bytes{job="checkout"}';
const HOUR = 3_600_000;

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

async function open(url: string): Promise<{ page: Page; errors: () => string[] }> {
  const opened = await openPage(browser);
  await opened.page.goto(`${harness.url}${url}`);
  return opened;
}

/** The `d` of every band polygon/path in the page's charts: what changes when the band is redrawn. */
async function bandShapes(page: Page): Promise<string[]> {
  return page
    .locator('svg[aria-label*="expected band"] path')
    .evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
}

describe('data source config editor', () => {
  it('keeps a new secret in secureJsonData, never in jsonData', async () => {
    const { page, errors } = await open('/harness/config');
    await page.getByLabel('Prometheus URL').waitFor();
    expect(await page.getByLabel('Prometheus URL').inputValue()).toBe(prom.url);
    // The harness' instance has a stored bearer token: configured, so the field offers Reset.
    await page.getByRole('button', { name: 'Reset' }).first().click();
    await page.getByLabel('Bearer token').fill('s3cret-token');
    const options = JSON.parse((await page.locator('#harness-options').textContent()) ?? '{}');
    expect(options.secureJsonData.bearerToken).toBe('s3cret-token');
    expect(JSON.stringify(options.jsonData)).not.toContain('s3cret-token');
    const file = await screenshot(page, 'config-editor');
    expect(statSync(file).size).toBeGreaterThan(10_000);
    expect(errors()).toEqual([]);
    await page.close();
  });
});

describe('query editor', () => {
  const range = `from=${DEMO_END - 2 * 86_400_000}&to=${DEMO_END}`;

  it('completes metric names from the real Prometheus through the backend proxy', async () => {
    const { page, errors } = await open(`/harness/query?${range}`);
    const field = page.getByLabel('PromQL expression');
    await field.click();
    await field.pressSequentially('process_res', { delay: 20 });
    const option = page.getByRole('option', { name: /process_resident_memory_bytes/ }).first();
    await option.waitFor({ timeout: 30_000 });
    expect(harness.requests.some((r) => r.includes('/resources/prometheus/'))).toBe(true);
    await screenshot(page, 'query-editor-completion');
    expect(errors()).toEqual([]);
    await page.close();
  });

  it('runs a query in the backend and shows value, expected and band frames', async () => {
    const query = encodeURIComponent(JSON.stringify({ expr: MEMORY, model: 'seasonal' }));
    const { page, errors } = await open(`/harness/query?${range}&query=${query}`);
    await page.locator('#harness-run').dispatchEvent('click');
    await page.waitForFunction(() => window.__HARNESS_LAST__ !== undefined, undefined, { timeout: 120_000 });
    const last = (await page.evaluate(() => window.__HARNESS_LAST__)) as {
      state: string;
      errors?: string[];
      frames: Array<{ fields: string[]; length: number }>;
    };
    expect(JSON.stringify(last.errors ?? [])).toBe('[]');
    expect(last.state).toBe('Done');
    const fields = last.frames.flatMap((f) => f.fields);
    for (const f of ['value', 'expected', 'lower', 'upper', 'score']) {
      expect(fields).toContain(f);
    }
    expect(last.frames[0].length).toBeGreaterThan(100);
    await screenshot(page, 'query-editor');
    expect(errors()).toEqual([]);
    await page.close();
  });

  it('offers only what alert rules use in the alert rule editor', async () => {
    const { page, errors } = await open(`/harness/query?${range}&app=unified-alerting`);
    await page.getByLabel('PromQL expression').waitFor();
    // The same editor in a dashboard offers both; an alert rule runs in the backend on the score.
    expect(await page.getByText('Browser', { exact: true }).count()).toBe(0);
    expect(await page.getByText('Backtest', { exact: true }).count()).toBe(0);
    const query = JSON.parse((await page.locator('#harness-query').textContent()) ?? '{}');
    expect(query).toMatchObject({ execution: 'backend', outputs: ['score'] });
    await screenshot(page, 'query-editor-alerting');
    expect(errors()).toEqual([]);
    await page.close();
  });

  it("shows Prometheus' own message for invalid PromQL", async () => {
    const query = encodeURIComponent(JSON.stringify({ expr: 'sum(rate(http_requests_total[5m])', model: 'zscore' }));
    const { page } = await open(`/harness/query?${range}&query=${query}`);
    await page.locator('#harness-run').dispatchEvent('click');
    const alert = page.getByText(/parse error|unclosed|expected/i).first();
    await alert.waitFor({ timeout: 60_000 });
    await screenshot(page, 'query-editor-invalid-promql');
    await page.close();
  });
});

describe('backtest page', () => {
  it('replays a query, redraws the band when the model changes, and summarises alerts per week', async () => {
    const { page, errors } = await open('/a/vigil-anomaly-app/backtest');
    const expr = page.locator('#vigil-backtest-expr');
    await expr.waitFor({ timeout: 60_000 });
    await expr.fill(MEMORY);
    await page.getByRole('button', { name: /run/i }).first().click();
    await page.locator('svg[aria-label*="expected band"]').first().waitFor({ timeout: 180_000 });
    await page
      .getByText(/per week/i)
      .first()
      .waitFor();
    const before = await bandShapes(page);
    expect(before.length).toBeGreaterThan(0);
    await screenshot(page, 'backtest');

    const model = page.locator('#vigil-backtest-model');
    await model.click();
    await model.fill('zscore');
    await page
      .getByRole('option', { name: /zscore/i })
      .first()
      .click();
    await page.getByRole('button', { name: /run/i }).first().click();
    await page.waitForFunction(
      (old) => {
        const now = [...document.querySelectorAll('svg[aria-label*="expected band"] path')].map(
          (e) => e.getAttribute('d') ?? ''
        );
        return now.length > 0 && now.join('|') !== old;
      },
      before.join('|'),
      { timeout: 180_000 }
    );
    expect(await bandShapes(page)).not.toEqual(before);
    expect(harness.requests.filter((r) => r.startsWith('POST') && r.endsWith('/resources/backtest'))).toHaveLength(2);
    expect(errors()).toEqual([]);
    await page.close();
  });

  it("shows Prometheus' error inline for invalid PromQL", async () => {
    const { page } = await open('/a/vigil-anomaly-app/backtest');
    const expr = page.locator('#vigil-backtest-expr');
    await expr.waitFor({ timeout: 60_000 });
    await expr.fill('rate(http_requests_total[5m]');
    await page.getByRole('button', { name: /run/i }).first().click();
    await page
      .getByText(/parse error|unclosed|expected/i)
      .first()
      .waitFor({ timeout: 60_000 });
    await screenshot(page, 'backtest-invalid-promql');
    await page.close();
  });
});

describe('models page', () => {
  it('lists the models panels trained and retrains one with visible progress', async () => {
    // A panel query trains and stores one model per series (the real QueryData path).
    const trained = await harness.handlers.queryData(
      {
        pluginContext: harness.pluginContext(),
        headers: {},
        format: 0,
        queries: ['process_resident_memory_bytes', 'job:http_request_duration_seconds:p95'].map((m, i) => ({
          refId: String.fromCharCode(65 + i),
          maxDataPoints: 500,
          intervalMS: 300_000,
          timeRange: { fromEpochMS: DEMO_END - 24 * HOUR, toEpochMS: DEMO_END },
          json: Buffer.from(JSON.stringify({ refId: 'A', expr: `${m}{job="checkout"}`, model: 'seasonal' })),
          queryType: '',
        })),
      },
      harness.context()
    );
    expect(Object.values(trained.responses).every((r) => !r.error)).toBe(true);

    const { page, errors } = await open('/a/vigil-anomaly-app/models');
    await page.getByText('process_resident_memory_bytes').first().waitFor({ timeout: 60_000 });
    await page.getByText('job:http_request_duration_seconds:p95').first().waitFor();
    await page
      .getByRole('button', { name: /^Retrain process_resident_memory_bytes/ })
      .first()
      .click();
    await page
      .getByText(/saved version 2|trained v2|version 2/i)
      .first()
      .waitFor({ timeout: 120_000 });
    await screenshot(page, 'models');
    expect(errors()).toEqual([]);
    await page.close();
  });
});
