/** Shared chart geometry: both charts of a series use the same x mapping so they line up. */
export const WIDTH = 1200;
export const LEFT = 76;
export const RIGHT = 18;
/** Plot width in px; also the number of downsampling columns. */
export const PLOT_W = WIDTH - LEFT - RIGHT;
export const LANE_H = 17;
export const MAIN_PLOT_H = 250;
export const SCORE_PLOT_H = 84;
export const AXIS_H = 24;

export interface TimeFrame {
  t0: number;
  t1: number;
  /** Epoch ms to x in px (viewBox units). */
  x: (tMs: number) => number;
}

export function timeFrame(t0: number, t1: number): TimeFrame {
  const span = t1 - t0 || 1;
  return { t0, t1, x: (tMs) => LEFT + ((tMs - t0) / span) * PLOT_W };
}
