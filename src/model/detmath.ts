/**
 * Elementary functions that give the same bits in every JavaScript engine.
 *
 * ECMAScript lets engines approximate Math.exp, log, sin, cos and friends as they like, and they
 * do differ: Chromium 156 and Node 24 disagree in the last bit of Math.sin, cos, exp and log for
 * many inputs (tests/browser shows it). A panel scored in the browser and an alert scored in the
 * backend must agree to the digit, so the model library uses these instead. They are the classic
 * fdlibm algorithms (argument reduction + minimax polynomials) written with + - * / and exact
 * bit operations only, which IEEE-754 and the spec define exactly: within about 1 ulp of the
 * true value, and identical everywhere.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian on every platform JS runs on today; checked once so a big-endian host fails loudly.
const HI = (() => {
  f64[0] = 1;
  return u32[1] === 0x3ff00000 ? 1 : 0;
})();
const LO = 1 - HI;

/** 2^k for integer k in [-1022, 1023], exactly. */
function pow2(k: number): number {
  u32[HI] = (k + 1023) << 20;
  u32[LO] = 0;
  return f64[0];
}

const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.442695040888963387;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.6533902205465251539e-6;
const P5 = 4.13813679705723846039e-8;

export function dexp(x: number): number {
  if (x !== x) {
    return NaN;
  }
  if (x > 709.782712893384) {
    return Infinity;
  }
  if (x < -745.1332191019411) {
    return 0;
  }
  const ax = x < 0 ? -x : x;
  if (ax < 3.725290298461914e-9) {
    return 1 + x;
  }
  let k = 0;
  let hi = x;
  let lo = 0;
  if (ax > 0.5 * LN2_HI) {
    k = x >= 0 ? Math.floor(INV_LN2 * x + 0.5) : Math.ceil(INV_LN2 * x - 0.5);
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
  }
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) {
    return 1 - ((r * c) / (c - 2) - r);
  }
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  if (k >= -1021) {
    return k === 1024 ? y * 2 * pow2(1023) : y * pow2(k);
  }
  return y * pow2(k + 1000) * pow2(-1000);
}

const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;
const TWO54 = 18014398509481984;

export function dlog(x: number): number {
  if (x !== x || x < 0) {
    return NaN;
  }
  if (x === 0) {
    return -Infinity;
  }
  if (x === Infinity) {
    return Infinity;
  }
  let k = 0;
  if (x < 2.2250738585072014e-308) {
    x *= TWO54; // subnormal: scale into the normal range
    k -= 54;
  }
  f64[0] = x;
  let hx = u32[HI];
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  // Normalise the mantissa into [sqrt(2)/2, sqrt(2)).
  const i = (hx + 0x95f64) & 0x100000;
  u32[HI] = hx | (i ^ 0x3ff00000);
  k += i >> 20;
  const f = f64[0] - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f);
}

const LN10 = 2.302585092994046;
const LN2 = 0.6931471805599453;

/** 10^x */
export function dexp10(x: number): number {
  return dexp(x * LN10);
}

/** 2^x */
export function dexp2(x: number): number {
  return Number.isInteger(x) && x >= -1022 && x <= 1023 ? pow2(x) : dexp(x * LN2);
}

export function dlog2(x: number): number {
  return dlog(x) / LN2;
}

/** x^n for integer n by repeated squaring: exact operations only. */
export function dpowInt(x: number, n: number): number {
  let result = 1;
  let base = x;
  let e = n < 0 ? -n : n;
  while (e > 0) {
    if (e & 1) {
      result *= base;
    }
    base *= base;
    e >>>= 1;
  }
  return n < 0 ? 1 / result : result;
}

/** x^y for x > 0 (via exp and log). */
export function dpow(x: number, y: number): number {
  if (Number.isInteger(y) && Math.abs(y) <= 64) {
    return dpowInt(x, y);
  }
  return dexp(y * dlog(x));
}

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.0875723212981748279e-9;
const C6 = -1.13596475577881948265e-11;
const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417;
const PIO2_1T = 6.07710050650619224932e-11;

function kernelSin(x: number): number {
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x + v * (S1 + z * r);
}

function kernelCos(x: number): number {
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  return 1 - (0.5 * z - z * r);
}

/** Quadrant and reduced argument of x modulo pi/2 (Cody–Waite; accurate for |x| up to ~1e6). */
function reduce(x: number): [number, number] {
  const n = Math.floor(x * INV_PIO2 + 0.5);
  return [n & 3, x - n * PIO2_1 - n * PIO2_1T];
}

export function dsin(x: number): number {
  if (!Number.isFinite(x)) {
    return NaN;
  }
  const [q, y] = reduce(x);
  switch (q) {
    case 0:
      return kernelSin(y);
    case 1:
      return kernelCos(y);
    case 2:
      return -kernelSin(y);
    default:
      return -kernelCos(y);
  }
}

export function dcos(x: number): number {
  if (!Number.isFinite(x)) {
    return NaN;
  }
  const [q, y] = reduce(x);
  switch (q) {
    case 0:
      return kernelCos(y);
    case 1:
      return -kernelSin(y);
    case 2:
      return -kernelCos(y);
    default:
      return kernelSin(y);
  }
}
