import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEMO_SERIES, liveIncidents, liveValueAt, type LiveSchedule } from '../../demo';
import { main } from '../main';
import { readOrCreateAnchorFile, resolveSchedule } from './anchor';
import { INCIDENT_METRIC, renderMetrics, writeOpenMetricsHistory } from './exposition';
import { startDemoMetricsServer } from './server';

const schedule: LiveSchedule = { anchorMs: Date.UTC(2026, 2, 11, 15, 37), seed: 42 };
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-dm-'));

/** name{labels} value [timestamp] lines of a text page, comments skipped. */
function samples(text: string): Array<{ head: string; name: string; value: number; ts: number }> {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+) (\S+)$/.exec(l);
      if (!m) {
        throw new Error(`bad sample line ${l}`);
      }
      return { head: m[1] + (m[2] ?? ''), name: m[1], value: Number(m[3]), ts: Number(m[4]) };
    });
}

describe('demo metrics exposition', () => {
  it('serves every demo series at the instant, with that instant as timestamp, bit-exact', () => {
    const t = schedule.anchorMs + 40 * 60_000 + 123;
    const page = samples(renderMetrics(schedule, t));
    for (const meta of DEMO_SERIES) {
      const s = page.find((x) => x.name === meta.name)!;
      expect(s.ts).toBe(t);
      expect(s.value).toBe(liveValueAt(schedule, meta.id, t));
    }
    // 40 minutes in, the latency degradation is on and the blips are over.
    const incident = (kind: string) => page.find((x) => x.name === INCIDENT_METRIC && x.head.includes(kind))!.value;
    expect(incident('latency_degradation')).toBe(1);
    expect(incident('memory_leak')).toBe(1);
    expect(incident('"blip"')).toBe(0);
  });

  it('writes OpenMetrics history family by family, each series in time order, ending in # EOF', () => {
    let text = '';
    const from = schedule.anchorMs - 3 * 3_600_000;
    const n = writeOpenMetricsHistory(schedule, from, schedule.anchorMs, 60_000, (c) => (text += c));
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    const rows = samples(text.replace('# EOF\n', ''));
    expect(rows.length).toBe(n);
    expect(n).toBe(180 * (DEMO_SERIES.length + 3));
    const seen: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      if (seen[seen.length - 1] !== rows[i].head) {
        expect(seen).not.toContain(rows[i].head); // each series is one contiguous run
        seen.push(rows[i].head);
      } else {
        expect(rows[i].ts).toBeGreaterThan(rows[i - 1].ts);
      }
    }
    const mem = rows.filter((r) => r.name === 'process_resident_memory_bytes');
    expect(mem[7].value).toBe(liveValueAt(schedule, 'memory', mem[7].ts * 1000));
    // The last sample is one step before the anchor: live scrapes continue from there.
    expect(mem[mem.length - 1].ts * 1000).toBe(schedule.anchorMs - 60_000);
  });

  it('marks the incidents of the history in the ground-truth series', () => {
    let text = '';
    const from = schedule.anchorMs - 9 * 86_400_000;
    writeOpenMetricsHistory(schedule, from, schedule.anchorMs, 60_000, (c) => (text += c));
    const leakOn = samples(text.replace('# EOF\n', '')).filter(
      (r) => r.name === INCIDENT_METRIC && r.head.includes('memory_leak') && r.value === 1
    );
    const leaks = liveIncidents(schedule, from, schedule.anchorMs).filter((i) => i.kind === 'memory_leak');
    expect(leaks.length).toBeGreaterThan(0);
    expect(leakOn.length).toBe(leaks.reduce((a, i) => a + (i.toMs - i.fromMs) / 60_000, 0));
  });
});

describe('anchor', () => {
  it('creates the anchor file once, on the minute, and reads it back after', () => {
    const file = path.join(tmp(), 'state', 'anchor.json');
    const now = Date.UTC(2026, 0, 5, 10, 20, 33);
    expect(readOrCreateAnchorFile(file, now)).toBe(Date.UTC(2026, 0, 5, 10, 20));
    expect(readOrCreateAnchorFile(file, now + 86_400_000)).toBe(Date.UTC(2026, 0, 5, 10, 20));
  });

  it('explains a broken anchor file and conflicting flags', () => {
    const file = path.join(tmp(), 'anchor.json');
    fs.writeFileSync(file, '{"anchorMs": 12}');
    expect(() => readOrCreateAnchorFile(file, 0)).toThrow(/whole-minute anchorMs; delete it/);
    fs.writeFileSync(file, 'nope');
    expect(() => readOrCreateAnchorFile(file, 0)).toThrow(/not JSON/);
    expect(() => resolveSchedule({ anchor: 'x', anchorFile: file }, 0)).toThrow(/not both/);
    expect(() => resolveSchedule({ anchor: 'yesterday' }, 0)).toThrow(/ISO 8601/);
    expect(() => resolveSchedule({ seed: 1.5 }, 0)).toThrow(/--seed/);
    expect(resolveSchedule({ anchor: '2026-03-11T15:37:42Z' }, 0).anchorMs).toBe(schedule.anchorMs);
  });
});

