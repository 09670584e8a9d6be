// A small typed model of a Grafana data frame, just enough for what the backend returns.
// encodeFrame (encode.ts) turns one Frame into the Arrow IPC file Grafana decodes.

/** Data plane frame types we emit (https://grafana.github.io/dataplane/contract/). */
export type FrameType =
  'timeseries-multi' | 'timeseries-wide' | 'timeseries-long' | 'numeric-multi' | 'numeric-wide' | 'numeric-long';

/** The data plane contract version: [major, minor]. 0.1 is the one Grafana's readers know. */
export type FrameTypeVersion = readonly [number, number];

export const DATAPLANE_VERSION: FrameTypeVersion = [0, 1];

export type NoticeSeverity = 'info' | 'warning' | 'error';

export interface Notice {
  severity: NoticeSeverity;
  text: string;
  /** Optional absolute URL or Grafana-relative path. */
  link?: string;
  // No `inspect`: the Go SDK decodes it as an integer enum and fails the whole frame on a string.
}

/** FrameMeta as Grafana reads it from the schema metadata key "meta" (JSON). */
export interface FrameMeta {
  type?: FrameType;
  /** Required with `type`: Grafana only applies the data plane contract when it is non-zero. */
  typeVersion?: FrameTypeVersion;
  /** Shown in the query inspector. */
  executedQueryString?: string;
  notices?: Notice[];
  /** Data-source specific values, passed through as JSON. */
  custom?: Record<string, unknown>;
  /** "annotations": Grafana draws the frame as annotations over the panel instead of as data. */
  dataTopic?: 'annotations';
}

export type Labels = Readonly<Record<string, string>>;

/** The subset of Grafana's FieldConfig we set; serialised as JSON under the field metadata key "config". */
export interface FieldConfig {
  displayName?: string;
  displayNameFromDS?: string;
  description?: string;
  unit?: string;
  decimals?: number;
  /** Finite numbers only: Grafana reads a JSON null here as -Infinity. */
  min?: number;
  max?: number;
  noValue?: string;
  interval?: number;
  custom?: Record<string, unknown>;
}

interface FieldBase {
  /** The Arrow field name; Grafana uses it as the field (and, in time series, metric) name. */
  name: string;
  labels?: Labels;
  config?: FieldConfig;
}

/** Epoch milliseconds (fractions kept down to the nanosecond). Never nullable: the data plane needs a non-null time. */
export interface TimeField extends FieldBase {
  type: 'time';
  values: Float64Array | readonly number[];
}

/**
 * Numbers are written as Float64. With `nullable` (the default) a NaN in `values` marks a gap and is
 * written as null: Grafana draws null as a gap and alert reducers drop it, whereas a NaN would be a
 * value. With `nullable: false` NaN is written as NaN.
 */
export interface NumberField extends FieldBase {
  type: 'number';
  values: Float64Array | readonly number[];
  nullable?: boolean;
}

/** Utf8 (never dictionary encoded). null entries need `nullable: true`. */
export interface StringField extends FieldBase {
  type: 'string';
  values: ReadonlyArray<string | null>;
  nullable?: boolean;
}

/** Bool. null entries need `nullable: true`. */
export interface BooleanField extends FieldBase {
  type: 'boolean';
  values: ReadonlyArray<boolean | null>;
  nullable?: boolean;
}

export type Field = TimeField | NumberField | StringField | BooleanField;

export type FieldType = Field['type'];

export interface Frame {
  name?: string;
  refId: string;
  meta?: FrameMeta;
  /** All fields have the same length. A typed frame with no fields is the data plane's "no data". */
  fields: Field[];
}
