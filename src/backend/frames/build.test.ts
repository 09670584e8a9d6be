import { tableFromIPC } from 'apache-arrow';

import { noDataFrame, numericMultiFrames, timeseriesMultiFrames, TIME_FIELD_NAME } from './build';
import { encodeFrame, FrameEncodeError } from './encode';

const series = [
  { labels: { job: 'node', instance: 'a' }, t: [1000, 2000, 3000], values: [1, NaN, 3] },
  { labels: { job: 'node', instance: 'b' }, t: new Float64Array([1000, 3000]), values: new Float64Array([4, 5]) },
];

describe('timeseriesMultiFrames', () => {
  it('makes one typed frame per series: time field + number field carrying the labels', () => {
    const frames = timeseriesMultiFrames('A', series, 'score', { unit: 'none', min: 0 });
    expect(frames).toHaveLength(2);
    for (const [i, frame] of frames.entries()) {
      expect(frame.refId).toBe('A');
      expect(frame.meta).toMatchObject({ type: 'timeseries-multi', typeVersion: [0, 1] });
      expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
        [TIME_FIELD_NAME, 'time'],
        ['score', 'number'],
      ]);
      expect(frame.fields[0].labels).toBeUndefined();
      expect(frame.fields[1].labels).toEqual(series[i].labels);
      expect(frame.fields[1].config).toEqual({ unit: 'none', min: 0 });
    }
  });

  it('encodes to frames whose gaps are null', () => {
    const [first] = timeseriesMultiFrames('A', series, 'Value');
    const table = tableFromIPC(encodeFrame(first));
    const value = table.getChild('Value')!;
    expect([value.get(0), value.get(1), value.get(2)]).toEqual([1, null, 3]);
    expect(JSON.parse(table.schema.fields[1].metadata.get('labels')!)).toEqual({ job: 'node', instance: 'a' });
  });

  it('merges per-series config over the shared config', () => {
    const frames = timeseriesMultiFrames(
      'A',
      [{ ...series[0], config: { displayNameFromDS: 'a' } }, series[1]],
      'Value',
      { unit: 'bytes' }
    );
    expect(frames[0].fields[1].config).toEqual({ unit: 'bytes', displayNameFromDS: 'a' });
    expect(frames[1].fields[1].config).toEqual({ unit: 'bytes' });
  });

  it('puts executedQueryString on every frame, notices and custom on the first only', () => {
    const frames = timeseriesMultiFrames('A', series, 'Value', undefined, {
      executedQueryString: 'up',
      notices: [{ severity: 'info', text: 'n' }],
      custom: { k: 1 },
    });
    expect(frames[0].meta).toEqual({
      type: 'timeseries-multi',
      typeVersion: [0, 1],
      executedQueryString: 'up',
      notices: [{ severity: 'info', text: 'n' }],
      custom: { k: 1 },
    });
    expect(frames[1].meta).toEqual({ type: 'timeseries-multi', typeVersion: [0, 1], executedQueryString: 'up' });
  });

  it('gives the no-data frame for no series, keeping the meta', () => {
    const frames = timeseriesMultiFrames('B', [], 'Value', undefined, {
      notices: [{ severity: 'info', text: 'empty' }],
    });
    expect(frames).toEqual([
      {
        refId: 'B',
        meta: { type: 'timeseries-multi', typeVersion: [0, 1], notices: [{ severity: 'info', text: 'empty' }] },
        fields: [],
      },
    ]);
  });

  it('rejects descending times, length mismatches and duplicate series', () => {
    expect(() => timeseriesMultiFrames('A', [{ labels: {}, t: [2, 1], values: [1, 2] }], 'V')).toThrow(
      /series 0 \{\}: time 1 \(1\) is before time 0 \(2\); times must ascend/
    );
    expect(() => timeseriesMultiFrames('A', [{ labels: {}, t: [1, NaN], values: [1, 2] }], 'V')).toThrow(
      FrameEncodeError
    );
    expect(() => timeseriesMultiFrames('A', [{ labels: {}, t: [1, NaN], values: [1, 2] }], 'V')).toThrow(
      /time 1 is NaN; times must be finite/
    );
    expect(() => timeseriesMultiFrames('A', [{ labels: { a: 'x' }, t: [1, 2], values: [1] }], 'V')).toThrow(
      /series 0 \{a="x"\}: 2 times but 1 values/
    );
    expect(() =>
      timeseriesMultiFrames(
        'A',
        [
          { labels: { a: '1', b: '2' }, t: [], values: [] },
          { labels: { b: '2', a: '1' }, t: [], values: [] },
        ],
        'V'
      )
    ).toThrow(/series 1 \{a="1", b="2"\}: duplicate series/);
  });

  it('allows equal consecutive times (non-decreasing is what the contract checks)', () => {
    expect(() => timeseriesMultiFrames('A', [{ labels: {}, t: [1, 1], values: [1, 2] }], 'V')).not.toThrow();
  });
});

describe('numericMultiFrames', () => {
  it('makes one single-row numeric-multi frame per value, NaN as null', () => {
    const frames = numericMultiFrames(
      'A',
      [
        { labels: { instance: 'a' }, value: 0.9 },
        { labels: { instance: 'b' }, value: NaN },
      ],
      'score'
    );
    expect(frames).toHaveLength(2);
    expect(frames[0].meta).toEqual({ type: 'numeric-multi', typeVersion: [0, 1] });
    expect(frames[0].fields).toEqual([
      { name: 'score', type: 'number', values: [0.9], nullable: true, labels: { instance: 'a' } },
    ]);
    const table = tableFromIPC(encodeFrame(frames[1]));
    expect(table.numRows).toBe(1);
    expect(table.getChild('score')!.get(0)).toBeNull();
  });

  it('gives a numeric-multi no-data frame for no values and rejects duplicate labels', () => {
    expect(numericMultiFrames('A', [], 'v')).toEqual([
      { refId: 'A', meta: { type: 'numeric-multi', typeVersion: [0, 1] }, fields: [] },
    ]);
    expect(() =>
      numericMultiFrames(
        'A',
        [
          { labels: {}, value: 1 },
          { labels: {}, value: 2 },
        ],
        'v'
      )
    ).toThrow(/value 1 \{\}: duplicate labels/);
  });
});

describe('noDataFrame', () => {
  it('is a typed frame with no fields', () => {
    expect(noDataFrame('A')).toEqual({
      refId: 'A',
      meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
      fields: [],
    });
    expect(noDataFrame('A', 'numeric-multi').meta?.type).toBe('numeric-multi');
  });
});
