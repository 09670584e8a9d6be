import { ModelError } from '../errors';
import { quantileSorted } from '../stats';

/**
 * Median / IQR scaling per column, fitted on training rows and stored in the model. The forest
 * itself is scale-free, but attribution replaces a feature by its training median (0 after
 * scaling) and scaled columns keep thresholds readable. Gaps are imputed at the median (0), so a
 * missing rolling feature never steers a row down an arbitrary branch.
 */
export class RobustScaler {
  constructor(
    readonly center: Float64Array,
    readonly scale: Float64Array
  ) {}

  /** Fits on the rows flagged in `use` (all rows if omitted); NaN cells are skipped. */
  static fit(x: Float64Array, nRows: number, nFeatures: number, use?: Uint8Array): RobustScaler {
    const center = new Float64Array(nFeatures);
    const scale = new Float64Array(nFeatures);
    const col = new Float64Array(nRows);
    for (let f = 0; f < nFeatures; f++) {
      let n = 0;
      for (let i = 0; i < nRows; i++) {
        const v = x[i * nFeatures + f];
        if ((!use || use[i]) && Number.isFinite(v)) {
          col[n++] = v;
        }
      }
      const sorted = col.subarray(0, n).sort();
      const med = n ? quantileSorted(sorted, 0.5) : 0;
      let s = n ? quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25) : 0;
      if (!(s > 0)) {
        // A column that is mostly constant: fall back to its range, then to 1.
        s = n ? sorted[n - 1] - sorted[0] : 0;
      }
      center[f] = med;
      scale[f] = s > 0 ? s : 1;
    }
    return new RobustScaler(center, scale);
  }

  get nFeatures(): number {
    return this.center.length;
  }

  /** Scales `x` in place; non-finite cells become 0, the training median. */
  transform(x: Float64Array, nRows: number): void {
    const nF = this.center.length;
    for (let i = 0; i < nRows; i++) {
      const o = i * nF;
      for (let f = 0; f < nF; f++) {
        const v = (x[o + f] - this.center[f]) / this.scale[f];
        x[o + f] = Number.isFinite(v) ? v : 0;
      }
    }
  }

  toJSON(): { center: number[]; scale: number[] } {
    return { center: Array.from(this.center), scale: Array.from(this.scale) };
  }

  static load(json: unknown, nFeatures: number): RobustScaler {
    if (json === null || typeof json !== 'object') {
      throw new ModelError('scaler must be an object');
    }
    const m = json as Record<string, unknown>;
    const center = finiteArray(m.center, 'center', nFeatures);
    const scale = finiteArray(m.scale, 'scale', nFeatures);
    if (scale.some((s) => !(s > 0))) {
      throw new ModelError('scaler scale entries must be positive');
    }
    return new RobustScaler(center, scale);
  }
}

function finiteArray(v: unknown, key: string, length: number): Float64Array {
  if (!Array.isArray(v) || v.length !== length || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new ModelError(`scaler ${key} must be an array of ${length} finite numbers`);
  }
  return Float64Array.from(v as number[]);
}
