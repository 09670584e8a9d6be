/**
 * What the provisioned alert rules would do on the stack's demo data: each rule's query is
 * replayed causally by `vigil backtest` (the bundled CLI, in plain Node: the model library runs
 * many times slower inside jest's sandbox) with the query's own model and options, then smoothed
 * and thresholded with the rule's window, threshold and pending period (src/model/alerts), all
 * read from provisioning/alerting/rules.yaml. The first live day after 14 days of history, as the
 * stack runs it: the leak and the degradation must page; the blips and the Monday-morning ramp
 * must not, and nothing else may.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEMO_SERIES, liveIncidents, liveValueAt, type LiveIncident, type LiveSchedule } from '../../src/demo';
import { simulateAlerts, smoothScore, type AlertEvent } from '../../src/model/alerts';
import { DAY_MS } from '../../src/model/options';
import type { ValidQuery } from '../../src/query';
import { parseDuration, validateQuery } from '../../src/query';
import { asList, asObj, type Obj, PROVISIONING, readYaml, ROOT } from './files';

jest.setTimeout(120_000);

// A Sunday evening: the first live day then holds the Monday-morning ramp as well.
const schedule: LiveSchedule = { anchorMs: Date.UTC(2026, 2, 8, 20, 0), seed: 42 };
const HISTORY_MS = 14 * DAY_MS;
const LIVE_MS = DAY_MS;

interface Rule {
  uid: string;
  severity: string;
  threshold: number;
  forMs: number;
  windowMs: number;
  query: Obj;
}

function loadRules(): Rule[] {
  const doc = asObj(readYaml(path.join(PROVISIONING, 'alerting/rules.yaml')), 'rules.yaml');
  return asList(doc.groups, 'groups').flatMap((g) =>
    asList(asObj(g, 'group').rules, 'rules').map((raw) => {
      const r = asObj(raw, 'rule');
      const data = asList(r.data, 'data').map((d) => asObj(d, 'query'));
      const source = data.find((d) => d.datasourceUid !== '__expr__')!;
      const cond = asObj(data.find((d) => d.refId === r.condition)!.model, 'condition');
      const reduce = asObj(data.find((d) => d.refId === cond.expression)!.model, 'reduce');
      expect(reduce).toMatchObject({ type: 'reduce', reducer: 'mean', expression: source.refId });
      const evaluator = (cond.conditions as Array<{ evaluator: { type: string; params: number[] } }>)[0].evaluator;
      expect(evaluator.type).toBe('gt');
      return {
        uid: String(r.uid),
        severity: String(asObj(r.labels, 'labels').severity),
        threshold: evaluator.params[0],
        forMs: parseDuration(String(r.for)),
        windowMs: Number(asObj(source.relativeTimeRange, 'range').from) * 1000,
        query: asObj(source.model, 'model'),
      };
    })
  );
}

/** The demo series a rule's PromQL selects (a plain selector of one demo metric). */
function seriesOf(expr: string) {
  const meta = DEMO_SERIES.find((s) => expr.startsWith(s.name + '{') || expr === s.name);
  if (!meta) {
    throw new Error(`rule query ${expr} does not select a demo series`);
  }
  return meta;
}

const rules = loadRules();
const fired = new Map<string, { events: AlertEvent[]; incidents: LiveIncident[] }>();

/** The CLI flags that make `vigil backtest` run a query's model and options. */
function modelFlags(v: ValidQuery): string[] {
  const o = v.query.options;
  return [
    ['--model', v.query.model],
    ['--sensitivity', o.sensitivity],
    ['--direction', o.direction],
    ['--min-abs', o.minAbsDeviation],
    ['--min-rel', o.minRelDeviation],
    ['--training-window', o.trainingWindow],
    ['--seasonality', o.seasonality],
    ['--seed', o.seed],
  ].flatMap(([flag, value]) => [String(flag), String(value)]);
}

