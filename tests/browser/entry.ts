/**
 * The computation compared between Node and a real browser: the same input, every model kind,
 * through the causal engine and through toJSON -> loadModel. Returns digests of the raw float
 * bytes, so "identical" means bit-identical.
 */
import { backtest, fitModel, loadModel, MODEL_KINDS, resolveOptions, allocScoreBuffers } from '../../src/model';
import { fingerprintSeries } from '../../src/model/fingerprint';
import type { Series } from '../../src/model';
import { dcos, dsin } from '../../src/model/detmath';

export function identityInput(n = 2016): Series {
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    t[i] = 1_700_000_000_000 + i * 300_000;
    const day = (2 * Math.PI * i) / 288;
    v[i] = 100 + 30 * dsin(day) + 8 * dcos(3 * day) + (s / 4294967296 - 0.5) * 10;
    if (i % 500 === 499) {
      v[i] += 80; // a spike now and then
    }
    if (i % 333 === 7) {
      v[i] = NaN; // and a gap
    }
  }
  return { t, v };
}

export function computeDigests(series: Series): Record<string, string> {
  const out: Record<string, string> = {};
  const options = resolveOptions({ trainingWindowMs: 3 * 86_400_000 });
  for (const kind of MODEL_KINDS) {
    const r = backtest(series, { model: kind, options, refitEveryMs: 86_400_000 });
    out[`backtest:${kind}`] = fingerprintSeries(r.score, r.expected) + fingerprintSeries(r.lower, r.upper);
    const half = Math.floor(series.t.length / 2);
    const train = { t: series.t.subarray(0, half), v: series.v.subarray(0, half) };
    const fitted = fitModel(kind, train, options, 300_000);
    if (fitted) {
      const loaded = loadModel(JSON.stringify(fitted.model));
      const buf = allocScoreBuffers(series.t.length);
      loaded.score(series, buf, half);
      out[`loaded:${kind}`] = fingerprintSeries(buf.score, buf.expected) + fingerprintSeries(buf.lower, buf.upper);
    }
  }
  return out;
}
