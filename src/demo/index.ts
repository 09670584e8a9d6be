export { generateDemo, demoIncidents, type DemoData, type DemoSeries } from './generate';
export {
  DEMO_SERIES,
  DEMO_SERIES_IDS,
  demoValueAt,
  trafficShape,
  type DemoSeriesId,
  type DemoSeriesMeta,
} from './signals';
export {
  DEFAULT_DEMO_CONFIG,
  DEFAULT_DEMO_START_MS,
  demoScenario,
  deploysBetween,
  lastDeployAtOrBefore,
  resolveDemoConfig,
  type DemoConfig,
  type DemoIncident,
  type DemoIncidentKind,
  type DemoScenario,
} from './scenario';
export {
  checkSchedule,
  LIVE_OFFSETS,
  LIVE_PERIOD_MS,
  liveAnchor,
  liveIncidents,
  liveScenarioAt,
  liveValueAt,
  type LiveIncident,
  type LiveSchedule,
} from './live';
