export { encodeFrame, encodeFrames, FrameEncodeError, msToNs } from './encode';
export { noDataFrame, numericMultiFrames, timeseriesMultiFrames, TIME_FIELD_NAME } from './build';
export type { ExtraMeta, MetricValue, Series } from './build';
export { DATAPLANE_VERSION } from './types';
export type {
  BooleanField,
  Field,
  FieldConfig,
  FieldType,
  Frame,
  FrameMeta,
  FrameType,
  FrameTypeVersion,
  Labels,
  Notice,
  NoticeSeverity,
  NumberField,
  StringField,
  TimeField,
} from './types';
