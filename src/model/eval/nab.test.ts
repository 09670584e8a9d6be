import { Rng } from '../random';
import { NAB_PROFILES, type NabFile, probationLength, scaledSigmoid, scoreCorpus } from './nab';

const MIN = 60_000;
const STD = NAB_PROFILES.standard;
// NAB's sigmoid 2/(1+e^(5p)) - 1 is tanh(-5p/2): an independent form for expected values.
const MAX_TP = Math.tanh(2.5);

/** n rows one minute apart (probation = 15 rows for n = 100), windows as row index ranges. */
function file(n: number, windows: Array<[number, number]>, hits: Record<number, number>, name = 'f.csv'): NabFile {
  const timestamps = Array.from({ length: n }, (_, i) => i * MIN);
  const scores = new Float64Array(n);
  for (const [i, s] of Object.entries(hits)) {
    scores[Number(i)] = s;
  }
  return { name, timestamps, scores, windows: windows.map(([s, e]) => [s * MIN, e * MIN]) };
}

describe('NAB scorer', () => {
  it('uses the documented sigmoid and probation', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(MAX_TP, 12);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3)).toBeCloseTo(Math.tanh(-7.5), 12);
    expect(scaledSigmoid(3.01)).toBe(-1);
    expect(probationLength(100)).toBe(15);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(10_000)).toBe(750);
  });

  it('gives a detection at the window start the full A_TP', () => {
    const r = scoreCorpus([file(100, [[50, 59]], { 50: 1 })]).standard;
    expect(r.threshold).toBe(1);
    expect(r.raw).toBeCloseTo(1, 12);
    expect(r.nullRaw).toBe(-1);
    expect(r.perfect).toBe(1);
    expect(r.normalised).toBeCloseTo(100, 10);
    expect([r.tp, r.fp, r.fn]).toEqual([1, 0, 0]);
  });

  it('gives a detection at the window end the sigmoid of -1/width', () => {
    const r = scoreCorpus([file(100, [[50, 59]], { 59: 1 })]).standard;
    expect(r.raw).toBeCloseTo(Math.tanh(0.25) / MAX_TP, 12);
  });

  it('charges -A_FP for a false positive before any window, per profile', () => {
    const results = scoreCorpus([file(100, [[50, 59]], { 20: 1, 50: 0.9 })]);
    for (const [name, cost] of Object.entries(NAB_PROFILES)) {
      const r = results[name];
      // Detecting both (T = 0.9) beats detecting the FP alone and detecting everything.
      expect(r.threshold).toBe(0.9);
      expect(r.raw).toBeCloseTo(1 - cost.fp, 12);
      expect([r.tp, r.fp, r.fn]).toEqual([1, 1, 0]);
    }
  });

  it('charges little for a false positive just after a window and -A_FP far after it', () => {
    const near = scoreCorpus([file(100, [[50, 59]], { 50: 1, 60: 1 })]).standard;
    expect(near.raw).toBeCloseTo(1 + STD.fp * Math.tanh(-2.5 / 9), 12);
    const far = scoreCorpus([file(100, [[50, 59]], { 50: 1, 90: 1 })]).standard;
    expect(far.raw).toBeCloseTo(1 - STD.fp, 12);
  });

  it('ignores the probationary rows', () => {
    const r = scoreCorpus([file(100, [[50, 59]], { 5: 1, 50: 1 })]).standard;
    expect(r.raw).toBeCloseTo(1, 12);
    expect(r.fp).toBe(0);
    expect(r.perFile[0].probation).toBe(15);
  });

  it('charges A_FN for a missed window', () => {
    const results = scoreCorpus([file(100, [[50, 59]], { 20: 1 })]);
    expect(results.standard.raw).toBe(-1);
    expect(results.reward_low_FN_rate.raw).toBe(-2);
    expect(results.standard.normalised).toBe(0);
    expect(results.standard.threshold).toBe(1.1);
  });

  it('counts a window once, at its best detected row', () => {
    const r = scoreCorpus([file(100, [[50, 59]], { 55: 1, 52: 0.8, 58: 0.7 })]).standard;
    expect(r.raw).toBeCloseTo(Math.tanh((2.5 * 8) / 10) / MAX_TP, 12);
    expect(r.tp).toBe(1);
  });

  it('resolves threshold ties to the highest threshold', () => {
    // Lowering the threshold from 0.8 to 0.5 only adds a worse row of the same window.
    const r = scoreCorpus([file(100, [[50, 59]], { 50: 0.8, 55: 0.5 })]).standard;
    expect(r.threshold).toBe(0.8);
  });

  it('chooses one threshold for the whole corpus', () => {
    const a = file(100, [[50, 59]], { 50: 0.9, 30: 0.5 }, 'a.csv');
    const b = file(100, [[50, 59]], { 50: 0.5 }, 'b.csv');
    const r = scoreCorpus([a, b]).standard;
    // Alone, a would pick 0.9; the corpus gains more from b's window than a's FP costs.
    expect(r.threshold).toBe(0.5);
    expect(r.perFile.map((f) => f.raw)).toEqual([expect.closeTo(1 - STD.fp, 12), expect.closeTo(1, 12)]);
    expect(r.raw).toBeCloseTo(2 - STD.fp, 12);
    expect(r.perfect).toBe(2);
  });

  it('maps windows to rows by start <= t <= end, and never detects NaN scores', () => {
    const f = file(100, [], { 50: NaN, 51: 1 });
    // Window edges between rows: rows 50..59 are inside.
    f.windows = [[49.5 * MIN, 59.5 * MIN]];
    (f.scores as Float64Array)[50] = NaN;
    const r = scoreCorpus([f]).standard;
    // Row 51 is the second row of a 10-row window.
    expect(r.raw).toBeCloseTo(Math.tanh(2.5 * 0.9) / MAX_TP, 12);
  });

  it('does not count a window that lies inside the probation', () => {
    const r = scoreCorpus([file(100, [[2, 5]], {})]).standard;
    expect(r.nullRaw).toBe(0);
    expect([r.tp, r.fn]).toEqual([0, 0]);
  });

  it('rejects misaligned scores, unsorted rows and overlapping windows', () => {
    const f = file(100, [[50, 59]], {});
    expect(() => scoreCorpus([{ ...f, scores: new Float64Array(99) }])).toThrow(/99 scores for 100 rows/);
    expect(() => scoreCorpus([{ ...f, timestamps: Array.from(f.timestamps).reverse() }])).toThrow(/not ascending/);
    expect(() =>
      scoreCorpus([
        {
          ...f,
          windows: [
            [50 * MIN, 59 * MIN],
            [55 * MIN, 70 * MIN],
          ],
        },
      ])
    ).toThrow(/overlap/);
  });

  it('matches a brute-force scorer on random corpora', () => {
    const rng = new Rng(7);
    const rand = () => rng.next();
    for (let trial = 0; trial < 30; trial++) {
      const files: NabFile[] = [];
      for (let f = 0; f < 3; f++) {
        const n = 40 + Math.floor(rand() * 60);
        const windows: Array<[number, number]> = [];
        let at = Math.floor(rand() * 20);
        while (at < n - 5 && windows.length < 3) {
          const w = 2 + Math.floor(rand() * 8);
          windows.push([at, Math.min(n - 1, at + w - 1)]);
          at += w + 1 + Math.floor(rand() * 20);
        }
        const hits: Record<number, number> = {};
        for (let i = 0; i < n; i++) {
          // Coarse scores so ties are common.
          hits[i] = Math.floor(rand() * 8) / 8;
        }
        files.push(file(n, windows, hits, `f${f}`));
      }
      const results = scoreCorpus(files);
      for (const [name, cost] of Object.entries(NAB_PROFILES)) {
        const expected = bruteForce(files, cost);
        expect(results[name].threshold).toBe(expected.threshold);
        expect(results[name].raw).toBeCloseTo(expected.raw, 9);
      }
    }
  });
});

