import { resolveOptions } from '../options';
import { allocScoreBuffers } from '../types';
import { ZScoreModel, fitZScore } from './zscore';

function noisy(n: number, seed = 1): { t: Float64Array; v: Float64Array } {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = 1_700_000_000_000 + i * 60_000;
    v[i] = 100 + (rand() + rand() + rand() - 1.5) * 4;
  }
  return { t, v };
}

describe('zscore', () => {
  const options = resolveOptions();

  it('flags a spike and keeps ordinary points inside the band', () => {
    const s = noisy(600);
    s.v[500] = 140;
    const model = fitZScore({ t: s.t.subarray(0, 300), v: s.v.subarray(0, 300) }, options);
    const out = allocScoreBuffers(600);
    model.score(s, out, 300);
    expect(out.score[500]).toBeGreaterThan(2);
    let over = 0;
    for (let i = 300; i < 600; i++) {
      if (i !== 500 && out.score[i] > 1) {
        over++;
      }
    }
    expect(over).toBeLessThan(6);
  });

  it('round-trips through JSON with identical scores and rejects other kinds', () => {
    const s = noisy(400, 7);
    const model = fitZScore(s, options);
    const again = ZScoreModel.load(JSON.parse(JSON.stringify(model)));
    const a = allocScoreBuffers(400);
    const b = allocScoreBuffers(400);
    model.score(s, a);
    again.score(s, b);
    expect(Array.from(b.score)).toEqual(Array.from(a.score));
    expect(() => ZScoreModel.load({ ...model.toJSON(), kind: 'ets' })).toThrow(/expected a zscore model/);
    expect(() => ZScoreModel.load({ ...model.toJSON(), formatVersion: 99 })).toThrow(/not supported/);
    expect(() => ZScoreModel.load({ ...model.toJSON(), kUpper: 'x' })).toThrow(/kUpper/);
  });

  it('honours direction', () => {
    const s = noisy(400, 3);
    s.v[350] = 40;
    const model = fitZScore(
      s.t.length ? { t: s.t.subarray(0, 300), v: s.v.subarray(0, 300) } : s,
      resolveOptions({ direction: 'above' })
    );
    const out = allocScoreBuffers(400);
    model.score(s, out, 300);
    expect(out.score[350]).toBe(0);
  });
});
