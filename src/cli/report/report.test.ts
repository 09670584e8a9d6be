import { timeTicks, valueTicks } from './axis';
import { bandColumns, toColumns } from './downsample';
import { esc } from './escape';
import { matchAlerts, renderReport, type ReportInput, type ReportSeries } from './index';
import { bandPath, linePath } from './svg';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 6);

/** A daily sine with one spike, a gap in the expected values, alerts and incidents. */
function series(name: string, days: number, stepMs: number): ReportSeries {
  const n = Math.floor((days * DAY) / stepMs);
  const t = new Float64Array(n);
  const value = new Float64Array(n);
  const expected = new Float64Array(n);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const score = new Float64Array(n);
  const spike = Math.floor(n * 0.7);
  for (let i = 0; i < n; i++) {
    t[i] = T0 + i * stepMs;
    const e = 100 + 40 * Math.sin((2 * Math.PI * (t[i] - T0)) / DAY);
    value[i] = e + 3 * Math.sin(i * 1.7) + (i === spike ? 400 : 0);
    const gap = i >= n * 0.3 && i < n * 0.35;
    expected[i] = gap ? NaN : e;
    lower[i] = gap ? NaN : e - 10;
    upper[i] = gap ? NaN : e + 10;
    score[i] = gap ? NaN : Math.abs(value[i] - e) / 10;
  }
  return {
    name,
    unit: 'reqps',
    t,
    value,
    expected,
    lower,
    upper,
    score,
    incidents: [
      { fromMs: t[spike], toMs: t[spike] + stepMs, label: 'Injected spike', shouldPage: true },
      { fromMs: t[10], toMs: t[20], label: 'Quiet event', shouldPage: false },
    ],
    alerts: [
      { fromMs: t[spike], toMs: t[spike], peakScore: score[spike], severity: 'critical' },
      { fromMs: t[n - 50], toMs: t[n - 40], peakScore: 1.4, severity: 'warning' },
    ],
    scoredFromMs: T0 + DAY,
    stats: [['points', n]],
  };
}

const input = (s: ReportSeries[], generatedAt = '2025-02-01T00:00:00Z'): ReportInput => ({
  title: 'Backtest',
  subtitle: 'unit test',
  generatedAt,
  model: 'seasonal',
  options: { sensitivity: 0.5, direction: 'both' },
  series: s,
});

const count = (h: string, needle: string) => h.split(needle).length - 1;

