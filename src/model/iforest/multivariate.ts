import { ModelError } from '../errors';
import { resolveOptions } from '../options';
import type { ModelOptions } from '../types';
import { LIBRARY_VERSION } from '../version';
import { explainGroups, explainRow, type Contribution } from './attribution';
import {
  checkSpec,
  DEFAULT_FEATURE_SPEC,
  seriesFeatureNames,
  timeFeatureNames,
  writeSeriesFeatures,
  writeTimeFeatures,
  type FeatureSpec,
} from './features';
import { IsolationForest } from './forest';
import { RobustScaler } from './scaler';
import { mapScore, type ScoreMap } from './scoreMap';
import { trainForest, type ForestModelParams } from './training';

/**
 * One forest over several aligned series (same timestamps): per-series causal features plus
 * shared time features, so a row is judged jointly (CPU high while traffic is low). Scores use
 * the same calibration as the univariate model (training median -> 0, target false-alarm
 * quantile -> 1) and come with per-feature attribution naming the series that broke pattern.
 */

const KIND = 'iforest-multivariate';
const FORMAT_VERSION = 1;

export interface AlignedSeries {
  /** Shared timestamps, epoch ms ascending. */
  t: Float64Array;
  /** One value array per series, each as long as `t` (NaN = gap). */
  values: Float64Array[];
  /** One name per series, used in attribution. */
  names: string[];
}

/** Per-series columns default to value, difference and deviation from the rolling mean. */
export const DEFAULT_MULTI_SPEC: Readonly<FeatureSpec> = Object.freeze({ ...DEFAULT_FEATURE_SPEC, std: false });

export type MultivariateParams = ForestModelParams;

export class MultivariateForestModel {
  readonly featureNames: readonly string[];

  constructor(
    readonly options: ModelOptions,
    readonly names: readonly string[],
    readonly spec: FeatureSpec,
    readonly scaler: RobustScaler,
    readonly forest: IsolationForest,
    readonly map: ScoreMap
  ) {
    this.featureNames = multiFeatureNames(names, spec);
  }

  /** Calibrated score per timestamp (>= 0, 1 = threshold); NaN where any series has a gap. */
  score(input: AlignedSeries): Float64Array {
    const n = input.t.length;
    const x = this.scaledFeatures(input);
    const s = new Float64Array(n);
    this.forest.score(x, n, s);
    for (let i = 0; i < n; i++) {
      s[i] = anyGap(input.values, i) ? NaN : mapScore(s[i], this.map);
    }
    return s;
  }

  /**
   * Which series made row i anomalous (uses rows 0..i only): each series' columns, and the
   * time columns as "time", occluded together. Largest contribution first.
   */
  explain(input: AlignedSeries, i: number): Contribution[] {
    const row = this.row(input, i);
    const per = seriesFeatureNames(this.spec).length;
    const groups = this.names.map((name, k) => ({ name, columns: range(k * per, (k + 1) * per) }));
    const nTime = timeFeatureNames(this.spec).length;
    if (nTime > 0) {
      const first = per * this.names.length;
      groups.push({ name: 'time', columns: range(first, first + nTime) });
    }
    return explainGroups(this.forest, row, groups);
  }

  /** Per-column contributions at row i (e.g. "cpu.diff"), largest first. */
  explainFeatures(input: AlignedSeries, i: number): Contribution[] {
    return explainRow(this.forest, this.row(input, i), this.featureNames);
  }

  private row(input: AlignedSeries, i: number): Float64Array {
    if (!Number.isInteger(i) || i < 0 || i >= input.t.length) {
      throw new ModelError(`row index ${i} is outside the series`);
    }
    const prefix: AlignedSeries = {
      t: input.t.subarray(0, i + 1),
      values: input.values.map((v) => v.subarray(0, i + 1)),
      names: input.names,
    };
    const nF = this.featureNames.length;
    return this.scaledFeatures(prefix).slice(i * nF, (i + 1) * nF);
  }

  private scaledFeatures(input: AlignedSeries): Float64Array {
    checkAligned(input, this.names.length);
    const x = buildMatrix(input, this.spec);
    this.scaler.transform(x, input.t.length);
    return x;
  }

  toJSON(): Record<string, unknown> {
    return {
      kind: KIND,
      formatVersion: FORMAT_VERSION,
      libraryVersion: LIBRARY_VERSION,
      options: this.options,
      names: [...this.names],
      spec: { ...this.spec },
      scaler: this.scaler.toJSON(),
      forest: this.forest.toJSON(),
      sMed: this.map.sMed,
      sThr: this.map.sThr,
    };
  }

