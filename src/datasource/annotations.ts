/**
 * Anomaly annotations: the flagged stretches of each series (score above 1, the band's edge) as
 * Grafana annotation regions, with their peak score, severity and the model (kind and stored
 * version) that flagged them. Read from the query's `score` frames, backend or browser alike.
 */
import { FieldType, type AnnotationEvent, type DataFrame } from '@grafana/data';
import { DEFAULT_BACKTEST_THRESHOLDS } from '../query/defaults';
import { MODEL_INFO_KEY, type SeriesModelInfo } from '../query/execute';
import type { BacktestThreshold } from '../query/types';

export interface AnomalyEvent {
  startMs: number;
  endMs: number;
  peakScore: number;
  peakAtMs: number;
  severity: string;
  series: string;
  labels: Record<string, string>;
  model?: SeriesModelInfo;
}

/** Flagged runs per series: consecutive points scoring above 1; a gap (null) ends a run. */
export function anomalyRuns(
  frames: DataFrame[],
  thresholds: readonly BacktestThreshold[] = DEFAULT_BACKTEST_THRESHOLDS
): AnomalyEvent[] {
  const events: AnomalyEvent[] = [];
  const levels = [...thresholds].sort((a, b) => b.score - a.score);
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    const score = frame.fields.find((f) => f.type === FieldType.number && f.name === 'score');
    if (!time || !score) {
      continue;
    }
    const labels = score.labels ?? {};
    const model = score.config?.custom?.[MODEL_INFO_KEY] as SeriesModelInfo | undefined;
    const series = score.config?.displayNameFromDS?.replace(/ score$/, '') ?? labelText(labels);
    let run: AnomalyEvent | undefined;
    const close = () => {
      if (run) {
        run.severity = levels.find((l) => run!.peakScore > l.score)?.severity ?? 'anomaly';
        events.push(run);
        run = undefined;
      }
    };
    for (let i = 0; i < score.values.length; i++) {
      const s = score.values[i] as number | null;
      const t = time.values[i] as number;
      if (s !== null && s > 1) {
        if (!run) {
          run = {
            startMs: t,
            endMs: t,
            peakScore: s,
            peakAtMs: t,
            severity: '',
            series,
            labels,
            ...(model && { model }),
          };
        }
        run.endMs = t;
        if (s > run.peakScore) {
          run.peakScore = s;
          run.peakAtMs = t;
        }
      } else {
        close();
      }
    }
    close();
  }
  return events;
}

export function toAnnotation(e: AnomalyEvent): AnnotationEvent {
  const model = e.model?.kind ? `${e.model.kind}${e.model.version !== undefined ? ` v${e.model.version}` : ''}` : '';
  return {
    time: e.startMs,
    timeEnd: e.endMs,
    isRegion: e.endMs > e.startMs,
    title: `${e.severity}: ${e.series}`,
    text: `Anomaly on ${e.series}: peak score ${e.peakScore.toFixed(2)} at ${new Date(e.peakAtMs).toISOString()}${
      model ? ` (model ${model})` : ''
    }`,
    tags: ['vigil', e.severity, ...(model ? [model] : [])],
    color: e.severity === 'critical' ? 'red' : 'orange',
  };
}

export function anomalyAnnotations(frames: DataFrame[]): AnnotationEvent[] {
  return anomalyRuns(frames).map(toAnnotation);
}

function labelText(labels: Record<string, string>): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return rest.length > 0 ? `${name}{${rest.join(', ')}}` : name || '{}';
}
