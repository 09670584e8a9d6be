import { tableFromIPC } from 'apache-arrow';
import { resolveOptions } from '../../model';
import { BACKTEST_LIMITS } from '../../query/api';
import { encodeFrame } from '../frames';
import { alertsFrame } from './backtestQuery';
import { BacktestLimitError, checkReplayLimits, type ReplayPlan } from './replay';

const HOUR = 3_600_000;
const plan: ReplayPlan = {
  expr: 'up',
  model: 'seasonal',
  options: resolveOptions({ trainingWindowMs: 7 * 24 * HOUR }),
  rules: [{ severity: 'warning', threshold: 1, forMs: 0 }],
  refitEveryMs: 6 * HOUR,
  smoothingMs: 0,
  stepMs: 60_000,
  fromMs: 0,
  toMs: 24 * HOUR,
};

describe('checkReplayLimits', () => {
  it('passes a day at one minute with a week of history', () => {
    expect(() => checkReplayLimits(plan)).not.toThrow();
  });

  it('names the limit and what to change', () => {
    const bad = (p: Partial<ReplayPlan>) => () => checkReplayLimits({ ...plan, ...p });
    expect(bad({ toMs: 0 })).toThrow(BacktestLimitError);
    expect(bad({ toMs: -1 })).toThrow(/"from" must be before "to"/);
    expect(bad({ toMs: BACKTEST_LIMITS.maxRangeMs + 1, stepMs: 3_600_000 })).toThrow(/the limit is 12w6d/);
    expect(bad({ toMs: 20 * 24 * HOUR })).toThrow(/28801 points per series .* use a step of at least 2m/);
    expect(bad({ options: resolveOptions({ trainingWindowMs: 365 * 24 * HOUR }) })).toThrow(
      /needs 527041 points per series .* limit is 200000/
    );
  });
});

describe('alertsFrame', () => {
  it('encodes the replayed alerts as an annotation frame Grafana can draw as regions', () => {
    const frame = alertsFrame('A', [
      {
        severity: 'critical',
        pendingFromMs: 1000,
        fromMs: 61_000,
        toMs: 181_000,
        peakScore: 4.5,
        series: 'up{job="x"}',
        labels: { job: 'x' },
      },
    ]);
    const table = tableFromIPC(encodeFrame(frame));
    expect(JSON.parse(table.schema.metadata.get('meta')!)).toMatchObject({ dataTopic: 'annotations' });
    expect(table.numRows).toBe(1);
    expect(Number(table.getChild('time')!.get(0))).toBe(61_000);
    expect(Number(table.getChild('timeEnd')!.get(0))).toBe(181_000);
    expect(table.getChild('text')!.get(0)).toMatch(
      /critical would have fired on up\{job="x"\}: peak smoothed score 4.50/
    );
    expect(tableFromIPC(encodeFrame(alertsFrame('A', []))).numRows).toBe(0);
  });
});
