import type { IsolationForest } from './forest';

export interface Contribution {
  feature: string;
  /** Drop in the forest's anomaly score when this feature alone is set to its training median. */
  contribution: number;
}

/**
 * Occlusion attribution: for each feature, how much less anomalous the row looks when that
 * feature is replaced by its training median (0 after robust scaling). Model-agnostic and exact
 * for the forest at hand; costs nFeatures + 1 forest evaluations, fine for explaining a point.
 * Sorted by contribution, largest first.
 */
export function explainRow(forest: IsolationForest, row: Float64Array, names: readonly string[]): Contribution[] {
  const base = forest.scoreRow(row);
  const probe = Float64Array.from(row);
  const out: Contribution[] = [];
  for (let f = 0; f < row.length; f++) {
    probe[f] = 0;
    out.push({ feature: names[f], contribution: base - forest.scoreRow(probe) });
    probe[f] = row[f];
  }
  return out.sort((a, b) => b.contribution - a.contribution);
}

/**
 * Occlusion by groups of columns (e.g. all columns of one series): correlated columns (a
 * series' value, difference and deviation all jump together) each look redundant when occluded
 * alone, so per-column credit can miss the culprit; occluding the group does not.
 */
export function explainGroups(
  forest: IsolationForest,
  row: Float64Array,
  groups: ReadonlyArray<{ name: string; columns: readonly number[] }>
): Contribution[] {
  const base = forest.scoreRow(row);
  const probe = Float64Array.from(row);
  const out: Contribution[] = [];
  for (const g of groups) {
    for (const c of g.columns) {
      probe[c] = 0;
    }
    out.push({ feature: g.name, contribution: base - forest.scoreRow(probe) });
    for (const c of g.columns) {
      probe[c] = row[c];
    }
  }
  return out.sort((a, b) => b.contribution - a.contribution);
}
