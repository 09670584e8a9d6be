// The former frame encoder, apache-arrow's tableToIPC, kept as the reference the direct IPC
// writer (ipcFile.ts) is checked against in tests. Not used by the backend.
import {
  Bool,
  Field as ArrowField,
  Float64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  TimestampNanosecond,
  Utf8,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';

import { frameColumns } from './encode';
import type { IpcColumn } from './ipcFile';
import type { Frame } from './types';

/** The frame as apache-arrow writes it (same validation and buffers as encodeFrame). */
export function encodeFrameWithArrow(frame: Frame): Uint8Array {
  const { columns, length, metadata } = frameColumns(frame);
  const fields = columns.map((c) => new ArrowField(c.name, arrowType(c), c.nullable, new Map(c.metadata)));
  const schema = new Schema(fields, metadata);
  const children = columns.map(arrowData);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
  return tableToIPC(new Table([batch]), 'file');
}

function arrowType(c: IpcColumn): DataType {
  switch (c.type) {
    case 'timestamp-ns':
      return new TimestampNanosecond();
    case 'float64':
      return new Float64();
    case 'utf8':
      return new Utf8();
    case 'bool':
      return new Bool();
  }
}

function arrowData(c: IpcColumn): Data {
  const nullBitmap = c.nullCount > 0 ? c.validity : undefined;
  const { length, nullCount } = c;
  const [a, b] = c.buffers;
  switch (c.type) {
    case 'timestamp-ns':
      return makeData({ type: new TimestampNanosecond(), length, nullCount, data: view(BigInt64Array, a) });
    case 'float64':
      return makeData({ type: new Float64(), length, nullCount, nullBitmap, data: view(Float64Array, a) });
    case 'utf8':
      return makeData({ type: new Utf8(), length, nullCount, nullBitmap, valueOffsets: view(Int32Array, a), data: b });
    case 'bool':
      return makeData({ type: new Bool(), length, nullCount, nullBitmap, data: a });
  }
}

function view<T>(
  ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
  bytes: Uint8Array
): T {
  return new ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / ctor.BYTES_PER_ELEMENT);
}
