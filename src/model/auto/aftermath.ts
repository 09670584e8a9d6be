import { ModelError } from '../errors';

/**
 * Incident aftermath: after an incident's score has come back under the band edge, what follows
 * for a while is judged against the incident's worst, not against the quiet band.
 *
 * Why: an incident rarely ends cleanly. A CPU back at its usual 92% after an hour at 25% is a
 * recovery, but the adaptive member has followed the drop and finds the return as far outside
 * its band as the drop was; a disk that wrote in bursts during an incident keeps bursting for
 * hours; a service restarted after a failure spikes on its way up. Each of these paged again
 * after the incident, and every such page is noise to an engineer who is already looking at it.
 * An on-call engineer reads the aftermath of an incident against the incident itself: a wobble
 * smaller than what just happened is part of it, one worse than anything so far is news.
 *
 * What, per point in time order (after the model's training window, see EnsembleModel.score):
 * - quiet: the score is as computed. A point above 1 starts an incident, whose first run lasts
 *   while the points stay above 1; its score is as computed (alerts with a pending period see
 *   the whole run, a leak keeps escalating).
 * - the first point back at or under 1 ends the run and starts the aftermath, which lasts
 *   HOLD_PER_RUN times the run's length (from its first point above 1 to that point), at least
 *   MIN_HOLD_MS. Within it, a point's score is
 *   divided by the incident's peak so far (its band is drawn at that level, so band and score
 *   agree), and a point beyond the peak raises the peak. What happens within the aftermath does
 *   not extend it: a second problem that stays after it is scored in full from then on, as a
 *   new incident.
 * So a one-minute blip holds for 15 minutes, a two-minute one for 24, an hour-long outage for
 * half a day.
 *
 * Measured on NAB (mean of refits every 5, 6 and 7 hours, standard / low FP / low FN), before:
 * 57.35 / 41.02 / 65.09. The hold's length per minute of run: 6x 60.4 / 46.8 / 67.1, 12x
 * 62.2 / 50.5 / 68.3, 24x 62.9 / 51.7 / 68.8 (12 shipped: the gain flattens, and a longer hold
 * keeps a new problem waiting longer). Rejected variants: holding from the incident's onset,
 * relaxing the band towards the peak (gains as much, but a sustained incident's score sinks to 1
 * within the hour, so a leak never escalates and pending periods may never complete); letting
 * any point beyond the peak end the aftermath (59.3: the aftermath of a bursty incident is itself
 * bursty); extending the aftermath while points stay above 1 (the rejected nab2 branch's hold,
 * which kept a latency blip holding down the real degradation that followed it).
 */

/** The aftermath of a run lasts this many times the run's length... */
export const HOLD_PER_RUN = 12;
/** ...and at least this long (three 5-minute scrapes; one-minute blips hold no longer than this). */
export const MIN_HOLD_MS = 15 * 60_000;

/** Where the aftermath tracker stands between two points; saved with the model. */
export interface AftermathState {
  /** 0 quiet, 1 in an incident's first run, 2 in its aftermath. */
  phase: 0 | 1 | 2;
  /** Highest score of the incident so far (phases 1 and 2). */
  peak: number;
  /** When the first run started: its first point above 1 (phases 1 and 2). */
  startMs: number;
  /** When it ended: its first point back at or under 1 (phase 2). */
  endMs: number;
}

export const QUIET: Readonly<AftermathState> = { phase: 0, peak: 0, startMs: 0, endMs: 0 };

/**
 * The tracker: `divisor(t)` before a point (it depends on earlier points only, so the band can be
 * drawn before the value is known), `observe(t, s)` after it with the point's undivided score.
 * Times, not point counts, so the hold is the same at any step. Mutable and allocation-free: one
 * per score() call.
 */
export class Aftermath {
  private phase: 0 | 1 | 2;
  private peak: number;
  private startMs: number;
  private endMs: number;

  constructor(state: Readonly<AftermathState>) {
    this.phase = state.phase;
    this.peak = state.peak;
    this.startMs = state.startMs;
    this.endMs = state.endMs;
  }

  /** What the score of the point at tMs is divided by: the peak within an aftermath, else 1. */
  divisor(tMs: number): number {
    if (this.phase === 2) {
      const hold = Math.max(MIN_HOLD_MS, HOLD_PER_RUN * (this.endMs - this.startMs));
      if (tMs > this.endMs + hold) {
        this.phase = 0;
      }
    }
    return this.phase === 2 ? this.peak : 1;
  }

  /** Moves on past the point at tMs whose undivided score is s (NaN: no information, no change). */
  observe(tMs: number, s: number): void {
    if (Number.isNaN(s)) {
      return;
    }
    if (this.phase === 0) {
      if (s > 1) {
        this.phase = 1;
        this.peak = s;
        this.startMs = tMs;
      }
    } else if (this.phase === 1) {
      if (s > 1) {
        this.peak = s > this.peak ? s : this.peak;
      } else {
        this.phase = 2;
        this.endMs = tMs;
      }
    } else if (s > this.peak) {
      this.peak = s;
    }
  }

  state(): AftermathState {
    return { phase: this.phase, peak: this.peak, startMs: this.startMs, endMs: this.endMs };
  }
}

/** Validates a saved state (load() rejects what it does not understand). */
export function readAftermathState(json: unknown): AftermathState {
  const bad = (what: string) => new ModelError(`ensemble model aftermath ${what}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw bad('must be an object');
  }
  const o = json as Record<string, unknown>;
  const finite = (key: string) => {
    const x = o[key];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw bad(`field ${key} must be a finite number`);
    }
    return x;
  };
  const phase = finite('phase');
  if (phase !== 0 && phase !== 1 && phase !== 2) {
    throw bad('field phase must be 0, 1 or 2');
  }
  const peak = finite('peak');
  const startMs = finite('startMs');
  const endMs = finite('endMs');
  if (phase !== 0 && !(peak > 1)) {
    throw bad('of an incident needs a peak above 1');
  }
  if (phase === 2 && !(endMs > startMs)) {
    throw bad('must end after it starts');
  }
  return { phase, peak, startMs, endMs };
}
