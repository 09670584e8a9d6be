export { renderReport } from './render';
export { matchAlerts } from './outcome';
export { esc } from './escape';
export type { KeyValues, ReportAlert, ReportIncident, ReportInput, ReportSeries, SeriesOutcome } from './types';
