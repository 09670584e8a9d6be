import { dcos, dexp, dexp10, dexp2, dlog, dlog2, dpow, dpowInt, dsin } from './detmath';

function* inputs(n: number, lo: number, hi: number): Generator<number> {
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    yield lo + (s / 4294967296) * (hi - lo);
  }
}

function relErr(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
}

describe('deterministic elementary functions', () => {
  it.each([
    ['exp', dexp, Math.exp, -700, 700],
    ['exp small', dexp, Math.exp, -1, 1],
    ['log', dlog, Math.log, 1e-300, 1e300],
    ['log near 1', dlog, Math.log, 0.5, 2],
    ['sin', dsin, Math.sin, -1000, 1000],
    ['cos', dcos, Math.cos, -1000, 1000],
    ['sin of a day angle', dsin, Math.sin, 0, 2 * Math.PI],
  ] as const)('%s agrees with Math to about an ulp', (_name, mine, ref, lo, hi) => {
    let worst = 0;
    for (const x of inputs(20000, lo, hi)) {
      const e = relErr(mine(x), ref(x));
      // sin/cos near their zeros: compare absolutely (relative error of a tiny value is meaningless).
      worst = Math.max(worst, Math.abs(ref(x)) < 1e-3 ? Math.abs(mine(x) - ref(x)) : e);
    }
    expect(worst).toBeLessThan(4e-16);
  });

  it('handles the edges', () => {
    expect(dexp(0)).toBe(1);
    expect(dexp(1)).toBeCloseTo(Math.E, 15);
    expect(dexp(-Infinity)).toBe(0);
    expect(dexp(Infinity)).toBe(Infinity);
    expect(dexp(NaN)).toBeNaN();
    expect(dexp(-740)).toBeGreaterThan(0);
    expect(dlog(1)).toBe(0);
    expect(dlog(0)).toBe(-Infinity);
    expect(dlog(-1)).toBeNaN();
    expect(dlog(5e-324)).toBeCloseTo(Math.log(5e-324), 10);
    expect(dlog(Math.E)).toBeCloseTo(1, 15);
    expect(dexp2(-3)).toBe(0.125);
    expect(dlog2(1024)).toBeCloseTo(10, 14);
    expect(dexp10(-3.5)).toBeCloseTo(Math.pow(10, -3.5), 18);
    expect(dpowInt(0.9, 3)).toBe(0.9 * 0.9 * 0.9);
    expect(dpow(2, 0.5)).toBeCloseTo(Math.SQRT2, 15);
    expect(dsin(Infinity)).toBeNaN();
    expect(dsin(0)).toBe(0);
    expect(dcos(0)).toBe(1);
  });
});
