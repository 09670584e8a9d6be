// Frame -> one Arrow IPC *file* (magic "ARROW1" at both ends), the bytes Grafana's Go side decodes
// with data.UnmarshalArrowFrame, written by ipcFile.ts. Every Arrow type is explicit (Grafana
// cannot read Dictionary strings or DateMillisecond times):
//   time    -> Timestamp(NANOSECOND), no timezone, non-nullable (epoch ms * 1e6, exact in BigInt)
//   number  -> Float64, nullable by default (NaN -> null: a gap)
//   string  -> Utf8 (not Dictionary)
//   boolean -> Bool
// Schema metadata: name, refId, meta (FrameMeta JSON). Field metadata: tstype, labels (JSON object),
// config (FieldConfig JSON), as the Go SDK writes them.
import { ipcFile, type IpcColumn } from './ipcFile';
import type { Field, FieldConfig, Frame, FrameMeta, FrameTypeVersion, Labels } from './types';

/** Thrown for a frame that cannot be encoded; the message names the frame and field. */
export class FrameEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameEncodeError';
  }
}

const NS_PER_MS = 1_000_000n;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT32_MAX = 2 ** 31 - 1;
const NO_CONTRACT: FrameTypeVersion = [0, 0];

/** Encodes one frame as an Arrow IPC file. Throws FrameEncodeError on invalid input. */
export function encodeFrame(frame: Frame, times?: TimeMemo): Uint8Array {
  const { columns, length, metadata } = frameColumns(frame, times);
  return ipcFile(columns, length, metadata);
}

/** A validated frame as Arrow columns and schema metadata (what both IPC writers take). */
export interface FrameColumns {
  columns: IpcColumn[];
  length: number;
  metadata: Map<string, string>;
}

/** Validates `frame` and lays out its Arrow buffers. Throws FrameEncodeError on invalid input. */
export function frameColumns(frame: Frame, times?: TimeMemo): FrameColumns {
  const where = frameLabel(frame);
  if (frame === null || typeof frame !== 'object') {
    throw new FrameEncodeError('frame must be an object');
  }
  if (typeof frame.refId !== 'string') {
    throw new FrameEncodeError(`${where}: refId must be a string`);
  }
  if (frame.name !== undefined && typeof frame.name !== 'string') {
    throw new FrameEncodeError(`${where}: name must be a string`);
  }
  if (!Array.isArray(frame.fields)) {
    throw new FrameEncodeError(`${where}: fields must be an array`);
  }

  let length = 0;
  const columns: IpcColumn[] = [];
  frame.fields.forEach((field, index) => {
    const at = `${where} field ${index}${typeof field?.name === 'string' ? ` (${JSON.stringify(field.name)})` : ''}`;
    const column = encodeColumn(field, at, times);
    if (index === 0) {
      length = column.length;
    } else if (column.length !== length) {
      throw new FrameEncodeError(
        `${at}: has ${column.length} values but field 0 has ${length}; all fields need the same length`
      );
    }
    columns.push({ ...column, name: field.name, metadata: fieldMetadata(field, at) });
  });
  return { columns, length, metadata: schemaMetadata(frame, where) };
}

/** Encodes each frame (the `frames` of one DataResponse). */
export function encodeFrames(frames: readonly Frame[]): Uint8Array[] {
  // The outputs of one series (value, expected, band, score) share its time values: converted once.
  const times: TimeMemo = new Map();
  return frames.map((f) => encodeFrame(f, times));
}

/** Time columns already converted in one encodeFrames call, by the Float64Array's buffer and span. */
type TimeMemo = Map<ArrayBufferLike, Map<string, Column>>;

function memoTimeColumn(values: ArrayLike<unknown>, at: string, times: TimeMemo | undefined): Column {
  if (!times || !(values instanceof Float64Array)) {
    return timeColumn(values, at);
  }
  let spans = times.get(values.buffer);
  if (!spans) {
    spans = new Map();
    times.set(values.buffer, spans);
  }
  const span = `${values.byteOffset}:${values.length}`;
  let column = spans.get(span);
  if (!column) {
    column = timeColumn(values, at);
    spans.set(span, column);
  }
  return column;
}

