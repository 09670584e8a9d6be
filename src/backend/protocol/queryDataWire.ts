// QueryDataResponse written straight to protobuf bytes: the frames (the bulk of an answer, often
// hundreds of MB) are copied once, into the one buffer sized up front. protobufjs' fromObject +
// encode copied them into its own writer's chunks and then again into the finished buffer.
//
//   message QueryDataResponse { map<string, DataResponse> responses = 1; }  (entry: key = 1, value = 2)
//   message DataResponse { repeated bytes frames = 1; string error = 2; bytes jsonMeta = 3;
//                          int32 status = 4; string errorSource = 5; DataFrameFormat format = 6; }
// Proto3 defaults ('' , empty bytes, 0) are left out, as every protobuf encoder may; format stays
// ARROW (0) because older Grafana reads every frame as Arrow.
import type { DataResponse, QueryDataResponse } from './messages';

const LEN = 2; // wire type of length-delimited fields
const VARINT = 0;
const tag = (field: number, wire: number) => (field << 3) | wire;

interface EncodedResponse {
  key: Buffer;
  frames: readonly Uint8Array[];
  error: Buffer;
  jsonMeta: Uint8Array;
  status: number;
  errorSource: Buffer;
  /** Bytes of the DataResponse message. */
  size: number;
}

export function encodeQueryDataResponse(resp: QueryDataResponse): Buffer {
  const entries: EncodedResponse[] = Object.entries(resp.responses).map(([refId, r]) => prepare(refId, r));
  let total = 0;
  for (const e of entries) {
    const entry = entrySize(e);
    total += 1 + varintSize(entry) + entry;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  const varint = (v: number) => {
    // Non-negative below 2^53 (lengths) or an int32 status (negative: 10 bytes, two's complement).
    if (v < 0) {
      let lo = v >>> 0;
      for (let i = 0; i < 4; i++) {
        out[at++] = (lo & 0x7f) | 0x80;
        lo >>>= 7;
      }
      out[at++] = (lo & 0x0f) | 0x70 | 0x80;
      for (let i = 0; i < 4; i++) {
        out[at++] = 0xff;
      }
      out[at++] = 0x01;
      return;
    }
    while (v >= 0x80) {
      out[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    out[at++] = v;
  };
  const bytes = (field: number, b: Uint8Array) => {
    out[at++] = tag(field, LEN);
    varint(b.length);
    out.set(b, at);
    at += b.length;
  };
  for (const e of entries) {
    out[at++] = tag(1, LEN);
    varint(entrySize(e));
    bytes(1, e.key);
    out[at++] = tag(2, LEN);
    varint(e.size);
    for (const f of e.frames) {
      bytes(1, f);
    }
    if (e.error.length > 0) {
      bytes(2, e.error);
    }
    if (e.jsonMeta.length > 0) {
      bytes(3, e.jsonMeta);
    }
    if (e.status !== 0) {
      out[at++] = tag(4, VARINT);
      varint(e.status);
    }
    if (e.errorSource.length > 0) {
      bytes(5, e.errorSource);
    }
  }
  if (at !== total) {
    throw new Error(`QueryDataResponse size mismatch: wrote ${at} of ${total} bytes`);
  }
  return out;
}

function prepare(refId: string, r: DataResponse): EncodedResponse {
  const e: EncodedResponse = {
    key: Buffer.from(refId, 'utf8'),
    frames: r.frames ?? [],
    error: Buffer.from(r.error ?? '', 'utf8'),
    jsonMeta: r.jsonMeta ?? new Uint8Array(0),
    status: (r.status ?? 0) | 0,
    errorSource: Buffer.from(r.errorSource ?? '', 'utf8'),
    size: 0,
  };
  for (const f of e.frames) {
    if (!(f instanceof Uint8Array)) {
      throw new TypeError(`response ${JSON.stringify(refId)}: every frame must be bytes`);
    }
    e.size += field(f.length);
  }
  if (e.error.length > 0) {
    e.size += field(e.error.length);
  }
  if (e.jsonMeta.length > 0) {
    e.size += field(e.jsonMeta.length);
  }
  if (e.status !== 0) {
    e.size += 1 + (e.status < 0 ? 10 : varintSize(e.status));
  }
  if (e.errorSource.length > 0) {
    e.size += field(e.errorSource.length);
  }
  return e;
}

function entrySize(e: EncodedResponse): number {
  return field(e.key.length) + field(e.size);
}

/** A length-delimited field with a one-byte tag. */
function field(length: number): number {
  return 1 + varintSize(length) + length;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}
