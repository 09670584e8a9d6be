import { fitModel } from '../model/engine/fit';
import { DEFAULT_OPTIONS } from '../model/options';
import { loadModel } from '../model/registry';
import { dailySignal, makeSeries } from '../model/seasonal/testSeries';
import { lowerBound } from '../model/training';
import type { Model, ModelKind, Series } from '../model/types';
import { contextStartMs, DEFAULT_CONTEXT_POINTS, scoreSeries, withContext } from './execute';

// A stored model's scores at time t depend on the model and the points up to t only, not on
// which range was requested: a model that resumes from the end of its training needs the points
// since then as context, and more context (the capped 2,048 points the browser still fetches)
// changes no bit.

const STEP = 5 * 60_000;
const TRAIN = 3 * 288;
const AFTER = 2 * 288;
const full = makeSeries(TRAIN + AFTER, STEP, dailySignal, 2, 11);
// A level shift after training: the online state (adaptive level, seasonal correction) moves.
for (let i = TRAIN + 100; i < TRAIN + AFTER; i++) {
  full.v[i] += 30;
}
full.v[TRAIN + 40] = NaN;
const training: Series = { t: full.t.subarray(0, TRAIN), v: full.v.subarray(0, TRAIN) };
const options = { ...DEFAULT_OPTIONS, trainingWindowMs: TRAIN * STEP };

function fitted(kind: ModelKind): Model {
  const fit = fitModel(kind, training, options, STEP);
  if (!fit) {
    throw new Error(`${kind} did not fit`);
  }
  // Through JSON, as the store keeps it.
  return loadModel(JSON.parse(JSON.stringify(fit.model.toJSON())));
}

/** What a caller hands the model for [rangeStartMs, end] with context from `startMs`. */
function scoredFrom(rangeStartMs: number, startMs: number): Series {
  const r = lowerBound(full.t, rangeStartMs);
  const context = { t: full.t.subarray(0, r), v: full.v.subarray(0, r) };
  return withContext(context, startMs, { t: full.t.subarray(r), v: full.v.subarray(r) });
}

function scoresOn(model: Model, rangeStartMs: number, startMs: number, fromMs: number) {
  const series = scoredFrom(rangeStartMs, startMs);
  const { out } = scoreSeries(model, series, rangeStartMs);
  const i = lowerBound(series.t, fromMs);
  const tail = (a: Float64Array) => Array.from(a.subarray(i));
  return { expected: tail(out.expected), lower: tail(out.lower), upper: tail(out.upper), score: tail(out.score) };
}

const cap = (rangeStartMs: number) => rangeStartMs - DEFAULT_CONTEXT_POINTS * STEP;

describe.each<ModelKind>(['auto', 'adaptive', 'seasonal', 'ets'])('context of a stored %s model', (kind) => {
  const model = fitted(kind);
  const a = full.t[TRAIN + 300];
  const earlier = full.t[TRAIN + 60];

  it('needs no context when the range starts right after training', () => {
    const start = full.t[TRAIN];
    expect(contextStartMs(model, start, STEP, cap(start))).toBe(start);
  });

  it('needs the points since training only, on the step grid', () => {
    expect(contextStartMs(model, a, STEP, cap(a))).toBe(full.t[TRAIN]);
  });

  it('scores [a, end] the same whether [a, end] or an earlier range was requested, and with more context', () => {
    const own = scoresOn(model, a, contextStartMs(model, a, STEP, cap(a)), a);
    const wider = scoresOn(model, earlier, contextStartMs(model, earlier, STEP, cap(earlier)), a);
    const capped = scoresOn(model, a, cap(a), a);
    expect(own.score.some((s) => s > 0)).toBe(true);
    expect(wider).toEqual(own);
    expect(capped).toEqual(own);
  });
});

describe('context without a resumable state', () => {
  it('a rolling-window model (zscore) gets the whole capped context', () => {
    const model = fitted('zscore');
    const a = full.t[TRAIN + 300];
    expect(contextStartMs(model, a, STEP, cap(a))).toBe(cap(a));
    expect(contextStartMs(undefined, a, STEP, cap(a))).toBe(cap(a));
  });

  it('an adaptive model saved before the training-end state was kept warms up on the capped context', () => {
    const json = JSON.parse(JSON.stringify(fitModel('adaptive', training, options, STEP)!.model.toJSON()));
    delete json.state;
    const legacy = loadModel(json);
    const a = full.t[TRAIN + 300];
    expect(contextStartMs(legacy, a, STEP, cap(a))).toBe(cap(a));
    const s = scoresOn(legacy, a, cap(a), a);
    expect(s.score.every((x) => Number.isFinite(x) || Number.isNaN(x))).toBe(true);
  });

  it('a range overlapping training scores as before (no resume): context is the range start for seasonal', () => {
    const model = fitted('seasonal');
    const inside = full.t[TRAIN - 10];
    expect(contextStartMs(model, inside, STEP, cap(inside))).toBe(inside);
  });
});