/**
 * Epoch milliseconds -> epoch nanoseconds. Exact for integer ms (ms * 1e6 in floating point is not:
 * it passes 2^53). A fractional ms is read from its shortest decimal form, so 1767225600123.456
 * gives ...123456000 ns, not the binary double's ...123456055; digits past the ns are rounded.
 */
export function msToNs(ms: number): bigint {
  if (!Number.isFinite(ms)) {
    throw new FrameEncodeError(`time ${ms} is not a finite number`);
  }
  let ns: bigint;
  const text = Number.isInteger(ms) ? '' : String(Math.abs(ms));
  if (Number.isInteger(ms)) {
    ns = BigInt(ms) * NS_PER_MS;
  } else if (!text.includes('e')) {
    const [whole, fraction] = text.split('.');
    const digits = (fraction + '000000').slice(0, 7);
    const abs = BigInt(whole) * NS_PER_MS + BigInt(digits.slice(0, 6)) + (digits[6] >= '5' ? 1n : 0n);
    ns = ms < 0 ? -abs : abs;
  } else {
    // Tiny magnitudes like 1e-7 ms: plain arithmetic is exact enough there.
    ns = BigInt(Math.round(ms * 1e6));
  }
  if (ns > INT64_MAX || ns < INT64_MIN) {
    throw new FrameEncodeError(`time ${ms} ms is outside the int64 nanosecond range (years 1677-2262)`);
  }
  return ns;
}

function frameLabel(frame: Frame): string {
  const refId = frame && typeof frame === 'object' && typeof frame.refId === 'string' ? frame.refId : '?';
  const name =
    frame && typeof frame === 'object' && typeof frame.name === 'string' && frame.name
      ? ` ${JSON.stringify(frame.name)}`
      : '';
  return `frame${name} (refId ${JSON.stringify(refId)})`;
}

type Column = Omit<IpcColumn, 'name' | 'metadata'>;

function encodeColumn(field: Field, at: string, times?: TimeMemo): Column {
  if (field === null || typeof field !== 'object') {
    throw new FrameEncodeError(`${at}: must be an object`);
  }
  if (typeof field.name !== 'string') {
    throw new FrameEncodeError(`${at}: name must be a string`);
  }
  if (!isArrayLike(field.values)) {
    throw new FrameEncodeError(`${at}: values must be an array or typed array`);
  }
  switch (field.type) {
    case 'time':
      return memoTimeColumn(field.values, at, times);
    case 'number':
      return numberColumn(field.values, field.nullable ?? true, at);
    case 'string':
      return stringColumn(field.values, field.nullable ?? false, at);
    case 'boolean':
      return booleanColumn(field.values, field.nullable ?? false, at);
    default:
      throw new FrameEncodeError(
        `${at}: unknown type ${JSON.stringify((field as { type: unknown }).type)} (time, number, string or boolean)`
      );
  }
}

function isArrayLike(values: unknown): values is ArrayLike<unknown> {
  return Array.isArray(values) || values instanceof Float64Array;
}

function timeColumn(values: ArrayLike<unknown>, at: string): Column {
  const ns = new BigInt64Array(values.length);
  const words = LITTLE_ENDIAN ? new Int32Array(ns.buffer) : undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new FrameEncodeError(`${at}: time value ${i} is ${String(v)}; times must be finite epoch milliseconds`);
    }
    if (words && Number.isInteger(v) && v <= MAX_FAST_MS && v >= -MAX_FAST_MS) {
      writeIntegerMsAsNs(v, words, i * 2);
      continue;
    }
    try {
      ns[i] = msToNs(v);
    } catch (e) {
      throw new FrameEncodeError(`${at}: value ${i}: ${(e as Error).message}`);
    }
  }
  return { type: 'timestamp-ns', nullable: false, length: ns.length, nullCount: 0, buffers: [bytesOf(ns)] };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Below 2^43 ms (year 2248) the split in writeIntegerMsAsNs stays exact in doubles. */
const MAX_FAST_MS = 2 ** 43;
const TWO_16 = 65536;
const TWO_32 = 4294967296;

