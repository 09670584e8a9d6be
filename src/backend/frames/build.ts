// Frame builders for the data plane shapes Grafana (dashboards and alerting) reads:
//   timeseries-multi: one series per frame, a time field + one number field carrying the labels;
//   numeric-multi:    one number per frame, with labels (alert-friendly single values);
//   no data:          one typed frame with no fields.
// They check what the contract requires (ascending time, matching lengths, unique name + labels)
// and throw FrameEncodeError with the offending series instead of emitting frames Grafana rejects.
import { FrameEncodeError } from './encode';
import { DATAPLANE_VERSION } from './types';
import type { FieldConfig, Frame, FrameMeta, FrameType, Labels } from './types';

/** Name of the time field in timeseries-multi frames (what Grafana's Prometheus data source uses). */
export const TIME_FIELD_NAME = 'Time';

export interface Series {
  labels: Labels;
  /** Epoch milliseconds, ascending. */
  t: Float64Array | readonly number[];
  /** Same length as `t`; NaN is a gap (encoded as null). */
  values: Float64Array | readonly number[];
  /** Merged over the shared config for this series only (e.g. displayNameFromDS). */
  config?: FieldConfig;
}

export interface MetricValue {
  labels: Labels;
  /** NaN is "no value" (encoded as null). */
  value: number;
  config?: FieldConfig;
}

/**
 * Extra frame metadata. `executedQueryString` goes on every frame (Grafana shows it per frame);
 * `notices` and `custom` go on the first frame only, so the panel shows each notice once.
 */
export type ExtraMeta = Omit<FrameMeta, 'type' | 'typeVersion'>;

/** A typed frame with no fields: the data plane's "no data" response for `type`. */
export function noDataFrame(refId: string, type: FrameType = 'timeseries-multi', meta: ExtraMeta = {}): Frame {
  return { refId, meta: { ...meta, type, typeVersion: DATAPLANE_VERSION }, fields: [] };
}

/** One timeseries-multi frame per series; no series gives the no-data frame. */
export function timeseriesMultiFrames(
  refId: string,
  series: readonly Series[],
  valueFieldName: string,
  config?: FieldConfig,
  meta: ExtraMeta = {}
): Frame[] {
  if (series.length === 0) {
    return [noDataFrame(refId, 'timeseries-multi', meta)];
  }
  const seen = new Set<string>();
  return series.map((s, i) => {
    const at = `refId ${JSON.stringify(refId)} series ${i} ${labelString(s.labels)}`;
    if (!s || typeof s !== 'object' || !s.t || !s.values) {
      throw new FrameEncodeError(`${at}: a series needs labels, t and values`);
    }
    if (s.t.length !== s.values.length) {
      throw new FrameEncodeError(`${at}: ${s.t.length} times but ${s.values.length} values`);
    }
    for (let j = 0; j < s.t.length; j++) {
      if (typeof s.t[j] !== 'number' || !Number.isFinite(s.t[j])) {
        throw new FrameEncodeError(`${at}: time ${j} is ${String(s.t[j])}; times must be finite epoch milliseconds`);
      }
      if (j > 0 && s.t[j] < s.t[j - 1]) {
        throw new FrameEncodeError(
          `${at}: time ${j} (${s.t[j]}) is before time ${j - 1} (${s.t[j - 1]}); times must ascend`
        );
      }
    }
    const key = labelString(s.labels);
    if (seen.has(key)) {
      throw new FrameEncodeError(`${at}: duplicate series (same name and labels)`);
    }
    seen.add(key);
    const fieldConfig = mergeConfig(config, s.config);
    return {
      refId,
      meta: frameMeta('timeseries-multi', meta, i === 0),
      fields: [
        { name: TIME_FIELD_NAME, type: 'time', values: s.t },
        {
          name: valueFieldName,
          type: 'number',
          values: s.values,
          nullable: true,
          labels: s.labels,
          ...(fieldConfig && { config: fieldConfig }),
        },
      ],
    };
  });
}

/** One numeric-multi frame (one row, one number field with labels) per value; none gives no data. */
export function numericMultiFrames(
  refId: string,
  metrics: readonly MetricValue[],
  valueFieldName: string,
  config?: FieldConfig,
  meta: ExtraMeta = {}
): Frame[] {
  if (metrics.length === 0) {
    return [noDataFrame(refId, 'numeric-multi', meta)];
  }
  const seen = new Set<string>();
  return metrics.map((m, i) => {
    const key = labelString(m.labels);
    if (seen.has(key)) {
      throw new FrameEncodeError(`refId ${JSON.stringify(refId)} value ${i} ${key}: duplicate labels`);
    }
    seen.add(key);
    const fieldConfig = mergeConfig(config, m.config);
    return {
      refId,
      meta: frameMeta('numeric-multi', meta, i === 0),
      fields: [
        {
          name: valueFieldName,
          type: 'number',
          values: [m.value],
          nullable: true,
          labels: m.labels,
          ...(fieldConfig && { config: fieldConfig }),
        },
      ],
    };
  });
}

function frameMeta(type: FrameType, extra: ExtraMeta, first: boolean): FrameMeta {
  const { notices, custom, ...perFrame } = extra;
  return {
    ...perFrame,
    ...(first && notices !== undefined && { notices }),
    ...(first && custom !== undefined && { custom }),
    type,
    typeVersion: DATAPLANE_VERSION,
  };
}

function mergeConfig(shared?: FieldConfig, own?: FieldConfig): FieldConfig | undefined {
  return shared || own ? { ...shared, ...own } : undefined;
}

/** Canonical `{a="1", b="2"}` form (sorted keys): the identity of a series within one response. */
function labelString(labels: Labels): string {
  if (!labels || typeof labels !== 'object') {
    return '{?}';
  }
  const keys = Object.keys(labels).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(', ')}}`;
}
