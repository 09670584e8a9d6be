/**
 * Robust building blocks for seasonal fits: linear-time medians, per-bin grouping in one counting
 * pass, pooled bin medians and a Theil–Sen slope. Training calls these on ~10^5 points, so nothing
 * here sorts the whole series.
 */

import { selectMedian } from '../select';

export { selectMedian };

/** Values grouped by bin: bin b owns grouped[offsets[b], offsets[b+1]). */
export interface BinGroups {
  offsets: Int32Array;
  grouped: Float64Array;
  nBins: number;
}

/** Counting sort of values by bin index (one pass to count, one to scatter). Reuses `into` if given. */
export function groupByBin(bins: Int32Array, values: Float64Array, nBins: number, into?: BinGroups): BinGroups {
  const offsets = into && into.nBins === nBins ? into.offsets : new Int32Array(nBins + 1);
  const grouped = into && into.grouped.length === values.length ? into.grouped : new Float64Array(values.length);
  offsets.fill(0);
  for (let i = 0; i < bins.length; i++) {
    offsets[bins[i] + 1]++;
  }
  for (let b = 0; b < nBins; b++) {
    offsets[b + 1] += offsets[b];
  }
  // Scatter using a moving cursor per bin; offsets[b] is restored afterwards.
  for (let i = 0; i < bins.length; i++) {
    grouped[offsets[bins[i]]++] = values[i];
  }
  for (let b = nBins; b > 0; b--) {
    offsets[b] = offsets[b - 1];
  }
  offsets[0] = 0;
  return { offsets, grouped, nBins };
}

/** Where groupByBin puts each point: point i goes to grouped[slot[i]]; bin b owns [offsets[b], offsets[b+1]). */
export interface BinSlots {
  offsets: Int32Array;
  slot: Int32Array;
}

/**
 * The placement groupByBin computes, once, so a fit that groups several derived series by the
 * same bins scatters each straight into place (no counting pass, no temporary). A scatter in
 * point order, not a gather in bin order: reads stay sequential and the strided writes buffer.
 */
export function binSlots(bins: Int32Array, nBins: number): BinSlots {
  const offsets = new Int32Array(nBins + 1);
  for (let i = 0; i < bins.length; i++) {
    offsets[bins[i] + 1]++;
  }
  for (let b = 0; b < nBins; b++) {
    offsets[b + 1] += offsets[b];
  }
  const cursor = offsets.slice(0, nBins);
  const slot = new Int32Array(bins.length);
  for (let i = 0; i < bins.length; i++) {
    slot[i] = cursor[bins[i]]++;
  }
  return { offsets, slot };
}

/**
 * Median per bin, pooling circular neighbours (b-w..b+w) until at least `minCount` values are in
 * the pool, so sparse bins borrow from their neighbours while well-filled bins keep sharp detail.
 * With `absolute` the medians are of absolute values (for a MAD). Writes the median to out[b] and
 * the pooled count to counts[b]. Empty data gives NaN. Reorders values within each bin of
 * `g.grouped` (and with `absolute` replaces them by their absolute values): medians do not care.
 */
export function pooledBinMedians(
  g: BinGroups,
  minCount: number,
  out: Float64Array,
  counts: Float64Array,
  absolute = false
): void {
  const { offsets, grouped, nBins } = g;
  if (absolute) {
    for (let i = 0; i < grouped.length; i++) {
      grouped[i] = Math.abs(grouped[i]);
    }
  }
  // Only pooled bins need a copy; a well-filled bin is selected where it lies.
  let scratch: Float64Array | undefined;
  const maxW = Math.max(0, Math.floor((nBins - 1) / 2));
  for (let b = 0; b < nBins; b++) {
    let w = 0;
    let total = offsets[b + 1] - offsets[b];
    while (total < minCount && w < maxW) {
      w++;
      total += binCount(offsets, nBins, b - w) + binCount(offsets, nBins, b + w);
    }
    if (w === 0) {
      out[b] = selectMedian(grouped, offsets[b], offsets[b + 1]);
      counts[b] = total;
      continue;
    }
    scratch ??= new Float64Array(Math.max(grouped.length, 1));
    let m = 0;
    for (let d = -w; d <= w; d++) {
      const bb = (((b + d) % nBins) + nBins) % nBins;
      for (let i = offsets[bb]; i < offsets[bb + 1]; i++) {
        scratch[m++] = grouped[i];
      }
    }
    out[b] = selectMedian(scratch, 0, m);
    counts[b] = m;
  }
}

function binCount(offsets: Int32Array, nBins: number, b: number): number {
  const bb = ((b % nBins) + nBins) % nBins;
  return offsets[bb + 1] - offsets[bb];
}

/** In-place circular [1,2,1]/4 smoothing; NaN entries take the smoothed value of their neighbours. */
export function smoothCircular(a: Float64Array): void {
  const n = a.length;
  if (n < 3) {
    return;
  }
  const src = a.slice();
  for (let b = 0; b < n; b++) {
    const l = src[(b - 1 + n) % n];
    const c = src[b];
    const r = src[(b + 1) % n];
    let s = 0;
    let w = 0;
    if (Number.isFinite(l)) {
      s += l;
      w += 1;
    }
    if (Number.isFinite(c)) {
      s += 2 * c;
      w += 2;
    }
    if (Number.isFinite(r)) {
      s += r;
      w += 1;
    }
    a[b] = w > 0 ? s / w : NaN;
  }
}

/**
 * Theil–Sen slope of y on x: the median of all pairwise slopes. Meant for a few hundred points
 * (per-period medians), not raw series. 0 when fewer than two points.
 */
export function theilSenSlope(x: Float64Array, y: Float64Array, n = x.length): number {
  if (n < 2) {
    return 0;
  }
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let m = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j] - x[i];
      if (dx !== 0) {
        slopes[m++] = (y[j] - y[i]) / dx;
      }
    }
  }
  return m ? selectMedian(slopes, 0, m) : 0;
}
