import { DAY_MS } from '../model/options';
import { dayOfWeek, hourOfDay, MINUTE_MS } from './calendar';
import { DEMO_SERIES_IDS, demoScenario, demoValueAt, generateDemo, type DemoData, type DemoSeries } from './index';

const data = generateDemo();
const byId = (d: DemoData, id: string): DemoSeries => {
  const s = d.series.find((x) => x.id === id);
  if (!s) {
    throw new Error(`missing ${id}`);
  }
  return s;
};
const sameBits = (a: Float64Array, b: Float64Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
function meanWhere(s: DemoSeries, pred: (t: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < s.t.length; i++) {
    if (pred(s.t[i])) {
      sum += s.v[i];
      n++;
    }
  }
  if (n === 0) {
    throw new Error('empty selection');
  }
  return sum / n;
}
const idxAt = (s: DemoSeries, tMs: number): number => {
  const i = Math.round((tMs - s.t[0]) / (s.t[1] - s.t[0]));
  expect(s.t[i]).toBe(tMs);
  return i;
};

describe('generateDemo', () => {
  it('defaults to 21 days at 5-minute steps with all five series', () => {
    expect(data.series.map((s) => s.id)).toEqual([...DEMO_SERIES_IDS]);
    for (const s of data.series) {
      expect(s.t.length).toBe(21 * 288);
      expect(s.v.length).toBe(s.t.length);
      expect(s.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      expect(s.help.length).toBeGreaterThan(0);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = generateDemo();
    const other = generateDemo({ seed: 7 });
    for (let k = 0; k < data.series.length; k++) {
      expect(sameBits(again.series[k].v, data.series[k].v)).toBe(true);
      expect(sameBits(other.series[k].v, data.series[k].v)).toBe(false);
    }
    expect(again.series.map((s) => s.incidents)).toEqual(data.series.map((s) => s.incidents));
  });

  it('matches demoValueAt point-wise, so a live server agrees with the history', () => {
    const sc = demoScenario({});
    for (const s of data.series) {
      for (const i of [0, 17, 1000, 5000, s.t.length - 1]) {
        expect(demoValueAt(sc, s.id, s.t[i])).toBe(s.v[i]);
      }
    }
    // Off-grid instants (as a live server would ask for) are finite too.
    expect(Number.isFinite(demoValueAt(sc, 'latency_p95', data.series[0].t[100] + 12_345))).toBe(true);
  });

  it('is NaN-free and within sane ranges', () => {
    for (const s of data.series) {
      expect(s.v.every(Number.isFinite)).toBe(true);
    }
    const range = (id: string) => {
      const v = byId(data, id).v;
      return [Math.min(...v), Math.max(...v)];
    };
    expect(range('requests')[0]).toBeGreaterThanOrEqual(0);
    const [latMin, latMax] = range('latency_p95');
    expect(latMin).toBeGreaterThan(0.02);
    expect(latMax).toBeLessThan(5);
    for (const id of ['cpu', 'errors']) {
      const [lo, hi] = range(id);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
    }
    const [memMin, memMax] = range('memory');
    expect(memMin).toBeGreaterThan(100 * 2 ** 20);
    expect(memMax).toBeLessThan(4 * 2 ** 30);
  });

  it('has daily and weekly seasonality in traffic', () => {
    const req = byId(data, 'requests');
    const weekdayDay = meanWhere(req, (t) => dayOfWeek(t) < 5 && hourOfDay(t) >= 9 && hourOfDay(t) < 17);
    const weekdayNight = meanWhere(req, (t) => dayOfWeek(t) < 5 && hourOfDay(t) < 5);
    const weekendDay = meanWhere(req, (t) => dayOfWeek(t) >= 5 && hourOfDay(t) >= 9 && hourOfDay(t) < 17);
    expect(weekdayDay).toBeGreaterThan(3 * weekdayNight);
    expect(weekdayDay).toBeGreaterThan(1.8 * weekendDay);
    // Lunch dip: 12:15-13:00 is quieter than the hour either side.
    const lunch = meanWhere(req, (t) => dayOfWeek(t) < 4 && hourOfDay(t) >= 12.25 && hourOfDay(t) < 13);
    const around = meanWhere(
      req,
      (t) =>
        dayOfWeek(t) < 4 &&
        ((hourOfDay(t) >= 10.5 && hourOfDay(t) < 11.5) || (hourOfDay(t) >= 14.5 && hourOfDay(t) < 15.5))
    );
    expect(lunch).toBeLessThan(0.95 * around);
    // Latency follows load.
    const lat = byId(data, 'latency_p95');
    expect(meanWhere(lat, (t) => dayOfWeek(t) < 5 && hourOfDay(t) >= 9 && hourOfDay(t) < 17)).toBeGreaterThan(
      1.3 * meanWhere(lat, (t) => hourOfDay(t) < 5)
    );
  });

  it('ramps harder on Monday mornings, every week (recorded as normal)', () => {
    const req = byId(data, 'requests');
    const morning = (t: number) => hourOfDay(t) >= 8 && hourOfDay(t) < 10;
    const monday = meanWhere(req, (t) => dayOfWeek(t) === 0 && morning(t));
    const midweek = meanWhere(req, (t) => (dayOfWeek(t) === 1 || dayOfWeek(t) === 2) && morning(t));
    expect(monday).toBeGreaterThan(1.1 * midweek);
    const ramp = req.incidents.find((i) => i.kind === 'normal');
    expect(ramp?.shouldPage).toBe(false);
    expect(dayOfWeek(ramp!.fromMs)).toBe(0);
  });

  it('records the scripted incidents in the last week', () => {
    const end = data.scenario.endMs;
    const all = data.series.flatMap((s) => s.incidents);
    const kinds = new Set(all.map((i) => i.kind));
    expect(kinds).toEqual(new Set(['memory_leak', 'latency_degradation', 'blip', 'normal']));
    for (const i of all) {
      expect(i.fromMs).toBeGreaterThanOrEqual(end - 7 * DAY_MS);
      expect(i.toMs).toBeLessThanOrEqual(end);
      expect(i.toMs).toBeGreaterThan(i.fromMs);
    }
    expect(all.filter((i) => i.kind === 'blip').every((i) => !i.shouldPage)).toBe(true);
    expect(
      all.filter((i) => i.kind === 'memory_leak' || i.kind === 'latency_degradation').every((i) => i.shouldPage)
    ).toBe(true);
  });

  it('grows memory during the leak well beyond anything seen before it, then resets', () => {
    const mem = byId(data, 'memory');
    const leak = mem.incidents.find((i) => i.kind === 'memory_leak')!;
    let maxBefore = 0;
    for (let i = 0; i < mem.t.length && mem.t[i] < leak.fromMs; i++) {
      maxBefore = Math.max(maxBefore, mem.v[i]);
    }
    const h = 3_600_000;
    const early = meanWhere(mem, (t) => t >= leak.fromMs && t < leak.fromMs + 2 * h);
    const mid = meanWhere(mem, (t) => t >= leak.fromMs + 17 * h && t < leak.fromMs + 19 * h);
    const late = meanWhere(mem, (t) => t >= leak.toMs - 2 * h && t < leak.toMs);
    expect(mid).toBeGreaterThan(early + 200 * 2 ** 20);
    expect(late).toBeGreaterThan(mid + 200 * 2 ** 20);
    expect(late).toBeGreaterThan(1.5 * maxBefore);
    const after = mem.v[idxAt(mem, leak.toMs) + 1];
    expect(after).toBeLessThan(maxBefore);
  });

  it('raises p95 2-3x during the degradation and spikes (without lasting) at the blip', () => {
    const lat = byId(data, 'latency_p95');
    const deg = lat.incidents.find((i) => i.kind === 'latency_degradation')!;
    const during = meanWhere(lat, (t) => t >= deg.fromMs + 10 * MINUTE_MS && t < deg.toMs - 10 * MINUTE_MS);
    // Same time of day on the two previous weekdays of the same kind (one and two weeks back).
    const sameSlot = (t: number) => {
      for (const w of [7, 14]) {
        const f = deg.fromMs - w * DAY_MS + 10 * MINUTE_MS;
        if (t >= f && t < f + 40 * MINUTE_MS) {
          return true;
        }
      }
      return false;
    };
    const ratio = during / meanWhere(lat, sameSlot);
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(3.2);
    const blip = lat.incidents.find((i) => i.kind === 'blip')!;
    const i = idxAt(lat, blip.fromMs);
    expect(lat.v[i]).toBeGreaterThan(2.5 * lat.v[i - 1]);
    expect(lat.v[i + 1]).toBeLessThan(lat.v[i] / 2);
  });

  it('produces the same blip at 60 s steps as two points', () => {
    const fine = generateDemo({ stepMs: MINUTE_MS, days: 21 });
    const lat = byId(fine, 'latency_p95');
    const blip = lat.incidents.find((i) => i.kind === 'blip')!;
    const i = idxAt(lat, blip.fromMs);
    expect(lat.v[i + 1]).toBeGreaterThan(2.5 * lat.v[i - 1]);
    expect(lat.v[i + 2]).toBeLessThan(lat.v[i + 1] / 2);
  });

  it('rejects bad configs', () => {
    expect(() => generateDemo({ days: 0 })).toThrow(/days/);
    expect(() => generateDemo({ stepMs: 10 })).toThrow(/stepMs/);
    expect(() => generateDemo({ seed: 1.5 })).toThrow(/seed/);
  });
});