function replay(v: ValidQuery, dir: string, name: string): Promise<{ t: Float64Array; score: Float64Array }> {
  const meta = seriesOf(v.query.expr);
  const stepMs = v.stepMs!;
  const from = schedule.anchorMs - HISTORY_MS;
  const n = (HISTORY_MS + LIVE_MS) / stepMs;
  const lines = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    const t = from + i * stepMs;
    lines.push(`${new Date(t).toISOString()},${liveValueAt(schedule, meta.id, t)}`);
  }
  const input = path.join(dir, `${name}.csv`);
  const output = path.join(dir, `${name}.scores.csv`);
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const args = [path.join(ROOT, 'bin/vigil.js'), 'backtest', '--input', input, '--output', output, ...modelFlags(v)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, (error, _stdout, stderr) => {
      if (error) {
        reject(new Error(`vigil ${args.slice(1).join(' ')}: ${stderr}`));
        return;
      }
      const rows = fs.readFileSync(output, 'utf8').trim().split('\n');
      const header = rows[0].split(',');
      const at = header.indexOf('score');
      const t = new Float64Array(rows.length - 1);
      const score = new Float64Array(rows.length - 1);
      rows.slice(1).forEach((row, i) => {
        const cells = row.split(',');
        t[i] = Date.parse(cells[0]);
        score[i] = cells[at] === '' ? NaN : Number(cells[at]);
      });
      resolve({ t, score });
    });
  });
}

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-alert-replay-'));
  try {
    // One causal replay per distinct query; the rules of both stages share it.
    const queries = new Map<string, ValidQuery>();
    const keyOf = new Map<string, string>();
    for (const rule of rules) {
      const v = validateQuery(rule.query);
      if (!v.ok) {
        throw new Error(`${rule.uid}: ${JSON.stringify(v.errors)}`);
      }
      const key = JSON.stringify({ ...v.query, refId: '' });
      queries.set(key, v);
      keyOf.set(rule.uid, key);
    }
    const keys = [...queries.keys()];
    const results = await Promise.all(keys.map((k, i) => replay(queries.get(k)!, dir, `q${i}`)));
    const replays = new Map(keys.map((k, i) => [k, results[i]]));
    for (const rule of rules) {
      const { t, score } = replays.get(keyOf.get(rule.uid)!)!;
      const meta = seriesOf(queries.get(keyOf.get(rule.uid)!)!.query.expr);
      const smoothed = smoothScore(t, score, rule.windowMs);
      fired.set(rule.uid, {
        // Only the live day counts: before it the replay's models are still warming up on the
        // history, while the stack's models start with all 14 days.
        events: simulateAlerts(t, smoothed, {
          severity: rule.severity,
          threshold: rule.threshold,
          forMs: rule.forMs,
        }).filter((e) => e.pendingFromMs >= schedule.anchorMs),
        incidents: liveIncidents(schedule, schedule.anchorMs, schedule.anchorMs + LIVE_MS).filter((i) =>
          i.series.includes(meta.id)
        ),
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the provisioned alert rules replayed on the first live day', () => {
  it('cover the paging incidents and the ones that must not page', () => {
    const kinds = new Set([...fired.values()].flatMap((f) => f.incidents.map((i) => i.kind)));
    expect(kinds).toEqual(new Set(['memory_leak', 'latency_degradation', 'blip', 'normal']));
  });

  it('page (warning) on every leak and degradation on the series they hit', () => {
    for (const rule of rules.filter((r) => r.severity === 'warning')) {
      const { events, incidents } = fired.get(rule.uid)!;
      for (const incident of incidents.filter((i) => i.shouldPage)) {
        const page = events.find((e) => e.fromMs >= incident.fromMs && e.fromMs < incident.toMs + rule.windowMs);
        expect({ rule: rule.uid, incident: incident.label, paged: page !== undefined }).toEqual({
          rule: rule.uid,
          incident: incident.label,
          paged: true,
        });
      }
    }
  });

  it('never fire outside a paging incident: not on blips, not on the Monday ramp', () => {
    for (const rule of rules) {
      const { events, incidents } = fired.get(rule.uid)!;
      const paging = incidents.filter((i) => i.shouldPage);
      const stray = events.filter(
        (e) => !paging.some((i) => e.pendingFromMs < i.toMs + rule.windowMs && e.toMs >= i.fromMs)
      );
      expect({ rule: rule.uid, stray: stray.map((e) => new Date(e.fromMs).toISOString()) }).toEqual({
        rule: rule.uid,
        stray: [],
      });
    }
  });
});
