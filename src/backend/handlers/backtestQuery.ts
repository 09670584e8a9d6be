// QueryData for queryType "backtest": the replay (replay.ts) of the panel's range as frames, one
// timeseries-multi frame per series and requested output like an anomaly query, then one frame of
// the alerts the thresholds would have fired, marked as annotations so Grafana draws them as
// regions over the panel. Alert evaluations get the score frames only.

import type { ValidQuery } from '../../query/validate';
import { encodeFrames, type ExtraMeta, type Frame, type Notice } from '../frames';
import type { DataResponse } from '../protocol/messages';
import { outputFrames } from './outputs';
import { planOf, replay, type ReplayAlert } from './replay';
import { frameBytes, type ResponseBudget } from './responseBudget';
import type { Instance } from './settings';
import type { CallContext } from './types';

/** Name of the frame of replayed alerts. */
export const ALERTS_FRAME_NAME = 'backtest alerts';

export async function backtestQuery(
  instance: Instance,
  refId: string,
  v: ValidQuery,
  range: { startMs: number; endMs: number },
  stepMs: number,
  alert: boolean,
  ctx: CallContext,
  budget: ResponseBudget
): Promise<DataResponse> {
  const plan = planOf(v, range.startMs, range.endMs, stepMs);
  const result = await replay(instance.prometheus, plan, ctx.signal);
  const notices: Notice[] = result.notices.map((text) => ({
    severity: text.startsWith('Prometheus:') ? 'warning' : 'info',
    text,
  }));
  const summary = result.summary
    .map((s) => `${s.severity} (score > ${s.score}): ${s.alerts} alert(s), ${s.alertsPerWeek.toFixed(2)}/week`)
    .join('; ');
  if (!alert) {
    notices.unshift({ severity: 'info', text: `backtest: ${summary}` });
  }
  const meta: ExtraMeta = {
    executedQueryString: `${plan.expr} (step ${stepMs / 1000}s, backtest refit every ${plan.refitEveryMs / 1000}s)`,
    notices,
    custom: { stepMs, model: plan.model, alert, backtest: { summary: result.summary } },
  };
  const scored = result.series.map((s) => ({ labels: s.labels, series: s.series, from: s.from, out: s.out }));
  const fields = alert ? ['score' as const] : v.fields;
  budget.reserve(frameBytes(scored, fields.length));
  const frames = outputFrames(refId, scored, fields, meta, plan.legendFormat);
  if (!alert) {
    frames.push(alertsFrame(refId, result.alerts, meta.executedQueryString));
  }
  return { status: 200, frames: encodeFrames(frames) };
}

/**
 * The replayed alerts as one annotation frame: `time` when each fired, `timeEnd` when it last
 * fired (a region), and what Grafana shows in the tooltip.
 */
export function alertsFrame(refId: string, alerts: readonly ReplayAlert[], executedQueryString?: string): Frame {
  return {
    name: ALERTS_FRAME_NAME,
    refId,
    meta: { dataTopic: 'annotations', ...(executedQueryString && { executedQueryString }) },
    fields: [
      { name: 'time', type: 'time', values: alerts.map((a) => a.fromMs) },
      { name: 'timeEnd', type: 'time', values: alerts.map((a) => a.toMs) },
      { name: 'severity', type: 'string', values: alerts.map((a) => a.severity) },
      { name: 'series', type: 'string', values: alerts.map((a) => a.series) },
      { name: 'peakScore', type: 'number', values: alerts.map((a) => a.peakScore) },
      {
        name: 'text',
        type: 'string',
        values: alerts.map(
          (a) =>
            `${a.severity} would have fired on ${a.series}: peak smoothed score ${a.peakScore.toFixed(2)}, ` +
            `pending since ${new Date(a.pendingFromMs).toISOString()}`
        ),
      },
    ],
  };
}
