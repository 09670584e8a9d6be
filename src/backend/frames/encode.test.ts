import { Type, tableFromIPC } from 'apache-arrow';
import type { Table } from 'apache-arrow';

import { encodeFrame, FrameEncodeError, msToNs } from './encode';
import type { Frame } from './types';

const MAGIC = 'ARROW1';
const decode = (bytes: Uint8Array): Table => tableFromIPC(bytes);
const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

function fullFrame(): Frame {
  return {
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
      { name: 'Time', type: 'time', values: new Float64Array([1767225600000, 1767225660000, 1767225720000]) },
      {
        name: 'Value',
        type: 'number',
        values: new Float64Array([1.5, NaN, -2]),
        labels: { job: 'node', instance: 'a:9100' },
        config: { displayNameFromDS: 'cpu a', unit: 'percent', min: 0, max: 100 },
      },
      { name: 'note', type: 'string', values: ['é', null, ''], nullable: true },
      { name: 'up', type: 'boolean', values: [true, false, true] },
    ],
  };
}

describe('encodeFrame', () => {
  it('writes one Arrow IPC file: ARROW1 magic at both ends', () => {
    const bytes = encodeFrame(fullFrame());
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(ascii(bytes.subarray(0, 6))).toBe(MAGIC);
    expect(ascii(bytes.subarray(bytes.length - 6))).toBe(MAGIC);
  });

  it('uses explicit Arrow types: Timestamp(ns, no tz), Float64, Utf8 (not Dictionary), Bool', () => {
    const table = decode(encodeFrame(fullFrame()));
    const [time, value, note, up] = table.schema.fields;
    expect(time.typeId).toBe(Type.Timestamp);
    expect(String(time.type)).toBe('Timestamp<NANOSECOND>');
    expect((time.type as { timezone?: string | null }).timezone ?? null).toBeNull();
    expect(time.nullable).toBe(false);
    expect(value.typeId).toBe(Type.Float);
    expect(String(value.type)).toBe('Float64');
    expect(value.nullable).toBe(true);
    expect(note.typeId).toBe(Type.Utf8);
    expect(note.typeId).not.toBe(Type.Dictionary);
    expect(note.nullable).toBe(true);
    expect(up.typeId).toBe(Type.Bool);
    expect(up.nullable).toBe(false);
    expect(table.numRows).toBe(3);
  });

  it('writes times as exact nanoseconds (BigInt64), no float rounding', () => {
    const ms = [1767225600123, 1767225600124, -1, 0, 1767225600123.456];
    const table = decode(encodeFrame({ refId: 'A', fields: [{ name: 'Time', type: 'time', values: ms }] }));
    const raw = table.getChild('Time')!.data[0].values as BigInt64Array;
    expect(raw).toBeInstanceOf(BigInt64Array);
    expect(Array.from(raw)).toEqual([1767225600123000000n, 1767225600124000000n, -1000000n, 0n, 1767225600123456000n]);
  });

  it('writes NaN in a nullable number field as null (a gap), keeps Infinity', () => {
    const table = decode(
      encodeFrame({
        refId: 'A',
        fields: [{ name: 'v', type: 'number', values: [NaN, 1, Infinity, NaN, -0.5, 2, 3, 4, NaN] }],
      })
    );
    const col = table.getChild('v')!;
    expect(col.nullCount).toBe(3);
    expect(Array.from({ length: col.length }, (_, i) => col.get(i))).toEqual([
      null,
      1,
      Infinity,
      null,
      -0.5,
      2,
      3,
      4,
      null,
    ]);
  });

  it('keeps NaN as a value in a non-nullable number field', () => {
    const table = decode(
      encodeFrame({ refId: 'A', fields: [{ name: 'v', type: 'number', values: [NaN, 1], nullable: false }] })
    );
    expect(table.schema.fields[0].nullable).toBe(false);
    expect(table.getChild('v')!.nullCount).toBe(0);
    expect(table.getChild('v')!.get(0)).toBeNaN();
  });

  it('writes a Float64Array view (offset into a larger buffer) as its own values, with and without gaps', () => {
    const whole = new Float64Array([9, 9, 1.25, -3, 1e300, 9]);
    const view = whole.subarray(2, 5);
    const gappy = new Float64Array([7, 1, NaN, 2]).subarray(1);
    const table = decode(
      encodeFrame({
        refId: 'A',
        fields: [
          { name: 'v', type: 'number', values: view },
          { name: 'g', type: 'number', values: gappy },
        ],
      })
    );
    expect(Array.from({ length: 3 }, (_, i) => table.getChild('v')!.get(i))).toEqual([1.25, -3, 1e300]);
    expect(table.getChild('v')!.nullCount).toBe(0);
    expect(Array.from({ length: 3 }, (_, i) => table.getChild('g')!.get(i))).toEqual([1, null, 2]);
    // The caller's arrays are read, never written.
    expect(Array.from(whole)).toEqual([9, 9, 1.25, -3, 1e300, 9]);
    expect(gappy[1]).toBeNaN();
  });

  it('round-trips strings (UTF-8, empty, null) and booleans (with nulls)', () => {
    const table = decode(
      encodeFrame({
        refId: 'A',
        fields: [
          { name: 's', type: 'string', values: ['é', null, '', '日本', 'x'], nullable: true },
          { name: 'b', type: 'boolean', values: [true, null, false, true, null], nullable: true },
        ],
      })
    );
    const s = table.getChild('s')!;
    const b = table.getChild('b')!;
    expect(Array.from({ length: 5 }, (_, i) => s.get(i))).toEqual(['é', null, '', '日本', 'x']);
    expect(Array.from({ length: 5 }, (_, i) => b.get(i))).toEqual([true, null, false, true, null]);
    expect(s.nullCount).toBe(1);
    expect(b.nullCount).toBe(2);
  });

  it('writes schema metadata name, refId and meta JSON', () => {
    const md = decode(encodeFrame(fullFrame())).schema.metadata;
    expect(md.get('name')).toBe('cpu');
    expect(md.get('refId')).toBe('A');
    expect(JSON.parse(md.get('meta')!)).toEqual({
      type: 'timeseries-multi',
      typeVersion: [0, 1],
      executedQueryString: 'rate(x[5m])',
      notices: [{ severity: 'warning', text: 'partial data', link: '/d/abc' }],
      custom: { model: 'seasonal' },
    });
  });

  it('writes field metadata labels and config as JSON, tstype, and the field name', () => {
    const fields = decode(encodeFrame(fullFrame())).schema.fields;
    expect(fields.map((f) => f.name)).toEqual(['Time', 'Value', 'note', 'up']);
    expect(fields.map((f) => f.metadata.get('tstype'))).toEqual(['time', 'number', 'string', 'boolean']);
    expect(JSON.parse(fields[1].metadata.get('labels')!)).toEqual({ job: 'node', instance: 'a:9100' });
    expect(JSON.parse(fields[1].metadata.get('config')!)).toEqual({
      displayNameFromDS: 'cpu a',
      unit: 'percent',
      min: 0,
      max: 100,
    });
    expect(fields[0].metadata.has('labels')).toBe(false);
    expect(fields[0].metadata.has('config')).toBe(false);
  });

  it('writes name "" and typeVersion [0,0] when absent, no meta key without meta', () => {
    const md = decode(encodeFrame({ refId: 'B', fields: [] })).schema.metadata;
    expect(md.get('name')).toBe('');
    expect(md.get('refId')).toBe('B');
    expect(md.has('meta')).toBe(false);
    const withMeta = decode(encodeFrame({ refId: 'B', meta: { executedQueryString: 'q' }, fields: [] }));
    expect(JSON.parse(withMeta.schema.metadata.get('meta')!)).toEqual({
      executedQueryString: 'q',
      typeVersion: [0, 0],
    });
  });

  it('encodes a typed frame with no fields (no data)', () => {
    const bytes = encodeFrame({ refId: 'A', meta: { type: 'timeseries-multi', typeVersion: [0, 1] }, fields: [] });
    expect(ascii(bytes.subarray(0, 6))).toBe(MAGIC);
    const table = decode(bytes);
    expect(table.schema.fields).toHaveLength(0);
    expect(table.numRows).toBe(0);
    expect(JSON.parse(table.schema.metadata.get('meta')!).type).toBe('timeseries-multi');
  });

  it('encodes zero-row fields with their types', () => {
    const table = decode(
      encodeFrame({
        refId: 'A',
        fields: [
          { name: 'Time', type: 'time', values: [] },
          { name: 'Value', type: 'number', values: new Float64Array(0) },
        ],
      })
    );
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Timestamp<NANOSECOND>', 'Float64']);
  });

  it('drops unknown notice keys the Go SDK cannot decode', () => {
    const frame = fullFrame();
    frame.meta!.notices = [{ severity: 'info', text: 't', inspect: 'meta' } as never];
    const meta = JSON.parse(decode(encodeFrame(frame)).schema.metadata.get('meta')!);
    expect(meta.notices).toEqual([{ severity: 'info', text: 't' }]);
  });

  describe('rejects bad input with a clear error', () => {
    const cases: Array<[string, () => Frame, RegExp]> = [
      [
        'fields of different lengths',
        () => ({
          refId: 'A',
          fields: [
            { name: 'Time', type: 'time', values: [1, 2] },
            { name: 'Value', type: 'number', values: [1] },
          ],
        }),
        /field 1 \("Value"\): has 1 values but field 0 has 2/,
      ],
      [
        'a NaN time',
        () => ({ refId: 'A', fields: [{ name: 'Time', type: 'time', values: [1, NaN] }] }),
        /time value 1 is NaN/,
      ],
      [
        'a time past 2262',
        () => ({ refId: 'A', fields: [{ name: 'Time', type: 'time', values: [1e13] }] }),
        /outside the int64 nanosecond range/,
      ],
      [
        'a null string in a non-nullable field',
        () => ({ refId: 'A', fields: [{ name: 's', type: 'string', values: ['a', null] }] }),
        /value 1 is null, not a string \(set nullable: true/,
      ],
      [
        'a string in a number field',
        () => ({ refId: 'A', fields: [{ name: 'v', type: 'number', values: ['1' as unknown as number] }] }),
        /value 0 is "1", not a number/,
      ],
      [
        'an unknown field type',
        () => ({ refId: 'A', fields: [{ name: 'v', type: 'int' as 'number', values: [1] }] }),
        /unknown type "int"/,
      ],
      [
        'a type without typeVersion',
        () => ({ refId: 'A', meta: { type: 'timeseries-multi' }, fields: [] }),
        /needs a non-zero meta.typeVersion/,
      ],
      [
        'a bad typeVersion',
        () => ({ refId: 'A', meta: { typeVersion: [0, -1] }, fields: [] }),
        /typeVersion must be \[major, minor\]/,
      ],
      [
        'a bad notice severity',
        () => ({ refId: 'A', meta: { notices: [{ severity: 'fatal' as 'error', text: 'x' }] }, fields: [] }),
        /notices\[0\] needs severity/,
      ],
      [
        'a non-string label',
        () => ({
          refId: 'A',
          fields: [{ name: 'v', type: 'number', values: [1], labels: { a: 1 as unknown as string } }],
        }),
        /label "a" is number 1, not a string/,
      ],
      [
        'a non-finite config.min',
        () => ({ refId: 'A', fields: [{ name: 'v', type: 'number', values: [1], config: { min: -Infinity } }] }),
        /config.min is number -Infinity/,
      ],
      [
        'a non-string unit',
        () => ({ refId: 'A', fields: [{ name: 'v', type: 'number', values: [1], config: { unit: 5 as never } }] }),
        /config.unit is number 5; it must be a string/,
      ],
      ['a null field', () => ({ refId: 'A', fields: [null as never] }), /field 0: must be an object/],
      ['a missing refId', () => ({ fields: [] }) as unknown as Frame, /refId must be a string/],
      [
        'values that are not an array',
        () => ({ refId: 'A', fields: [{ name: 'v', type: 'number', values: 'abc' as never }] }),
        /values must be an array/,
      ],
    ];
    it.each(cases)('%s', (_label, make, message) => {
      expect(() => encodeFrame(make())).toThrow(FrameEncodeError);
      expect(() => encodeFrame(make())).toThrow(message);
    });
  });
});

describe('msToNs', () => {
  it('is exact for integer milliseconds beyond 2^53 nanoseconds', () => {
    expect(msToNs(1767225600123)).toBe(1767225600123000000n);
    expect(msToNs(9_000_000_000_000)).toBe(9_000_000_000_000_000_000n);
    expect(msToNs(-1767225600123)).toBe(-1767225600123000000n);
  });
  it('rounds sub-millisecond fractions to the nanosecond', () => {
    expect(msToNs(0.000001)).toBe(1n);
    expect(msToNs(1.5)).toBe(1_500_000n);
    expect(msToNs(-1.5)).toBe(-1_500_000n);
  });
});

describe('msToNs edge cases', () => {
  it.each([
    [1767225600123.456, 1767225600123456000n],
    [0.0000004, 0n],
    [0.0000005, 1n],
    [1e-7, 0n],
    [-0.25, -250000n],
    [12.3456789, 12345679n],
    [-12.3456784, -12345678n],
  ])('%p ms -> %p ns', (ms, ns) => {
    expect(msToNs(ms)).toBe(ns);
  });
  it('rejects non-finite and out-of-range times', () => {
    expect(() => msToNs(Infinity)).toThrow(/not a finite number/);
    expect(() => msToNs(9.3e12)).toThrow(/int64 nanosecond range/);
    expect(() => msToNs(-9.3e12)).toThrow(/int64 nanosecond range/);
  });
});

describe('time column fast path', () => {
  it('matches the BigInt reference (msToNs) on edge and random integer times', () => {
    const edges = [0, 1, -1, 65535, 65536, -65536, -65537, 4294, 4295, 2 ** 32, -(2 ** 32), 2 ** 43, -(2 ** 43)];
    const random = Array.from({ length: 2000 }, () => Math.round((Math.random() * 2 - 1) * 2 ** 43));
    const ms = [...edges, ...random, 1767225600000, 2 ** 43 + 1, 9.2e12, -9.2e12];
    const table = tableFromIPC(encodeFrame({ refId: 'A', fields: [{ name: 'Time', type: 'time', values: ms }] }));
    const raw = Array.from(table.getChild('Time')!.data[0].values as BigInt64Array);
    expect(raw).toEqual(ms.map(msToNs));
    expect(raw).toEqual(ms.map((m) => BigInt(m) * 1000000n));
  });
});
