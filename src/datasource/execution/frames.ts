/**
 * Browser results as Grafana data frames shaped like the backend's (src/backend/handlers/outputs.ts
 * and frames/): per requested output and series one timeseries-multi frame with a `Time` field and a
 * number field named after the output, carrying the series' labels and the legend's display name;
 * gaps (NaN) are null; notices and custom metadata on the very first frame only.
 */
import { DataFrameType, FieldType, type DataFrame, type QueryResultMetaNotice } from '@grafana/data';
import { anomalyValues, displayName, formatLegend, MODEL_INFO_KEY } from '../../query/execute';
import type { FieldOutput } from '../../query/types';
import type { ValidQuery } from '../../query/validate';
import { seriesName } from '../../prometheus/decode';
import type { BrowserResult, BrowserScored } from './run';

const DATAPLANE_VERSION: [number, number] = [0, 1];

export function browserFrames(refId: string, v: ValidQuery, result: BrowserResult): DataFrame[] {
  const expr = v.query.expr;
  const notices = browserNotices(result);
  const meta = {
    type: DataFrameType.TimeSeriesMulti,
    typeVersion: DATAPLANE_VERSION,
    executedQueryString: `${expr} (step ${result.stepMs / 1000}s)`,
  };
  const custom = { stepMs: result.stepMs, model: v.query.model, alert: false, execution: 'browser' };
  if (result.scored.length === 0 || v.fields.length === 0) {
    return [{ refId, meta: { ...meta, notices, custom }, fields: [], length: 0 }];
  }
  const frames: DataFrame[] = [];
  for (const field of v.fields) {
    for (const s of result.scored) {
      const first = frames.length === 0;
      const legend = v.query.legendFormat ? formatLegend(v.query.legendFormat, s.labels) : undefined;
      const t = Array.from(s.series.t.subarray(s.from));
      const values = Array.from(pick(field, s), (x) => (Number.isNaN(x) ? null : x));
      frames.push({
        refId,
        meta: first ? { ...meta, ...(notices.length > 0 && { notices }), custom } : { ...meta },
        length: t.length,
        fields: [
          { name: 'Time', type: FieldType.time, values: t, config: {} },
          {
            name: field,
            type: FieldType.number,
            values,
            labels: s.labels,
            config: {
              ...(legend !== undefined && { displayNameFromDS: displayName(legend, field) }),
              ...(s.fit && { custom: { [MODEL_INFO_KEY]: { kind: s.fit.kind } } }),
            },
          },
        ],
      });
    }
  }
  return frames;
}

function pick(field: FieldOutput, s: BrowserScored): Float64Array {
  if (field === 'value') {
    return s.series.v.subarray(s.from);
  }
  if (field === 'anomalies') {
    return anomalyValues(s.series.v.subarray(s.from), s.out.score.subarray(s.from));
  }
  return s.out[field].subarray(s.from);
}

function browserNotices(result: BrowserResult): QueryResultMetaNotice[] {
  const notices: QueryResultMetaNotice[] = result.warnings.map((text) => ({
    severity: 'warning',
    text: `Prometheus: ${text}`,
  }));
  const total = result.scored.length;
  if (total === 0) {
    return notices;
  }
  const trained = result.scored.filter((s) => s.fit !== null).length;
  notices.push({
    severity: 'info',
    text: `ran in the browser: trained a model now for ${trained} of ${total} series (not saved)`,
  });
  const byNote = new Map<string, string[]>();
  for (const s of result.scored) {
    const note =
      s.fit === null
        ? 'not enough data to train a model (fewer than 10 points)'
        : s.fit.warmingUp
          ? `warming up: ${s.fit.reason}`
          : undefined;
    if (note) {
      byNote.set(note, [...(byNote.get(note) ?? []), seriesName(s.labels)]);
    }
  }
  for (const [note, names] of byNote) {
    const which = names.length === 1 ? names[0] : `${names.length} series (e.g. ${names[0]})`;
    notices.push({ severity: 'warning', text: `${which}: ${note}` });
  }
  return notices;
}