describe('renderReport', () => {
  const small = renderReport(input([series('a', 3, 5 * MIN), series('b', 3, 5 * MIN)]));

  it('is a complete, self-contained HTML document', () => {
    expect(small.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(small.trimEnd().endsWith('</html>')).toBe(true);
    for (const tag of [
      '<head>',
      '</head>',
      '<body>',
      '</body>',
      '<title>Backtest</title>',
      '<style>',
      '<meta charset="utf-8">',
    ]) {
      expect(small).toContain(tag);
    }
    expect(small).not.toMatch(/<script|<link|<img|<iframe|@import|url\(http|https?:\/\//i);
    expect(small).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('draws one value chart and one score chart per series, plus a close-up per incident', () => {
    // Two series, each with two incidents in range.
    expect(count(small, 'class="chart score"')).toBe(2);
    expect(count(small, 'class="closeup"')).toBe(4);
    expect(count(small, 'class="chart"')).toBe(2 + 4);
    expect(count(small, '<svg')).toBe(8);
    expect(count(small, '</svg>')).toBe(8);
    // Clip-path ids are unique per chart.
    const ids = [...small.matchAll(/clipPath id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(8);
  });

  it('draws alert spans, flagged points, incidents and thresholds', () => {
    // Per series: value chart + score chart, and the close-up around the spike incident.
    expect(count(small, 'class="al crit"')).toBe(6);
    expect(count(small, 'class="al warn"')).toBe(4);
    expect(small).toContain('class="dc"');
    expect(small).toContain('Injected spike');
    expect(small).toContain('class="inc page"');
    expect(small).toContain('class="inc quiet"');
    expect(count(small, 'class="thW"')).toBe(2);
    expect(count(small, 'class="thC"')).toBe(2);
  });

  it('escapes every piece of user text', () => {
    const evil = '<script>alert("x")</script>';
    const s = series(evil, 1, 5 * MIN);
    s.incidents![0].label = evil;
    s.stats = [[evil, evil]];
    const html = renderReport({
      ...input([s]),
      title: evil,
      subtitle: evil,
      model: evil,
      generatedAt: evil,
      options: [[evil, evil]],
    });
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(esc(`a&b<'"`)).toBe('a&amp;b&lt;&#39;&quot;');
  });

  it('is deterministic and depends on generatedAt only where shown', () => {
    const s = [series('a', 3, 5 * MIN)];
    const a = renderReport(input(s));
    expect(renderReport(input(s))).toBe(a);
    const b = renderReport(input(s, '2030-01-01T00:00:00Z'));
    expect(b).not.toBe(a);
    expect(b.replace('2030-01-01T00:00:00Z', '2025-02-01T00:00:00Z')).toBe(a);
  });

  it('keeps a 30-day 60 s series small (downsampling) and its spike visible', () => {
    const s = series('long', 30, MIN);
    expect(s.t.length).toBe(43_200);
    const html = renderReport(input([s]));
    expect(html.length).toBeLessThan(200_000);
    // Size is bounded by the pixel width, not the point count.
    const week = renderReport(input([series('long', 7, MIN)]));
    expect(html.length).toBeLessThan(1.5 * week.length);
    // The 400-unit spike dominates the range: the value path must reach near the plot top.
    const d = /class="val" d="([^"]+)"/.exec(html)![1];
    const ys = [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    const top = Number(/class="plotbg" x="\d+" y="([\d.]+)"/.exec(html)![1]);
    expect(Math.min(...ys)).toBeLessThan(top + 30);
  });

  it('summarises caught, missed and false alarms', () => {
    expect(small).toMatch(/<td class="ok">1\/1<\/td>/);
    const o = matchAlerts(
      [
        { fromMs: 100, toMs: 200, peakScore: 3, severity: 'critical' },
        { fromMs: 1000, toMs: 1000, peakScore: 1.2, severity: 'warning' },
        { fromMs: 5000, toMs: 5100, peakScore: 1.5, severity: 'warning' },
      ],
      [
        { fromMs: 150, toMs: 400, label: 'hit', shouldPage: true },
        { fromMs: 2000, toMs: 3000, label: 'miss', shouldPage: true },
        { fromMs: 990, toMs: 1010, label: 'blip', shouldPage: false },
      ]
    );
    expect(o).toEqual({ alerts: 3, critical: 1, caught: 1, missed: 1, falseAlarms: 2, quietViolated: 1 });
    // A lagging alert counts with grace.
    expect(
      matchAlerts(
        [{ fromMs: 3050, toMs: 3100, peakScore: 2, severity: 'warning' }],
        [{ fromMs: 2000, toMs: 3000, label: 'x', shouldPage: true }],
        100
      ).caught
    ).toBe(1);
  });

  it('renders an empty or all-NaN series without breaking', () => {
    const s = series('empty', 1, 5 * MIN);
    s.value.fill(NaN);
    s.expected.fill(NaN);
    s.score.fill(NaN);
    const html = renderReport(
      input([
        s,
        {
          ...s,
          name: 'none',
          t: new Float64Array(0),
          value: new Float64Array(0),
          expected: new Float64Array(0),
          lower: new Float64Array(0),
          upper: new Float64Array(0),
          score: new Float64Array(0),
          alerts: [],
          incidents: [],
        },
      ])
    );
    expect(count(html, 'class="chart score"')).toBe(2);
    expect(html).not.toMatch(/NaN|Infinity/);
  });
});

describe('downsampling', () => {
  const n = 43_200;
  const t = Float64Array.from({ length: n }, (_, i) => i * MIN);
  const v = Float64Array.from({ length: n }, (_, i) => (i === 12_345 ? 99 : Math.sin(i / 500)));

  it('keeps single-point spikes and bounds the vertex count', () => {
    const p = toColumns(t, v, 0, t[n - 1], 1000, 'minmax');
    expect(p.n).toBeLessThanOrEqual(2002);
    expect(Math.max(...p.y.subarray(0, p.n))).toBe(99);
    const mean = toColumns(t, v, 0, t[n - 1], 1000, 'mean');
    expect(mean.n).toBeLessThanOrEqual(1000);
  });

  it('breaks lines and bands at NaN gaps', () => {
    const g = v.slice();
    g.fill(NaN, 20_000, 22_000);
    const line = linePath(toColumns(t, g, 0, t[n - 1], 1000, 'minmax'), 0, (y) => y);
    expect(count(line, 'M')).toBe(2);
    const band = bandPath(
      bandColumns(
        t,
        g,
        g.map((x) => x + 1),
        0,
        t[n - 1],
        1000
      ),
      0,
      (y) => y
    );
    expect(count(band, 'M')).toBe(2);
    expect(count(band, 'Z')).toBe(2);
    // Raw (undownsampled) path breaks too.
    const short = linePath(
      toColumns(
        t.subarray(0, 10),
        Float64Array.from([1, 2, NaN, 4, 5, 6, NaN, NaN, 9, 10]),
        0,
        9 * MIN,
        1000,
        'minmax'
      ),
      0,
      (y) => y
    );
    expect(count(short, 'M')).toBe(3);
  });
});

describe('axes', () => {
  it('gives nice value ticks covering the range, in the unit', () => {
    const { ticks } = valueTicks(412 * 2 ** 20, 1.25 * 2 ** 30, 'bytes');
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.every((k) => k.label.endsWith(' GiB'))).toBe(true);
    expect(valueTicks(0, 0.2, 's').ticks.map((k) => k.label)).toContain('100 ms');
    expect(valueTicks(0, 0.05, 'percentunit').ticks.map((k) => k.label)).toContain('2%');
    expect(valueTicks(0, 2500, 'reqps').ticks.map((k) => k.label)).toEqual([
      '0',
      '0.5k req/s',
      '1.0k req/s',
      '1.5k req/s',
      '2.0k req/s',
      '2.5k req/s',
    ]);
    const flat = valueTicks(5, 5, undefined);
    expect(flat.hi).toBeGreaterThan(flat.lo);
  });

  it('labels UTC time ticks, with dates at midnight', () => {
    const day = timeTicks(T0, T0 + 21 * DAY, 12);
    expect(day.length).toBeGreaterThan(4);
    expect(day.length).toBeLessThanOrEqual(12);
    expect(day[0].label).toBe('Mon 06 Jan');
    const hours = timeTicks(T0 - 3 * 3_600_000, T0 + 3 * 3_600_000, 12);
    expect(hours.map((k) => k.label)).toContain('Mon 06 Jan');
    expect(hours.map((k) => k.label)).toContain('02:00');
  });
});
