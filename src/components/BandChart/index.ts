export {
  BandChart,
  severityColor,
  type AlertRegion,
  type BandChartProps,
  type BandSeries,
  type ScoreThreshold,
} from './BandChart';
