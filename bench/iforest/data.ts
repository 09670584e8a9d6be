import { Rng } from '../../src/model/random';

/**
 * The benchmark matrix: deterministic from a seed so the Python peer reads exactly the same
 * numbers (written as little-endian float64, row-major). Three correlated Gaussian clusters with
 * 1% uniform outliers, so scores have structure worth correlating.
 */
export function benchMatrix(nRows: number, nFeatures: number, seed = 12345): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(nRows * nFeatures);
  const gauss = (): number => {
    const u = 1 - rng.next();
    const v = rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  for (let i = 0; i < nRows; i++) {
    const o = i * nFeatures;
    if (rng.next() < 0.01) {
      for (let f = 0; f < nFeatures; f++) {
        x[o + f] = -8 + 16 * rng.next();
      }
      continue;
    }
    const c = rng.int(3);
    const shared = gauss();
    for (let f = 0; f < nFeatures; f++) {
      x[o + f] = 3 * (c - 1) * (f % 2 === 0 ? 1 : -1) + 0.6 * shared + 0.8 * gauss();
    }
  }
  return x;
}