/**
 * Writes integer `ms` * 1e6 as a little-endian int64 into words[at], words[at + 1] without BigInt
 * (about 10x faster; msToNs is the reference). ms = hi * 2^16 + lo with 0 <= lo < 2^16, so
 * ns = (hi * 1e6) * 2^16 + lo * 1e6, where every product is below 2^53 and exact.
 */
function writeIntegerMsAsNs(ms: number, words: Int32Array, at: number): void {
  const hi = Math.floor(ms / TWO_16);
  const lo = ms - hi * TWO_16;
  const a = hi * 1e6; // |a| < 2^47
  const aHigh = Math.floor(a / TWO_16);
  const low = (a - aHigh * TWO_16) * TWO_16 + lo * 1e6; // < 2^37
  const carry = Math.floor(low / TWO_32);
  words[at] = low - carry * TWO_32; // wraps to the int32 bit pattern
  words[at + 1] = aHigh + carry;
}

function numberColumn(values: ArrayLike<unknown>, nullable: boolean, at: string): Column {
  const length = values.length;
  if (values instanceof Float64Array && !(nullable && hasNaN(values))) {
    // Already the column's bytes and no gap to mark: written from the caller's array, not a copy.
    return { type: 'float64', nullable, length, nullCount: 0, buffers: [bytesOf(values)] };
  }
  const out = new Float64Array(length);
  const validity = nullable ? new Uint8Array((length + 7) >> 3) : undefined;
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (typeof v !== 'number') {
      throw new FrameEncodeError(`${at}: value ${i} is ${describe(v)}, not a number (use NaN for a gap)`);
    }
    if (validity && Number.isNaN(v)) {
      nullCount++; // a gap: slot stays 0, validity bit stays 0
      continue;
    }
    out[i] = v;
    if (validity) {
      validity[i >> 3] |= 1 << (i & 7);
    }
  }
  return { type: 'float64', nullable, length, nullCount, validity, buffers: [bytesOf(out)] };
}

function stringColumn(values: ArrayLike<unknown>, nullable: boolean, at: string): Column {
  const length = values.length;
  const encoder = new TextEncoder();
  const encoded: Uint8Array[] = new Array(length);
  const offsets = new Int32Array(length + 1);
  const validity = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  let total = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v === null && nullable) {
      nullCount++;
      encoded[i] = new Uint8Array(0);
    } else if (typeof v === 'string') {
      encoded[i] = encoder.encode(v);
      validity[i >> 3] |= 1 << (i & 7);
    } else {
      throw new FrameEncodeError(
        `${at}: value ${i} is ${describe(v)}, not a string${v === null ? ' (set nullable: true to allow null)' : ''}`
      );
    }
    total += encoded[i].length;
    if (total > INT32_MAX) {
      throw new FrameEncodeError(`${at}: more than 2 GiB of string data`);
    }
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < length; i++) {
    bytes.set(encoded[i], offsets[i]);
  }
  return { type: 'utf8', nullable, length, nullCount, validity, buffers: [bytesOf(offsets), bytes] };
}

function booleanColumn(values: ArrayLike<unknown>, nullable: boolean, at: string): Column {
  const length = values.length;
  const bits = new Uint8Array((length + 7) >> 3);
  const validity = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v === null && nullable) {
      nullCount++;
      continue;
    }
    if (typeof v !== 'boolean') {
      throw new FrameEncodeError(
        `${at}: value ${i} is ${describe(v)}, not a boolean${v === null ? ' (set nullable: true to allow null)' : ''}`
      );
    }
    validity[i >> 3] |= 1 << (i & 7);
    if (v) {
      bits[i >> 3] |= 1 << (i & 7);
    }
  }
  return { type: 'bool', nullable, length, nullCount, validity, buffers: [bits] };
}

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) {
      return true;
    }
  }
  return false;
}

