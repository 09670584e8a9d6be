/**
 * Input of the HTML backtest report. Everything the report shows is passed in (including the
 * generation time), so the same input always renders the same bytes.
 */

/** Ordered key/value pairs; a plain object works too (insertion order is kept). */
export type KeyValues = ReadonlyArray<readonly [string, string | number]> | Readonly<Record<string, string | number>>;

/** A labelled event over [fromMs, toMs): something a detector should (or must not) alert on. */
export interface ReportIncident {
  fromMs: number;
  toMs: number;
  label: string;
  shouldPage: boolean;
  kind?: string;
}

/** An alert the backtest fired, from its first to its last point above threshold (inclusive). */
export interface ReportAlert {
  fromMs: number;
  toMs: number;
  peakScore: number;
  severity: 'warning' | 'critical';
}

export interface ReportSeries {
  name: string;
  /** Grafana unit id: 'bytes', 's', 'ms', 'percentunit' (0..1), 'percent', 'reqps', or free text. */
  unit?: string;
  /** Model used for this series, if it differs from ReportInput.model (e.g. chosen by 'auto'). */
  model?: string;
  /** Ascending epoch ms; all arrays below have the same length (NaN = gap / not scored). */
  t: Float64Array;
  value: Float64Array;
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  score: Float64Array;
  incidents?: ReportIncident[];
  alerts: ReportAlert[];
  /** Points before this instant were training data; the chart shades them. */
  scoredFromMs?: number;
  stats?: KeyValues;
}

export interface ReportInput {
  title: string;
  subtitle?: string;
  /** ISO timestamp shown in the header; passed in rather than read from the clock. */
  generatedAt: string;
  model: string;
  options?: KeyValues;
  series: ReportSeries[];
}

/** Per-series outcome against labelled incidents (see matchAlerts). */
export interface SeriesOutcome {
  alerts: number;
  critical: number;
  /** Incidents with shouldPage that at least one alert overlaps. */
  caught: number;
  /** Incidents with shouldPage that no alert overlaps. */
  missed: number;
  /** Alerts that overlap no shouldPage incident (including ones on must-not-page events). */
  falseAlarms: number;
  /** Must-not-page incidents that an alert overlapped. */
  quietViolated: number;
}