describe('demo metrics server', () => {
  it('answers /metrics, /incidents, /healthz and 404/405', async () => {
    const now = schedule.anchorMs + 13 * 60_000;
    const server = await startDemoMetricsServer({ schedule, port: 0, host: '127.0.0.1', now: () => now });
    try {
      const metrics = await fetch(`${server.url}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await metrics.text()).toBe(renderMetrics(schedule, now));
      const incidents = (await (await fetch(`${server.url}/incidents`)).json()) as {
        anchor: string;
        incidents: Array<{ kind: string; from: string }>;
      };
      expect(incidents.anchor).toBe('2026-03-11T15:37:00.000Z');
      expect(incidents.incidents.map((i) => i.kind)).toContain('latency_degradation');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});

describe('alert sink', () => {
  it('records Grafana webhook notifications per severity and lists them', async () => {
    const lines: string[] = [];
    const server = await startDemoMetricsServer({ schedule, port: 0, host: '127.0.0.1', log: (l) => lines.push(l) });
    try {
      const payload = {
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'Checkout p95 latency anomalous (critical)', severity: 'critical' },
          },
        ],
      };
      const post = (p: string, body: string) => fetch(`${server.url}${p}`, { method: 'POST', body });
      expect((await post('/alerts/critical', JSON.stringify(payload))).status).toBe(200);
      expect((await post('/alerts/warning', 'not json')).status).toBe(400);
      expect((await post('/alerts/a/b', '{}')).status).toBe(405);
      const listed = (await (await fetch(`${server.url}/alerts`)).json()) as {
        received: Array<{ severity: string; status: string; alerts: unknown[] }>;
      };
      expect(listed.received).toHaveLength(1);
      expect(listed.received[0]).toMatchObject({ severity: 'critical', status: 'firing', alerts: payload.alerts });
      expect(lines).toEqual(['alert critical firing: 1 alert(s) Checkout p95 latency anomalous (critical)']);
    } finally {
      await server.close();
    }
  });
});

describe('vigil demo-metrics', () => {
  const run = (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(
      argv,
      (s) => out.push(s),
      (s) => err.push(s)
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('backfills a file and reports what it wrote', () => {
    const file = path.join(tmp(), 'h.om');
    const r = run(['demo-metrics', 'backfill', '--days', '0.5', '--step', '30s', '--out', file, '--anchor', '0']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote 11520 samples \(1969-12-31T12:00:00.000Z \.\. 1970-01-01T00:00:00.000Z, every 30s\)/);
    expect(fs.readFileSync(file, 'utf8').endsWith('# EOF\n')).toBe(true);
  });

  it.each([
    [['demo-metrics'], /choose serve or backfill/],
    [['demo-metrics', 'run'], /unknown subcommand "run"/],
    [['demo-metrics', 'backfill'], /missing required option --out/],
    [['demo-metrics', 'backfill', '--out', 'x', '--step', '1s'], /--step must be whole seconds from 5s to 5m/],
    [['demo-metrics', 'backfill', '--out', 'x', '--step', 'soon'], /--step: invalid duration/],
    [['demo-metrics', 'backfill', '--out', 'x', '--days', '400'], /--days must be in/],
    [['demo-metrics', 'backfill', '--out', 'x', '--port', '1'], /--port does not apply to `demo-metrics backfill`/],
    [['demo-metrics', 'serve', '--days', '1'], /--days does not apply/],
    [['demo-metrics', 'serve', '--port', '70000'], /--port must be an integer/],
  ])('rejects %j with a usage error', (argv, message) => {
    const r = run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('fails clearly when the output cannot be written', () => {
    const r = run(['demo-metrics', 'backfill', '--out', path.join(tmp(), 'no', 'such', 'dir.om')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write .*dir\.om/);
  });
});
