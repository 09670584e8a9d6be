import { FieldType, type DataFrame } from '@grafana/data';
import { anomalyRuns, toAnnotation } from './annotations';

const frame = (name: string, scores: Array<number | null>, custom?: Record<string, unknown>): DataFrame => ({
  refId: 'A',
  length: scores.length,
  fields: [
    { name: 'Time', type: FieldType.time, values: scores.map((_, i) => i * 60_000), config: {} },
    {
      name,
      type: FieldType.number,
      values: scores,
      labels: { __name__: 'load', instance: 'a' },
      config: custom ? { custom } : {},
    },
  ],
});

describe('anomaly annotations', () => {
  it('one event per run above 1, ended by a normal point or a gap, with peak and severity', () => {
    const events = anomalyRuns([
      frame('score', [0.2, 1.5, 2.7, 1.1, 0.3, 1.2, null, 1.4, 0.1], { vigilModel: { kind: 'seasonal', version: 3 } }),
      frame('value', [5, 5, 5, 5, 5, 5, 5, 5, 5]),
    ]);
    expect(events.map((e) => [e.startMs, e.endMs, e.peakScore, e.severity])).toEqual([
      [60_000, 180_000, 2.7, 'critical'],
      [300_000, 300_000, 1.2, 'warning'],
      [420_000, 420_000, 1.4, 'warning'],
    ]);
    const a = toAnnotation(events[0]);
    expect(a).toMatchObject({
      time: 60_000,
      timeEnd: 180_000,
      isRegion: true,
      tags: ['vigil', 'critical', 'seasonal v3'],
    });
    expect(a.title).toBe('critical: load{instance="a"}');
    expect(a.text).toContain('peak score 2.70');
    expect(toAnnotation(events[1]).isRegion).toBe(false);
  });
});
