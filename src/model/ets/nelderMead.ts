/**
 * Deterministic Nelder–Mead minimiser (standard coefficients), enough for the 3–4 smoothing
 * parameters of ETS. Works in an unconstrained space; callers map it into their bounds.
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  start: Float64Array,
  stepSize: number,
  maxEvals: number,
  tol = 1e-7
): { x: Float64Array; value: number } {
  const d = start.length;
  const pts: Float64Array[] = [];
  const vals: number[] = [];
  let evals = 0;
  const ev = (x: Float64Array) => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  for (let i = 0; i <= d; i++) {
    const p = start.slice();
    if (i > 0) {
      p[i - 1] += stepSize;
    }
    pts.push(p);
    vals.push(ev(p));
  }
  const order = pts.map((_, i) => i);
  const centroid = new Float64Array(d);
  const trial = (c: number, worst: Float64Array) => {
    const p = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      p[j] = centroid[j] + c * (worst[j] - centroid[j]);
    }
    return p;
  };
  while (evals < maxEvals) {
    order.sort((a, b) => vals[a] - vals[b] || a - b);
    const best = order[0];
    const worst = order[d];
    if (Math.abs(vals[worst] - vals[best]) <= tol * (Math.abs(vals[best]) + 1e-12)) {
      break;
    }
    centroid.fill(0);
    for (let i = 0; i < d; i++) {
      const p = pts[order[i]];
      for (let j = 0; j < d; j++) {
        centroid[j] += p[j] / d;
      }
    }
    const xr = trial(-1, pts[worst]);
    const fr = ev(xr);
    if (fr < vals[best]) {
      const xe = trial(-2, pts[worst]);
      const fe = ev(xe);
      if (fe < fr) {
        pts[worst] = xe;
        vals[worst] = fe;
      } else {
        pts[worst] = xr;
        vals[worst] = fr;
      }
      continue;
    }
    if (fr < vals[order[d - 1]]) {
      pts[worst] = xr;
      vals[worst] = fr;
      continue;
    }
    const xc = fr < vals[worst] ? trial(-0.5, pts[worst]) : trial(0.5, pts[worst]);
    const fc = ev(xc);
    if (fc < Math.min(fr, vals[worst])) {
      pts[worst] = xc;
      vals[worst] = fc;
      continue;
    }
    // Shrink towards the best point.
    const pb = pts[best];
    for (let i = 1; i <= d; i++) {
      const idx = order[i];
      const p = pts[idx];
      for (let j = 0; j < d; j++) {
        p[j] = pb[j] + 0.5 * (p[j] - pb[j]);
      }
      vals[idx] = ev(p);
    }
  }
  let bi = 0;
  for (let i = 1; i <= d; i++) {
    if (vals[i] < vals[bi]) {
      bi = i;
    }
  }
  return { x: pts[bi], value: vals[bi] };
}
