import { ModelError } from '../errors';
import { Rng } from '../random';
import { averagePathLength, IsolationForest } from './forest';
import { gaussian, sameBits } from './testing';

function cloud(nRows: number, nFeatures: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(nRows * nFeatures);
  for (let i = 0; i < x.length; i++) {
    x[i] = gaussian(rng);
  }
  return x;
}

describe('averagePathLength', () => {
  it('follows scikit-learn: c(1)=0, c(2)=1, c(n)=2H(n-1)-2(n-1)/n with H(i)=ln(i)+gamma', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // ln(255) = 5.541263545158426 (independently: 255 = 3*5*17).
    const ln255 = Math.log(3) + Math.log(5) + Math.log(17);
    expect(ln255).toBeCloseTo(5.541263545158426, 14);
    expect(averagePathLength(256)).toBeCloseTo(2 * (5.541263545158426 + 0.5772156649) - (2 * 255) / 256, 12);
    // Close to the exact harmonic form 2*H_255 - 2*255/256 (the ln form differs by ~1/n).
    let h = 0;
    for (let i = 1; i <= 255; i++) {
      h += 1 / i;
    }
    expect(Math.abs(averagePathLength(256) - (2 * h - (2 * 255) / 256))).toBeLessThan(0.01);
  });
});

describe('IsolationForest', () => {
  const nRows = 2501; // not a multiple of the 8-row interleave nor of the row block
  const x = cloud(nRows, 3, 1);

  it('score() equals 2^(-mean path length / c(sampleSize)) from the one-row walker', () => {
    const f = IsolationForest.fit(x, nRows, 3, { nTrees: 37, seed: 5 });
    const s = new Float64Array(nRows);
    f.score(x, nRows, s);
    for (const i of [0, 1, 7, 8, 1000, 2047, 2048, 2500]) {
      const row = x.slice(i * 3, i * 3 + 3);
      let sum = 0;
      for (let t = 0; t < f.nTrees; t++) {
        sum += f.pathLength(t, row);
      }
      const expected = Math.pow(2, -sum / f.nTrees / averagePathLength(256));
      expect(s[i]).toBeCloseTo(expected, 12);
      expect(f.scoreRow(row)).toBeCloseTo(expected, 12);
    }
  });

  it('uses min(maxSamples, n) samples and depth ceil(log2) of it', () => {
    expect(IsolationForest.fit(x, nRows, 3).sampleSize).toBe(256);
    expect(IsolationForest.fit(x, nRows, 3).maxDepth).toBe(8);
    const small = IsolationForest.fit(x, 100, 3);
    expect(small.sampleSize).toBe(100);
    expect(small.maxDepth).toBe(7);
  });

  it('gives an isolated outlier a higher score than the cloud', () => {
    const f = IsolationForest.fit(x, nRows, 3, { seed: 3 });
    const s = new Float64Array(nRows);
    f.score(x, nRows, s);
    const sorted = Float64Array.from(s).sort();
    const outlier = f.scoreRow(Float64Array.from([8, -8, 8]));
    expect(outlier).toBeGreaterThan(0.7);
    expect(outlier).toBeGreaterThan(sorted[nRows - 1]);
    expect(sorted[nRows >> 1]).toBeLessThan(0.5);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Float64Array(nRows);
    const b = new Float64Array(nRows);
    const c = new Float64Array(nRows);
    IsolationForest.fit(x, nRows, 3, { seed: 9 }).score(x, nRows, a);
    IsolationForest.fit(x, nRows, 3, { seed: 9 }).score(x, nRows, b);
    IsolationForest.fit(x, nRows, 3, { seed: 10 }).score(x, nRows, c);
    expect(sameBits(a, b)).toBe(true);
    expect(sameBits(a, c)).toBe(false);
  });

  it('round-trips through JSON with bit-identical scores', () => {
    const f = IsolationForest.fit(x, nRows, 3, { seed: 2, nTrees: 20 });
    const g = IsolationForest.load(JSON.parse(JSON.stringify(f.toJSON())));
    const a = new Float64Array(nRows);
    const b = new Float64Array(nRows);
    f.score(x, nRows, a);
    g.score(x, nRows, b);
    expect(sameBits(a, b)).toBe(true);
  });

  it('load rejects damaged forests', () => {
    const good = IsolationForest.fit(x, nRows, 3, { nTrees: 2 }).toJSON();
    const bad = (patch: object) => () => IsolationForest.load({ ...good, ...patch });
    expect(bad({ feature: good.feature.slice(1) })).toThrow(ModelError);
    expect(bad({ feature: good.feature.map(() => 3) })).toThrow(/feature index/);
    expect(bad({ threshold: good.threshold.map((v, i) => (i === 0 ? NaN : v)) })).toThrow(ModelError);
    expect(bad({ leafPath: good.leafPath.map(() => 1e6) })).toThrow(/out of range/);
    expect(bad({ maxDepth: 5 })).toThrow(ModelError);
    expect(bad({ nTrees: 3 })).toThrow(ModelError);
    expect(() => IsolationForest.load(null)).toThrow(ModelError);
  });

  it('rejects non-finite training data', () => {
    const y = Float64Array.from(x);
    y[4] = NaN;
    expect(() => IsolationForest.fit(y, nRows, 3)).toThrow(ModelError);
  });
});
