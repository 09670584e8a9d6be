// The frames of one scored query: one timeseries-multi frame per series and requested output
// (value, expected, lower, upper, score, anomalies), the input labels on every value field, the
// field named after the output. Notices go on the very first frame only.

import { anomalyValues, displayName, formatLegend, MODEL_INFO_KEY } from '../../query/execute';
import type { FieldOutput } from '../../query/types';
import type { ScoredSeries } from '../../service/scoreRange';
import { noDataFrame, timeseriesMultiFrames, type ExtraMeta, type Frame, type Series as FrameSeries } from '../frames';

export function outputFrames(
  refId: string,
  scored: readonly ScoredSeries[],
  fields: readonly FieldOutput[],
  meta: ExtraMeta,
  legendFormat?: string
): Frame[] {
  if (scored.length === 0 || fields.length === 0) {
    return [noDataFrame(refId, 'timeseries-multi', meta)];
  }
  const frames: Frame[] = [];
  fields.forEach((field, i) => {
    const perOutput: ExtraMeta = i === 0 ? meta : { ...meta, notices: undefined, custom: undefined };
    const series: FrameSeries[] = scored.map((s) => {
      const legend = legendFormat ? formatLegend(legendFormat, s.labels) : undefined;
      return {
        labels: s.labels,
        t: s.series.t.subarray(s.from),
        values: pick(field, s),
        ...((legend !== undefined || s.model) && {
          config: {
            ...(legend !== undefined && { displayNameFromDS: displayName(legend, field) }),
            ...(s.model && { custom: { [MODEL_INFO_KEY]: s.model } }),
          },
        }),
      };
    });
    frames.push(...timeseriesMultiFrames(refId, series, field, undefined, perOutput));
  });
  return frames;
}

function pick(field: FieldOutput, s: ScoredSeries): Float64Array {
  switch (field) {
    case 'value':
      return s.series.v.subarray(s.from);
    case 'expected':
    case 'lower':
    case 'upper':
    case 'score':
      return s.out[field].subarray(s.from);
    case 'anomalies':
      return anomalyValues(s.series.v.subarray(s.from), s.out.score.subarray(s.from));
  }
}
