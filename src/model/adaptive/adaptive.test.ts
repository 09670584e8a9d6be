import { resolveOptions } from '../options';
import { allocScoreBuffers, type Series } from '../types';
import { AdaptiveModel, DEFAULT_ADAPTIVE_CONFIG, fitAdaptive } from './adaptive';

function noisy(n: number, seed = 1, sd = 1): Series {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = 1_700_000_000_000 + i * 300_000;
    v[i] = 50 + (rand() + rand() + rand() - 1.5) * 2 * sd;
  }
  return { t, v };
}

const head = (s: Series, n: number): Series => ({ t: s.t.subarray(0, n), v: s.v.subarray(0, n) });

function countAbove(score: Float64Array, from: number, to: number, level = 1): number {
  let c = 0;
  for (let i = from; i < to; i++) {
    if (score[i] > level) {
      c++;
    }
  }
  return c;
}

describe('adaptive', () => {
  const options = resolveOptions();

  it('flags a spike and keeps ordinary noise inside the band', () => {
    const s = noisy(2000, 3);
    s.v[1500] += 15;
    const model = fitAdaptive(head(s, 1000), options);
    const out = allocScoreBuffers(2000);
    model.score(s, out, 1000);
    expect(out.score[1500]).toBeGreaterThan(2);
    // The rolling-mean view remembers the spike for meanWindow points (on purpose: bursts cluster);
    // outside that, ordinary noise stays in the band.
    const after = 1500 + DEFAULT_ADAPTIVE_CONFIG.meanWindow;
    expect(countAbove(out.score, 1000, 1500) + countAbove(out.score, after, 2000)).toBeLessThan(4);
  });

  it('re-anchors after a sustained shift so the new normal stops scoring', () => {
    const s = noisy(2000, 5);
    for (let i = 1500; i < 2000; i++) {
      s.v[i] += 20;
    }
    const model = fitAdaptive(head(s, 1000), options);
    const out = allocScoreBuffers(2000);
    model.score(s, out, 1000);
    expect(out.score[1500]).toBeGreaterThan(2);
    // Right after the run the shifted level is the expected one, and the band is narrow again.
    const settle = 1500 + DEFAULT_ADAPTIVE_CONFIG.shiftRun + 2;
    expect(Math.abs(out.expected[settle] - 70)).toBeLessThan(2);
    expect(countAbove(out.score, settle, 2000)).toBeLessThan(4);
    expect(out.upper[1990] - out.lower[1990]).toBeLessThan(2 * (out.upper[1490] - out.lower[1490]));
    // Without the re-anchor the smoother is still far behind.
    const slow = fitAdaptive(head(s, 1000), options, { ...DEFAULT_ADAPTIVE_CONFIG, shiftRun: 0 });
    const out2 = allocScoreBuffers(2000);
    slow.score(s, out2, 1000);
    expect(Math.abs(out2.expected[settle] - 70)).toBeGreaterThan(5);
  });

  it('scores a sustained modest deviation higher than any of its points alone would', () => {
    const s = noisy(2000, 7);
    // A 2.5-sigma step: no single point is rare, the run is.
    for (let i = 1500; i < 1530; i++) {
      s.v[i] += 2.5;
    }
    const config = { ...DEFAULT_ADAPTIVE_CONFIG, shiftRun: 0 };
    const model = fitAdaptive(head(s, 1000), options, config);
    const pointOnly = fitAdaptive(head(s, 1000), options, { ...config, meanWindow: 1 });
    const a = allocScoreBuffers(2000);
    const b = allocScoreBuffers(2000);
    model.score(s, a, 1000);
    pointOnly.score(s, b, 1000);
    const maxIn = (x: Float64Array) => Math.max(...Array.from(x.subarray(1500, 1530)));
    expect(maxIn(a.score)).toBeGreaterThan(1);
    expect(maxIn(b.score)).toBeLessThan(1);
  });

  it('widens the band in a noisy stretch and narrows it again in a calm one', () => {
    const calm = noisy(3000, 9, 1);
    const loud = noisy(3000, 10, 6);
    const s: Series = { t: calm.t, v: Float64Array.from(calm.v) };
    for (let i = 1500; i < 2000; i++) {
      s.v[i] = loud.v[i];
    }
    const model = fitAdaptive(head(s, 1000), options);
    const out = allocScoreBuffers(3000);
    model.score(s, out, 1000);
    const width = (i: number) => out.upper[i] - out.lower[i];
    expect(width(1990)).toBeGreaterThan(3 * width(1490));
    expect(width(2990)).toBeLessThan(width(1990) / 3);
  });

  it('keeps detecting after a giant incident in its training window', () => {
    const s = noisy(2000, 11);
    s.v[500] += 500;
    s.v[1500] += 15;
    const model = fitAdaptive(head(s, 1000), options);
    const out = allocScoreBuffers(2000);
    model.score(s, out, 1000);
    expect(out.score[1500]).toBeGreaterThan(1.5);
  });

  it('never draws a zero-width band on a noiseless periodic series', () => {
    const n = 288 * 6;
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = 1_700_000_000_000 + i * 300_000;
      v[i] = 20 + 60 * Math.sin((2 * Math.PI * i) / 288);
    }
    const model = fitAdaptive({ t: t.subarray(0, 288 * 3), v: v.subarray(0, 288 * 3) }, options);
    const out = allocScoreBuffers(n);
    model.score({ t, v }, out, 288 * 3);
    for (let i = 288 * 3; i < n; i++) {
      expect(out.upper[i] - out.lower[i]).toBeGreaterThanOrEqual(2 * 0.01 * 119);
    }
    expect(countAbove(out.score, 288 * 3, n)).toBe(0);
  });

  it('honours direction and the minimum deviation', () => {
    const s = noisy(1500, 13);
    s.v[1200] -= 20;
    for (let i = 1300; i < 1330; i++) {
      s.v[i] += 2.5;
    }
    const above = fitAdaptive(head(s, 1000), resolveOptions({ direction: 'above' }));
    const out = allocScoreBuffers(1500);
    above.score(s, out, 1000);
    expect(out.score[1200]).toBe(0);
    const floored = fitAdaptive(head(s, 1000), resolveOptions({ minAbsDeviation: 10 }));
    floored.score(s, out, 1000);
    expect(countAbove(out.score, 1000, 1500)).toBe(1); // only the -20 dip
  });

  it('round-trips through JSON with identical scores and rejects bad input', () => {
    const s = noisy(1200, 17);
    const model = fitAdaptive(s, options);
    const again = AdaptiveModel.load(JSON.parse(JSON.stringify(model)));
    const a = allocScoreBuffers(1200);
    const b = allocScoreBuffers(1200);
    model.score(s, a);
    again.score(s, b);
    expect(Array.from(b.score)).toEqual(Array.from(a.score));
    expect(Array.from(b.upper)).toEqual(Array.from(a.upper));
    const json = model.toJSON();
    expect(() => AdaptiveModel.load({ ...json, kind: 'zscore' })).toThrow(/expected a adaptive model/);
    expect(() => AdaptiveModel.load({ ...json, formatVersion: 99 })).toThrow(/not supported/);
    expect(() => AdaptiveModel.load({ ...json, alpha: 2 })).toThrow(/alpha/);
    expect(() => AdaptiveModel.load({ ...json, meanWindow: 1.5 })).toThrow(/meanWindow/);
    expect(() => AdaptiveModel.load({ ...json, kUpper: -1 })).toThrow(/kUpper/);
    expect(() => AdaptiveModel.load({ ...json, scale0: 'x' })).toThrow(/scale0/);
  });

  it('scores linearly against the band it draws, while a version-1 model keeps its own score', () => {
    // A 20-sigma level shift the filter has not re-anchored to yet: the sustained view moves the
    // band's edge in, so the band puts the shifted points many widths out.
    const s = noisy(2000, 5);
    for (let i = 1500; i < 1530; i++) {
      s.v[i] += 20;
    }
    const model = fitAdaptive(head(s, 1000), options, { ...DEFAULT_ADAPTIVE_CONFIG, shiftRun: 0 });
    const out = allocScoreBuffers(2000);
    model.score(s, out, 1000);
    for (let i = 1000; i < 2000; i++) {
      const r = s.v[i] - out.expected[i];
      const width = r >= 0 ? out.upper[i] - out.expected[i] : out.expected[i] - out.lower[i];
      expect(out.score[i]).toBeCloseTo(Math.abs(r) / width, 9);
    }
    expect(model.toJSON().formatVersion).toBe(2);

    const v1 = AdaptiveModel.load({ ...JSON.parse(JSON.stringify(model)), formatVersion: 1 });
    expect(v1.toJSON().formatVersion).toBe(1);
    const old = allocScoreBuffers(2000);
    v1.score(s, old, 1000);
    // The same band; inside it the same verdict; beyond it the sustained view's slower score.
    expect(Array.from(old.upper)).toEqual(Array.from(out.upper));
    expect(Array.from(old.lower)).toEqual(Array.from(out.lower));
    for (let i = 1000; i < 2000; i++) {
      expect(old.score[i] > 1).toBe(out.score[i] > 1);
    }
    expect(old.score[1520]).toBeGreaterThan(1);
    expect(out.score[1520]).toBeGreaterThan(3 * old.score[1520]);
  });
});