/** Direct transcription of the README rules, one full pass per candidate threshold. */
function bruteForce(files: NabFile[], cost: { tp: number; fp: number; fn: number }) {
  const scoreAt = (T: number) => {
    let total = 0;
    for (const f of files) {
      const n = f.timestamps.length;
      const prob = Math.min(Math.floor(0.15 * n), 750);
      const rows = f.windows.map(([s, e]) => [s / MIN, e / MIN]);
      for (const [s, e] of rows) {
        if (e < prob) {
          continue;
        }
        let bestW = -cost.fn;
        for (let i = Math.max(s, prob); i <= e; i++) {
          if (f.scores[i] >= T) {
            bestW = Math.max(bestW, (Math.tanh((2.5 * (e - i + 1)) / (e - s + 1)) * cost.tp) / MAX_TP);
          }
        }
        total += bestW;
      }
      for (let i = prob; i < n; i++) {
        if (f.scores[i] < T || rows.some(([s, e]) => i >= s && i <= e)) {
          continue;
        }
        const prev = rows.filter(([, e]) => e < i).pop();
        const sig = prev === undefined ? -1 : scaledSigmoid((i - prev[1]) / (prev[1] - prev[0]));
        total += sig * cost.fp;
      }
    }
    return total;
  };
  const candidates = [1.1, ...new Set(files.flatMap((f) => [...(f.scores as Float64Array)]))].sort((a, b) => b - a);
  let best = { threshold: 1.1, raw: scoreAt(1.1) };
  for (const T of candidates) {
    const raw = scoreAt(T);
    if (raw > best.raw + 1e-9) {
      best = { threshold: T, raw };
    }
  }
  return best;
}
