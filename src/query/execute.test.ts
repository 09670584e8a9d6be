import { anomalyValues, executionRanges, pointsBefore, scoreSeries, trainAndScore } from './execute';
import { DEFAULT_OPTIONS } from '../model/options';

const MIN = 60_000;

describe('executionRanges', () => {
  it('fetches context before the range, capped by the training window, and trains on the window before it', () => {
    const r = executionRanges({ startMs: 1000 * MIN, endMs: 1100 * MIN }, MIN, 60 * MIN, 2048);
    expect(r.scored).toEqual({ startMs: 940 * MIN, endMs: 1100 * MIN });
    expect(r.training).toEqual({ startMs: 940 * MIN, endMs: 999 * MIN });
    expect(executionRanges({ startMs: 1000 * MIN, endMs: 1100 * MIN }, MIN, 1e9 * MIN, 10).scored.startMs).toBe(
      990 * MIN
    );
  });

  it('has no training range when the window is shorter than one step', () => {
    expect(executionRanges({ startMs: 0, endMs: 10 * MIN }, MIN, 30_000).training).toBeUndefined();
  });
});

describe('scoring one series', () => {
  const n = 400;
  const t = Float64Array.from({ length: n }, (_, i) => i * MIN);
  const v = Float64Array.from({ length: n }, (_, i) => 10 + (i % 7) + (i === 350 ? 40 : 0));
  const series = { t, v };
  const options = { ...DEFAULT_OPTIONS, trainingWindowMs: 300 * MIN };

  it('scores only the requested range; the context before it is left at zero', () => {
    const r = trainAndScore('zscore', options, MIN, series, pointsBefore(series, 300 * MIN), 300 * MIN);
    expect(r.fit?.model.kind).toBe('zscore');
    expect(r.from).toBe(300);
    expect(r.out.score[299]).toBe(0);
    expect(r.out.score[350]).toBeGreaterThan(1);
    expect(anomalyValues(v, r.out.score)[350]).toBe(v[350]);
    expect(Number.isNaN(anomalyValues(v, r.out.score)[301])).toBe(true);
  });

  it('without a model every output is NaN', () => {
    const r = scoreSeries(undefined, series, 300 * MIN);
    expect([...r.out.score.subarray(r.from)].every(Number.isNaN)).toBe(true);
  });
});
