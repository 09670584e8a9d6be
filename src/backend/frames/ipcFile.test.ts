import { tableFromIPC, type Table } from 'apache-arrow';

import { encodeFrameWithArrow } from './arrowReference';
import { encodeFrame, encodeFrames } from './encode';
import type { Field, Frame } from './types';

// The direct IPC writer against the former apache-arrow encoder: both files decode (with
// apache-arrow's reader) to the same schema, metadata, types, nulls and values.

function decoded(bytes: Uint8Array) {
  const t: Table = tableFromIPC(bytes);
  return {
    rows: t.numRows,
    metadata: Object.fromEntries(t.schema.metadata),
    fields: t.schema.fields.map((f, i) => ({
      name: f.name,
      type: String(f.type),
      nullable: f.nullable,
      metadata: Object.fromEntries(f.metadata),
      nullCount: t.getChildAt(i)?.nullCount,
      values: Array.from(t.getChildAt(i)?.toArray() ?? [], (v: unknown) =>
        typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v
      ),
      valid: Array.from({ length: t.numRows }, (_, r) => t.getChildAt(i)?.isValid(r)),
    })),
  };
}

const same = (frame: Frame) => {
  const direct = encodeFrame(frame);
  const ref = encodeFrameWithArrow(frame);
  expect(decoded(direct)).toEqual(decoded(ref));
  return direct;
};

const t0 = 1767225600000;

describe('direct Arrow IPC writer', () => {
  it('matches apache-arrow on a frame with every column type, nulls, labels, config and meta', () => {
    const bytes = same({
      name: 'cpu',
      refId: 'A',
      meta: {
        type: 'timeseries-multi',
        typeVersion: [0, 1],
        executedQueryString: 'rate(x[5m])',
        notices: [{ severity: 'warning', text: 'partial data', link: '/d/abc' }],
        custom: { model: 'seasonal' },
      },
      fields: [
        { name: 'Time', type: 'time', values: new Float64Array([t0, t0 + 60_000, t0 + 120_000.5]) },
        {
          name: 'Value',
          type: 'number',
          values: new Float64Array([1.5, NaN, -Infinity]),
          labels: { job: 'node', é: 'ü' },
          config: { displayNameFromDS: 'cpu a', unit: 'percent', min: 0, max: 100 },
        },
        { name: 'raw', type: 'number', values: [NaN, 0, 1], nullable: false },
        { name: 'note', type: 'string', values: ['é', null, ''], nullable: true },
        { name: 'up', type: 'boolean', values: [true, null, false], nullable: true },
      ],
    });
    const text = Buffer.from(bytes).toString('latin1');
    expect(text.startsWith('ARROW1\0\0')).toBe(true);
    expect(text.endsWith('ARROW1')).toBe(true);
  });

  it('matches on empty frames: no fields, zero rows', () => {
    same({ refId: 'B', meta: { type: 'timeseries-multi', typeVersion: [0, 1] }, fields: [] });
    same({
      refId: 'B',
      fields: [
        { name: 'Time', type: 'time', values: [] },
        { name: 'v', type: 'number', values: [] },
        { name: 's', type: 'string', values: [] },
      ],
    });
  });

  it('matches on random time + number frames of many lengths (the backend shape)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 40; k++) {
      const n = Math.floor(rand() * 3000) * (k % 5 === 0 ? 0 : 1) + (k % 7);
      const time = Float64Array.from({ length: n }, (_, i) => t0 + i * 60_000);
      const values = Float64Array.from({ length: n }, () => (rand() < 0.1 ? NaN : (rand() - 0.5) * 1e6));
      const fields: Field[] = [
        { name: 'Time', type: 'time', values: time },
        {
          name: 'Value',
          type: 'number',
          values,
          labels: { instance: `i-${k}` },
          config: { displayNameFromDS: `s ${k}` },
        },
      ];
      same({ name: `f${k}`, refId: 'A', meta: { custom: { k } }, fields });
    }
  });
});

describe('encodeFrames', () => {
  it('converts time values shared by several frames once, and each frame still decodes to its own times', () => {
    const t = Float64Array.from({ length: 10 }, (_, i) => t0 + i * 60_000);
    const frame = (name: string, times: Float64Array): Frame => ({
      refId: 'A',
      name,
      fields: [
        { name: 'Time', type: 'time', values: times },
        { name: 'Value', type: 'number', values: new Float64Array(times.length).fill(1) },
      ],
    });
    const frames = [frame('a', t.subarray(2)), frame('b', t.subarray(2)), frame('c', t.subarray(5)), frame('d', t)];
    const encoded = encodeFrames(frames);
    encoded.forEach((bytes, i) => {
      expect(decoded(bytes)).toEqual(decoded(encodeFrameWithArrow(frames[i])));
    });
    expect(decoded(encoded[2]).fields[0].values).toHaveLength(5);
  });
});
