import { Aftermath, CONFIRM_MS, HOLD_PER_RUN, MAX_HOLD_MS, MIN_HOLD_MS, QUIET, readAftermathState } from './aftermath';

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

  it('divides what follows the run by its peak, for 12 times its length, at least 15 minutes', () => {
    // A one-minute blip (peak 5), back under at t = 2 min: held from the confirmation to t = 2 + 15.
    const d = run([0.2, 5, ...quiet(30)]);
    for (let i = 0; i < d.length; i++) {
      expect(d[i]).toBe(i > 2 + CONFIRM && i <= 2 + MIN_HOLD_MS / MIN ? 5 : 1);
    }
    // Two minutes above 1: until 24 minutes after.
    const two = run([0.2, 3, 5, ...quiet(40)]);
    expect(two[3 + 24]).toBe(5);
    expect(two[3 + 25]).toBe(1);
    // A 30-minute run holds for 12 x 30 minutes after it.
    const long = run([...Array<number>(30).fill(2), ...quiet(HOLD_PER_RUN * 30 + 5)]);
    expect(long[30 + CONFIRM]).toBe(1);
    expect(long[31 + CONFIRM]).toBe(2);
    expect(long[30 + HOLD_PER_RUN * 30]).toBe(2);
    expect(long[31 + HOLD_PER_RUN * 30]).toBe(1);
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
    // One minute above 1 (peak 3), back under at t = 1: held from t = 1 + CONFIRM to t = 16.
    const scores = [3, ...quiet(CONFIRM + 1), 2, 6, ...Array<number>(10).fill(6)];
    const d = run(scores);
    const h = CONFIRM + 2;
    expect(d.slice(h, h + 3)).toEqual([3, 3, 6]);
    expect(d[16]).toBe(6);
    // After it the still-high points are a new incident, scored in full.
    expect(d.length - 17).toBeGreaterThan(3);
    expect(d.slice(17)).toEqual(Array<number>(d.length - 17).fill(1));
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