function bytesOf(a: Float64Array | BigInt64Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function describe(v: unknown): string {
  if (v === null) {
    return 'null';
  }
  if (typeof v === 'string') {
    return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  }
  return typeof v === 'object' ? (Array.isArray(v) ? 'an array' : 'an object') : `${typeof v} ${String(v)}`;
}

function schemaMetadata(frame: Frame, where: string): Map<string, string> {
  const md = new Map<string, string>([
    ['name', frame.name ?? ''],
    ['refId', frame.refId],
  ]);
  if (frame.meta !== undefined) {
    md.set('meta', JSON.stringify(checkMeta(frame.meta, where)));
  }
  return md;
}

function fieldMetadata(field: Field, at: string): Map<string, string> {
  const md = new Map<string, string>([['tstype', field.type]]);
  if (field.labels !== undefined) {
    md.set('labels', JSON.stringify(checkLabels(field.labels, at)));
  }
  if (field.config !== undefined) {
    md.set('config', JSON.stringify(checkConfig(field.config, at)));
  }
  return md;
}

function isPlainObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkLabels(labels: Labels, at: string): Labels {
  if (!isPlainObject(labels)) {
    throw new FrameEncodeError(`${at}: labels must be an object of strings`);
  }
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') {
      throw new FrameEncodeError(`${at}: label ${JSON.stringify(key)} is ${describe(value)}, not a string`);
    }
  }
  return labels;
}

function checkConfig(config: FieldConfig, at: string): FieldConfig {
  if (!isPlainObject(config)) {
    throw new FrameEncodeError(`${at}: config must be an object`);
  }
  for (const key of ['min', 'max', 'decimals', 'interval'] as const) {
    const v = config[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      throw new FrameEncodeError(`${at}: config.${key} is ${describe(v)}; it must be a finite number`);
    }
  }
  // A wrongly typed known key would fail the Go SDK's decode of the whole frame.
  for (const key of ['displayName', 'displayNameFromDS', 'description', 'unit', 'noValue'] as const) {
    const v = config[key];
    if (v !== undefined && typeof v !== 'string') {
      throw new FrameEncodeError(`${at}: config.${key} is ${describe(v)}; it must be a string`);
    }
  }
  if (config.custom !== undefined && !isPlainObject(config.custom)) {
    throw new FrameEncodeError(`${at}: config.custom must be an object`);
  }
  return config;
}

const NOTICE_SEVERITIES = new Set(['info', 'warning', 'error']);

function checkMeta(meta: FrameMeta, where: string): FrameMeta {
  if (!isPlainObject(meta)) {
    throw new FrameEncodeError(`${where}: meta must be an object`);
  }
  const { type, typeVersion, notices } = meta;
  if (type !== undefined && typeof type !== 'string') {
    throw new FrameEncodeError(`${where}: meta.type must be a string`);
  }
  if (typeVersion !== undefined) {
    const ok =
      Array.isArray(typeVersion) &&
      typeVersion.length === 2 &&
      typeVersion.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff);
    if (!ok) {
      throw new FrameEncodeError(`${where}: meta.typeVersion must be [major, minor] of non-negative integers`);
    }
  }
  if (type !== undefined && (typeVersion === undefined || (typeVersion[0] === 0 && typeVersion[1] === 0))) {
    throw new FrameEncodeError(
      `${where}: meta.type ${JSON.stringify(type)} needs a non-zero meta.typeVersion such as [0, 1]; Grafana ignores the type otherwise`
    );
  }
  if (notices !== undefined) {
    if (!Array.isArray(notices)) {
      throw new FrameEncodeError(`${where}: meta.notices must be an array`);
    }
    notices.forEach((n, i) => {
      if (!isPlainObject(n) || !NOTICE_SEVERITIES.has(n.severity as string) || typeof n.text !== 'string') {
        throw new FrameEncodeError(`${where}: meta.notices[${i}] needs severity info|warning|error and a text string`);
      }
      if (n.link !== undefined && typeof n.link !== 'string') {
        throw new FrameEncodeError(`${where}: meta.notices[${i}].link must be a string`);
      }
    });
  }
  if (meta.custom !== undefined && !isPlainObject(meta.custom)) {
    throw new FrameEncodeError(`${where}: meta.custom must be an object`);
  }
  // typeVersion is always written (the Go SDK does too): [0, 0] means "no contract". Notices are
  // copied key by key: an unknown key the Go SDK cannot decode (e.g. a string `inspect`) would
  // make Grafana reject the whole frame.
  return {
    ...meta,
    typeVersion: typeVersion ?? NO_CONTRACT,
    ...(notices !== undefined && {
      notices: notices.map(({ severity, text, link }) => ({ severity, text, ...(link !== undefined && { link }) })),
    }),
  };
}