  static load(json: unknown): MultivariateForestModel {
    const obj = typeof json === 'string' ? parse(json) : json;
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new ModelError('model must be a JSON object');
    }
    const m = obj as Record<string, unknown>;
    if (m.kind !== KIND) {
      throw new ModelError(`expected a ${KIND} model, got kind ${JSON.stringify(m.kind)}`);
    }
    if (m.formatVersion !== FORMAT_VERSION) {
      throw new ModelError(`${KIND} format version ${JSON.stringify(m.formatVersion)} is not supported`);
    }
    const names = m.names;
    if (!Array.isArray(names) || names.length === 0 || names.some((x) => typeof x !== 'string')) {
      throw new ModelError(`${KIND} model names must be a non-empty array of strings`);
    }
    const spec = checkSpec(m.spec);
    const nF = multiFeatureNames(names as string[], spec).length;
    const forest = IsolationForest.load(m.forest);
    if (forest.nFeatures !== nF) {
      throw new ModelError(`${KIND} forest has ${forest.nFeatures} features, expected ${nF}`);
    }
    const scaler = RobustScaler.load(m.scaler, nF);
    const sMed = m.sMed;
    const sThr = m.sThr;
    if (
      typeof sMed !== 'number' ||
      typeof sThr !== 'number' ||
      !Number.isFinite(sMed) ||
      !Number.isFinite(sThr) ||
      !(sThr > sMed)
    ) {
      throw new ModelError(`${KIND} model needs finite sMed < sThr`);
    }
    const options = resolveOptions((m.options ?? {}) as Partial<ModelOptions>);
    return new MultivariateForestModel(options, names as string[], spec, scaler, forest, { sMed, sThr });
  }
}

/** Convenience form of `model.explain` for callers holding a model and a row index. */
export function explain(model: MultivariateForestModel, input: AlignedSeries, i: number): Contribution[] {
  return model.explain(input, i);
}

export function fitMultivariateForest(
  input: AlignedSeries,
  options: ModelOptions,
  params: Partial<MultivariateParams> = {}
): MultivariateForestModel {
  const spec = checkSpec({ ...DEFAULT_MULTI_SPEC, ...params.spec });
  if (input.values.length === 0) {
    throw new ModelError('multivariate forest needs at least one series');
  }
  if (input.names.length !== input.values.length) {
    throw new ModelError('multivariate forest needs one name per series');
  }
  checkAligned(input, input.values.length);
  const names = multiFeatureNames(input.names, spec);
  if (seriesFeatureNames(spec).length === 0) {
    throw new ModelError('multivariate feature spec selects no per-series features');
  }
  const nF = names.length;
  const n = input.t.length;
  const x = buildMatrix(input, spec);
  const use = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!anyGap(input.values, i)) {
      use[i] = 1;
      m++;
    }
  }
  if (m < 2) {
    throw new ModelError(`multivariate forest needs at least 2 complete rows, got ${m}`);
  }
  const { scaler, forest, map } = trainForest(x, n, nF, use, m, params, options);
  return new MultivariateForestModel(options, [...input.names], spec, scaler, forest, map);
}

function multiFeatureNames(names: readonly string[], spec: FeatureSpec): string[] {
  const per = seriesFeatureNames(spec);
  const out: string[] = [];
  for (const name of names) {
    for (const f of per) {
      out.push(`${name}.${f}`);
    }
  }
  return [...out, ...timeFeatureNames(spec)];
}

function buildMatrix(input: AlignedSeries, spec: FeatureSpec): Float64Array {
  const per = seriesFeatureNames(spec).length;
  const nF = per * input.values.length + timeFeatureNames(spec).length;
  const x = new Float64Array(input.t.length * nF);
  let col = 0;
  for (const v of input.values) {
    col += writeSeriesFeatures(v, spec, x, nF, col);
  }
  writeTimeFeatures(input.t, spec, x, nF, col);
  return x;
}

function checkAligned(input: AlignedSeries, nSeries: number): void {
  if (input.values.length !== nSeries) {
    throw new ModelError(`expected ${nSeries} series, got ${input.values.length}`);
  }
  for (const v of input.values) {
    if (v.length !== input.t.length) {
      throw new ModelError('every series must have one value per timestamp');
    }
  }
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) {
    out.push(i);
  }
  return out;
}

function anyGap(values: Float64Array[], i: number): boolean {
  for (const v of values) {
    if (!Number.isFinite(v[i])) {
      return true;
    }
  }
  return false;
}

function parse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new ModelError(`model is not valid JSON: ${(e as Error).message}`);
  }
}
