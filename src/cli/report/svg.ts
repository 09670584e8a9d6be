/** Low-level SVG builders: compact coordinates and NaN-aware paths. */
import type { BandColumns, Polyline } from './downsample';

const { round } = Math;

/** One decimal is sub-pixel at any sane zoom and keeps the file small. */
export const num = (x: number): string => String(round(x * 10) / 10);

export type Scale = (v: number) => number;

/** Keeps off-scale values near the plot so the clip path, not the browser, trims them. */
export function clampScale(scale: Scale, min: number, max: number): Scale {
  return (v) => {
    const y = scale(v);
    return y < min ? min : y > max ? max : y;
  };
}

/** "M..L.." with a new subpath after every NaN. */
export function linePath(p: Polyline, xOff: number, ys: Scale): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < p.n; i++) {
    const v = p.y[i];
    if (Number.isNaN(v)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${num(xOff + p.x[i])} ${num(ys(v))}`;
    pen = true;
  }
  return d;
}

/** Closed polygons (upper forward, lower back) for each run where the band exists. */
export function bandPath(b: BandColumns, xOff: number, ys: Scale): string {
  let d = '';
  let i = 0;
  while (i < b.n) {
    if (Number.isNaN(b.hi[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < b.n && !Number.isNaN(b.hi[j])) {
      j++;
    }
    // A lone column would be a zero-width polygon: widen it to a pixel.
    const w = j - i === 1 ? 0.5 : 0;
    d += `M${num(xOff + b.x[i] - w)} ${num(ys(b.hi[i]))}`;
    for (let k = i + 1; k < j; k++) {
      d += `L${num(xOff + b.x[k])} ${num(ys(b.hi[k]))}`;
    }
    if (w) {
      d += `L${num(xOff + b.x[i] + w)} ${num(ys(b.hi[i]))}L${num(xOff + b.x[i] + w)} ${num(ys(b.lo[i]))}`;
    }
    for (let k = j - 1; k >= i; k--) {
      d += `L${num(xOff + b.x[k] - (k === i ? w : 0))} ${num(ys(b.lo[k]))}`;
    }
    d += 'Z';
    i = j;
  }
  return d;
}

/** Area between the line and `baseY`, one closed polygon per NaN-free run. */
export function areaPath(p: Polyline, xOff: number, ys: Scale, baseY: number): string {
  let d = '';
  let runStart = -1;
  const close = (end: number) => {
    if (runStart < 0) {
      return;
    }
    d += `L${num(xOff + p.x[end])} ${num(baseY)}Z`;
    runStart = -1;
  };
  let last = -1;
  for (let i = 0; i < p.n; i++) {
    if (Number.isNaN(p.y[i])) {
      close(last);
      continue;
    }
    if (runStart < 0) {
      runStart = i;
      d += `M${num(xOff + p.x[i])} ${num(baseY)}`;
    }
    d += `L${num(xOff + p.x[i])} ${num(ys(p.y[i]))}`;
    last = i;
  }
  close(last);
  return d;
}
