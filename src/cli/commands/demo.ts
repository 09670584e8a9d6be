import { DEFAULT_ALERT_RULES, simulateAlerts, smoothScore } from '../../model/alerts';
import { backtest, DEFAULT_REFIT_EVERY_MS } from '../../model/engine/backtest';
import { generateDemo } from '../../demo';
import { formatDuration } from '../../query/duration';
import { renderReport, type ReportAlert, type ReportSeries } from '../report';
import { type FlagSpec, type ParsedArgs, numberFlag, stringFlag, UsageError } from '../args';
import { writeText } from '../files';
import { MODEL_FLAGS, readModelFlags } from '../modelFlags';

export const DEMO_FLAGS: Record<string, FlagSpec> = {
  output: { value: true, help: 'HTML report to write (default vigil-demo.html)' },
  days: { value: true, help: 'days of generated history (default 21)' },
  'demo-seed': { value: true, help: 'seed of the generated metrics (default 42)' },
  ...MODEL_FLAGS,
};

/** Alert rules are evaluated on the score averaged over this trailing window, as the provisioned rules do. */
const SMOOTHING_MS = 15 * 60_000;
/** Pending period: one short blip must not page. */
const FOR_MS = 15 * 60_000;

/** Backtests generated service metrics with scripted incidents and renders what alerts would have done. */
export function runDemo(args: ParsedArgs, log: (line: string) => void): void {
  const output = stringFlag(args, 'output') ?? 'vigil-demo.html';
  const days = numberFlag(args, 'days') ?? 21;
  if (!(days >= 3 && days <= 120)) {
    throw new UsageError('--days must be between 3 and 120');
  }
  const choice = readModelFlags(args);
  const demo = generateDemo({ days, seed: numberFlag(args, 'demo-seed') });
  const rules = DEFAULT_ALERT_RULES.map((r) => ({ ...r, forMs: FOR_MS }));
  const series: ReportSeries[] = demo.series.map((s) => {
    const r = backtest(
      { t: s.t, v: s.v },
      { model: choice.model, options: choice.options, refitEveryMs: choice.refitEveryMs }
    );
    const used = r.fits.filter((f) => !f.warmingUp);
    const firstReal = used.length ? used[0].atMs : s.t[s.t.length - 1];
    // No paging while the model is still warming up (cold-start zscore, ensemble members still
    // joining): its band is learning, and a page from it would teach the on-call to ignore Vigil.
    const smoothed = smoothScore(s.t, r.score, SMOOTHING_MS);
    const alerts: ReportAlert[] = [];
    for (const rule of rules) {
      for (const e of simulateAlerts(s.t, smoothed, rule).filter((a) => a.pendingFromMs >= firstReal)) {
        alerts.push({
          fromMs: e.fromMs,
          toMs: e.toMs,
          peakScore: e.peakScore,
          severity: rule.severity as ReportAlert['severity'],
        });
      }
    }
    alerts.sort((a, b) => a.fromMs - b.fromMs);
    const kinds = [...new Set(used.map((f) => f.kind))].join(' + ') || 'zscore';
    log(
      `${s.name}: ${kinds}, ${alerts.filter((a) => a.severity === 'warning').length} warning / ${alerts.filter((a) => a.severity === 'critical').length} critical alerts`
    );
    return {
      name: s.name,
      unit: s.unit,
      model: kinds,
      t: s.t,
      value: s.v,
      expected: r.expected,
      lower: r.lower,
      upper: r.upper,
      score: r.score,
      incidents: s.incidents,
      alerts,
      scoredFromMs: firstReal,
      stats: [
        ['fits', r.fits.length],
        ['last fit', used.length ? used[used.length - 1].reason : 'warm-up'],
      ],
    };
  });
  const html = renderReport({
    title: 'Vigil demo: causal backtest of generated service metrics',
    subtitle: `${days} days at ${formatDuration(demo.scenario.config.stepMs)} steps; models retrained every ${formatDuration(choice.refitEveryMs ?? DEFAULT_REFIT_EVERY_MS)} on a trailing window, no alerts while warming up; alerts on the ${formatDuration(SMOOTHING_MS)} mean score (warning > 1, critical > 2) pending ${formatDuration(FOR_MS)}`,
    generatedAt: new Date(demo.scenario.endMs).toISOString(),
    model: choice.model,
    options: [
      ['sensitivity', choice.options.sensitivity],
      ['direction', choice.options.direction],
      ['training window', formatDuration(choice.options.trainingWindowMs)],
      ['refit every', formatDuration(choice.refitEveryMs ?? DEFAULT_REFIT_EVERY_MS)],
      ['seasonality', choice.options.seasonality],
    ],
    series,
  });
  writeText(output, html);
  log(`wrote ${output}`);
}
