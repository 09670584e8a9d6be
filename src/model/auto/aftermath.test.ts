import { Aftermath, CONFIRM_MS, HOLD_PER_RUN, MAX_HOLD_MS, QUIET, readAftermathState } from './aftermath';

const MIN = 60_000;
const CONFIRM = CONFIRM_MS / MIN;

/** Feeds scores one step apart from t = 0 and returns what each was divided by. */
function run(scores: number[], stepMs = MIN, tracker = new Aftermath(QUIET)): number[] {
  return scores.map((s, i) => {
    const d = tracker.divisor(i * stepMs);
    tracker.observe(i * stepMs, s);
    return d;
  });
}

const quiet = (minutes: number) => Array<number>(minutes).fill(0.8);

describe('incident aftermath', () => {
  it('leaves quiet points and the whole incident alone, dips under 1 shorter than the confirmation included', () => {
    const dips = [0.5, 1.5, 4, 0.9, 9, ...quiet(CONFIRM - 1), 3, 2];
    expect(run(dips)).toEqual(dips.map(() => 1));
  });

  it('divides what follows the run by its peak, from the confirmation to 12 times its length after it', () => {
    // A 10-minute run (peak 5), back under at t = 10: held from t = 10 + CONFIRM to t = 10 + 120.
    const d = run([...Array<number>(9).fill(2), 5, ...quiet(130)]);
    for (let i = 0; i < d.length; i++) {
      expect(d[i]).toBe(i > 10 + CONFIRM && i <= 10 + HOLD_PER_RUN * 10 ? 5 : 1);
    }
    // A blip of two minutes leaves none: its 24 minutes are over before the confirmation.
    expect(run([0.2, 3, 5, ...quiet(40)]).every((x) => x === 1)).toBe(true);
  });

  it('holds for half a day at most', () => {
    // Two hours above 1 at 5-minute steps: 12 x 2 h would be a day, the cap is 12 h.
    const step = 5 * MIN;
    const d = run([...Array<number>(24).fill(3), ...Array<number>((MAX_HOLD_MS + 3_600_000) / step).fill(0.5)], step);
    expect(d[24 + MAX_HOLD_MS / step]).toBe(3);
    expect(d[25 + MAX_HOLD_MS / step]).toBe(1);
  });

  it('measures the run in time, so the hold is the same at any step', () => {
    // Ten minutes above 1, at one-minute and at five-minute steps: held until 120 minutes after.
    for (const step of [MIN, 5 * MIN]) {
      const k = (10 * MIN) / step;
      const scores = [...Array<number>(k).fill(3), ...Array<number>((130 * MIN) / step).fill(0.5)];
      const d = run(scores, step);
      expect(d[k + (120 * MIN) / step]).toBe(3);
      expect(d[k + (120 * MIN) / step + 1]).toBe(1);
    }
  });

  it('raises the peak on a worse point in the aftermath, without extending it', () => {
    // Ten minutes above 1 (peak 3), back under at t = 10: held from t = 10 + CONFIRM to t = 130.
    const h = 10 + CONFIRM + 1;
    const scores = [...Array<number>(10).fill(3), ...quiet(CONFIRM + 1), 2, 6, ...Array<number>(136 - h).fill(6)];
    const d = run(scores);
    expect(d.slice(h, h + 3)).toEqual([3, 3, 6]);
    expect(d[130]).toBe(6);
    // After it the still-high points are a new incident, scored in full.
    expect(d.length - 131).toBeGreaterThan(3);
    expect(d.slice(131)).toEqual(Array<number>(d.length - 131).fill(1));
  });

  it('ignores points without a score, and resumes from a saved state', () => {
    const a = new Aftermath(QUIET);
    run([2, 4, NaN, ...quiet(CONFIRM + 1)], MIN, a);
    const saved = a.state();
    // The run is from its first point above 1 to its first point back under: 3 minutes with the gap.
    expect(saved).toEqual({ phase: 2, peak: 4, startMs: 0, endMs: 3 * MIN });
    const b = new Aftermath(readAftermathState(JSON.parse(JSON.stringify(saved))));
    expect(b.divisor(3 * MIN + HOLD_PER_RUN * 3 * MIN)).toBe(4);
    expect(b.divisor(3 * MIN + HOLD_PER_RUN * 3 * MIN + 1)).toBe(1);
  });

  it('rejects a malformed saved state', () => {
    expect(() => readAftermathState(null)).toThrow(/aftermath must be an object/);
    expect(() => readAftermathState([1])).toThrow(/object/);
    expect(() => readAftermathState({ ...QUIET, phase: 3 })).toThrow(/phase/);
    expect(() => readAftermathState({ ...QUIET, peak: 'x' })).toThrow(/peak/);
    expect(() => readAftermathState({ ...QUIET, endMs: Infinity })).toThrow(/endMs/);
    expect(() => readAftermathState({ phase: 2, peak: 0.5, startMs: 0, endMs: MIN })).toThrow(/peak above 1/);
    expect(() => readAftermathState({ phase: 2, peak: 2, startMs: MIN, endMs: MIN })).toThrow(/end after/);
    expect(readAftermathState({ ...QUIET })).toEqual(QUIET);
  });
});
