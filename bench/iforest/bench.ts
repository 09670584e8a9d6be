import { execFileSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { IsolationForest as MlForest } from 'ml-isolation-forest';
import { IsolationForest } from '../../src/model/iforest/forest';
import { benchMatrix } from './data';
import { medianOf, pearson, spearman } from './stats';

/**
 * Vigil's isolation forest vs scikit-learn's IsolationForest (fit + score_samples) and the npm
 * ml-isolation-forest as shipped, on the same 100k x 5 matrix in the same run. See README.md.
 */

const N_ROWS = intEnv('IFOREST_ROWS', 100_000);
const N_FEATURES = 5;
const REPEATS = intEnv('IFOREST_REPEATS', 5);
/** ml-isolation-forest trains on every row (no subsampling): 100k rows take minutes, so 10k by default. */
const ML_ROWS = Math.min(intEnv('IFOREST_ML_ROWS', 10_000), N_ROWS);
const TMP = process.env.IFOREST_TMP ?? '/tmp';
const PYTHON = process.env.IFOREST_PYTHON ?? join(__dirname_(), '..', '.venv', 'bin', 'python');

function main(): void {
  const x = benchMatrix(N_ROWS, N_FEATURES);
  const dataPath = join(TMP, 'vigil-iforest-bench.f64');
  const skScoresPath = join(TMP, 'vigil-iforest-sklearn-scores.f64');
  writeFileSync(dataPath, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  console.log(`data: ${N_ROWS} x ${N_FEATURES} float64 -> ${dataPath}; node ${process.version}`);

  // Ours.
  const fitMs: number[] = [];
  const scoreMs: number[] = [];
  const ours = new Float64Array(N_ROWS);
  for (let rep = 0; rep < REPEATS; rep++) {
    const t0 = performance.now();
    const forest = IsolationForest.fit(x, N_ROWS, N_FEATURES, { nTrees: 100, maxSamples: 256, seed: rep });
    const t1 = performance.now();
    forest.score(x, N_ROWS, ours);
    const t2 = performance.now();
    fitMs.push(t1 - t0);
    scoreMs.push(t2 - t1);
  }
  report('vigil', fitMs, scoreMs);

  // scikit-learn, as a subprocess on the same file.
  let sk: { sklearn: string; numpy: string; fit_ms: number[]; score_ms: number[] } | undefined;
  if (existsSync(PYTHON)) {
    const peer = join(__dirname_(), 'sklearn_peer.py');
    const outText = execFileSync(
      PYTHON,
      [peer, dataPath, String(N_ROWS), String(N_FEATURES), skScoresPath, String(REPEATS)],
      {
        encoding: 'utf8',
      }
    );
    sk = JSON.parse(outText.trim().split('\n').pop() as string);
    report(`sklearn ${sk!.sklearn} (numpy ${sk!.numpy})`, sk!.fit_ms, sk!.score_ms);
  } else {
    console.log(`sklearn: skipped, no python at ${PYTHON} (see README.md)`);
  }

  // ml-isolation-forest as shipped: trains on every row it is given, so it is far slower.
  const rows: number[][] = [];
  for (let i = 0; i < ML_ROWS; i++) {
    rows.push(Array.from(x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES)));
  }
  const m0 = performance.now();
  const ml = new MlForest({ nEstimators: 100 });
  ml.train(rows);
  const m1 = performance.now();
  const mlScores = Float64Array.from(ml.predict(rows));
  const m2 = performance.now();
  report(`ml-isolation-forest (${ML_ROWS} rows, 1 run)`, [m1 - m0], [m2 - m1]);

  console.log('\nratios (median times, >1 means vigil is faster):');
  const f = medianOf(fitMs);
  const s = medianOf(scoreMs);
  if (sk) {
    console.log(`  vs sklearn fit            ${(medianOf(sk.fit_ms) / f).toFixed(1)}x`);
    console.log(`  vs sklearn score_samples  ${(medianOf(sk.score_ms) / s).toFixed(1)}x`);
  }
  const perRow = ML_ROWS / N_ROWS;
  console.log(`  vs ml-isolation-forest fit      ${((m1 - m0) / f).toFixed(1)}x`);
  console.log(`  vs ml-isolation-forest predict  ${((m2 - m1) / (s * perRow)).toFixed(1)}x (per row)`);

  console.log('\nagreement of scores (last vigil run vs):');
  if (sk) {
    const skScores = new Float64Array(readFileSync(skScoresPath).buffer.slice(0));
    console.log(
      `  sklearn: spearman ${spearman(ours, skScores).toFixed(4)}, pearson ${pearson(ours, skScores).toFixed(4)}`
    );
    console.log(`  mean score vigil ${mean(ours).toFixed(4)} sklearn ${mean(skScores).toFixed(4)}`);
    const skOther = new Float64Array(readFileSync(skScoresPath + '.seed1').buffer.slice(0));
    console.log(`  reference, sklearn seed 0 vs seed 1: spearman ${spearman(skScores, skOther).toFixed(4)}`);
  }
  const oursMl = ours.subarray(0, ML_ROWS);
  const oursOther = new Float64Array(N_ROWS);
  IsolationForest.fit(x, N_ROWS, N_FEATURES, { seed: 1000 }).score(x, N_ROWS, oursOther);
  console.log(`  reference, vigil seed ${REPEATS - 1} vs seed 1000: spearman ${spearman(ours, oursOther).toFixed(4)}`);
  console.log(`  ml-isolation-forest: spearman ${spearman(oursMl, mlScores).toFixed(4)}`);
}

function report(name: string, fitMs: number[], scoreMs: number[]): void {
  const fmt = (v: number[]) => `median ${medianOf(v).toFixed(1)} ms (min ${Math.min(...v).toFixed(1)}, n=${v.length})`;
  console.log(`${name}\n  fit   ${fmt(fitMs)}\n  score ${fmt(scoreMs)}`);
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i];
  }
  return s / v.length;
}

function intEnv(name: string, dflt: number): number {
  const v = process.env[name];
  return v ? parseInt(v, 10) : dflt;
}

// The bundle runs from /tmp, so paths are resolved from the repo's bench/iforest folder.
function __dirname_(): string {
  return process.env.IFOREST_BENCH_DIR ?? join(process.cwd(), 'bench', 'iforest');
}

main();
