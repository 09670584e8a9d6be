/**
 * Seasonal and ETS detector benchmark (Node). See README.md beside this file.
 * Times training on 90 days at 60 s (129,600 points) and scoring throughput on one core, then runs
 * the statsmodels peer (if bench/.venv exists) and, optionally, @bsull/augurs MSTL for comparison.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fitEts } from '../../src/model/ets/ets';
import { resolveOptions } from '../../src/model/options';
import { Rng } from '../../src/model/random';
import { fitSeasonal } from '../../src/model/seasonal/seasonal';
import { describeTraining } from '../../src/model/training';
import { allocScoreBuffers, type Series } from '../../src/model/types';

const STEP = 60_000;
const DAY_POINTS = 1440;
const TRAIN_POINTS = 90 * DAY_POINTS;
const SCORE_POINTS = 5_000_000;
const T0 = Date.UTC(2024, 0, 1);

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function makeSeries(n: number, startIndex: number, seed: number): Series {
  const rng = new Rng(seed);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = startIndex + i;
    const day = Math.floor(k / DAY_POINTS) % 7;
    t[i] = T0 + k * STEP;
    v[i] = 100 + 20 * Math.sin((2 * Math.PI * (k % DAY_POINTS)) / DAY_POINTS) - (day >= 5 ? 15 : 0) + 2 * gaussian(rng);
  }
  return { t, v };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time<T>(runs: number, f: () => T): { ms: number; all: number[]; last: T } {
  const all: number[] = [];
  let last!: T;
  for (let r = 0; r < runs; r++) {
    const a = performance.now();
    last = f();
    all.push(performance.now() - a);
  }
  return { ms: median(all), all, last };
}

const fmt = (x: number) => x.toFixed(1);
const train = makeSeries(TRAIN_POINTS, 0, 1);
const test = makeSeries(SCORE_POINTS, TRAIN_POINTS, 2);
const out = allocScoreBuffers(SCORE_POINTS);
const results: Record<string, unknown> = {};

for (const seasonality of ['auto', 'daily'] as const) {
  const options = resolveOptions({ seasonality });
  // Warm up until the JIT has settled: the first few fits run 3-5x slower than steady state.
  for (let w = 0; w < 5; w++) {
    fitSeasonal(train, options);
  }
  const fit = time(9, () => fitSeasonal(train, options));
  const m = fit.last;
  m.score(test, out); // warm-up
  const sc = time(5, () => m.score(test, out));
  let alarms = 0;
  for (let i = 0; i < SCORE_POINTS; i++) {
    if (out.score[i] > 1) {
      alarms++;
    }
  }
  results[`seasonal_${seasonality}`] = {
    detected: m.params.seasonality,
    bins: m.params.nBins,
    fit_ms_median: +fmt(fit.ms),
    score_points_per_s: Math.round(SCORE_POINTS / (sc.ms / 1000)),
    false_alarm_rate_clean: alarms / SCORE_POINTS,
  };
}
const describe = time(9, () => describeTraining(train));
results.describeTraining_ms_median = +fmt(describe.ms);

{
  const options = resolveOptions({ seasonality: 'daily' });
  const fit = time(3, () => fitEts(train, options));
  const m = fit.last;
  m.score(test, out);
  const sc = time(3, () => m.score(test, out));
  let alarms = 0;
  for (let i = 0; i < SCORE_POINTS; i++) {
    if (out.score[i] > 1) {
      alarms++;
    }
  }
  const p = m.params;
  results.ets_daily = {
    m: p.m,
    params: {
      alpha: +p.alpha.toFixed(4),
      beta: +p.beta.toFixed(5),
      gamma: +p.gamma.toFixed(4),
      phi: +p.phi.toFixed(4),
    },
    fit_ms_median: +fmt(fit.ms),
    score_points_per_s: Math.round(SCORE_POINTS / (sc.ms / 1000)),
    false_alarm_rate_clean: alarms / SCORE_POINTS,
  };
}

console.log(JSON.stringify({ vigil: results }, null, 2));

// Peer: statsmodels, same values (raw float64 file), when the venv is present.
const root = process.cwd();
const python = join(root, 'bench/.venv/bin/python');
if (existsSync(python) && process.env.SKIP_PEER !== '1') {
  const file = '/tmp/vigil-seasonal-bench.f64';
  writeFileSync(file, Buffer.from(train.v.buffer));
  const r = spawnSync(python, [join(root, 'bench/seasonal/statsmodels_peer.py'), file, String(DAY_POINTS)], {
    encoding: 'utf8',
    timeout: Number(process.env.PEER_TIMEOUT_MS ?? 600_000),
  });
  console.log(
    r.status === 0 ? `statsmodels: ${r.stdout.trim()}` : `statsmodels peer failed or timed out: ${r.stderr.slice(-500)}`
  );
} else {
  console.log('statsmodels peer skipped (no bench/.venv or SKIP_PEER=1)');
}

// Optional: @bsull/augurs MSTL (WASM) on the last 14 days at 60 s, for its fit time and intervals.
try {
  const req = createRequire(join(root, 'package.json'));
  const dir = join(root, 'node_modules/@bsull/augurs');

  const mstl = req(join(dir, 'mstl.js')) as typeof import('@bsull/augurs/mstl');
  mstl.initSync({ module: readFileSync(join(dir, 'mstl_bg.wasm')) });
  const y = train.v.slice(train.v.length - 14 * DAY_POINTS);
  const fit = time(1, () => {
    const model = mstl.MSTL.ets([DAY_POINTS]);
    model.fit(y);
    return model;
  });
  const fc = fit.last.predict(DAY_POINTS, 0.99);
  const widths = fc.intervals ? fc.intervals.upper.map((u, i) => u - fc.intervals!.lower[i]) : [];
  console.log(
    `augurs MSTL(ets, period 1440) on ${y.length} points: fit ${fmt(fit.ms)} ms, 99% interval width first/last of a day ahead: ${
      widths.length ? `${fmt(widths[0])} / ${fmt(widths[widths.length - 1])}` : 'n/a'
    }`
  );
} catch (e) {
  console.log(`augurs MSTL not run: ${(e as Error).message}`);
}
