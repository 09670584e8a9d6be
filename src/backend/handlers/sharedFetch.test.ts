import type { PrometheusClient, RangeResult } from '../../prometheus/client';
import { SharedRangeFetch } from './sharedFetch';

function counting() {
  const calls: Array<[string, number]> = [];
  const client = {
    queryRange: async (expr: string, startMs: number) => {
      calls.push([expr, startMs]);
      return { series: [], warnings: [], requests: 1, grid: { startMs, endMs: startMs, stepMs: 1 } } as RangeResult;
    },
  } as unknown as PrometheusClient;
  return { calls, client };
}

const signal = new AbortController().signal;

test('readers of an expected range share one fetch, which is dropped after the last of them', async () => {
  const { calls, client } = counting();
  const shared = new SharedRangeFetch(client);
  shared.expect('up', 0, 100, 10);
  shared.expect('up', 0, 100, 10);
  shared.expect('down', 0, 100, 10);
  const [a, b] = await Promise.all([shared.fetch('up', 0, 100, 10, signal), shared.fetch('up', 0, 100, 10, signal)]);
  expect(a).toBe(b);
  expect(calls).toEqual([['up', 0]]);
  // Both expected readers have read it: a third read is a fetch of its own.
  await shared.fetch('up', 0, 100, 10, signal);
  // A range nobody announced is fetched directly; another expression is another range.
  await shared.fetch('up', 50, 100, 10, signal);
  await shared.fetch('down', 0, 100, 10, signal);
  expect(calls).toEqual([
    ['up', 0],
    ['up', 0],
    ['up', 50],
    ['down', 0],
  ]);
  shared.close();
});
