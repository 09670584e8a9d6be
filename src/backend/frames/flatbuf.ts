// A minimal FlatBuffers writer for the few Arrow IPC tables the frame encoder needs (ipcFile.ts).
// It writes front to back: a table's vtable just before it, its inline fields, then what its
// offset fields point to, each after the field that refers to it (FlatBuffers offsets to
// strings, vectors and tables are unsigned, i.e. forward). Readers follow offsets and do not care
// about this order; the official builder writes back to front for reuse, which we do not need.

export type FbScalarKind = 'bool' | 'u8' | 'i16' | 'i32' | 'i64';

export interface FbScalar {
  kind: FbScalarKind;
  /** i64 values are non-negative and below 2^53 here (lengths, offsets). */
  value: number;
}

export interface FbRef {
  kind: 'ref';
  to: FbNode;
}

/** A table's fields by field id; undefined = absent (the reader's default). */
export type FbField = FbScalar | FbRef | undefined;

export type FbNode =
  | { node: 'table'; fields: readonly FbField[] }
  | { node: 'string'; value: string }
  | { node: 'tables'; items: readonly FbNode[] }
  /** A vector of structs, already laid out (little endian); 8-byte aligned elements. */
  | { node: 'structs'; count: number; bytes: Uint8Array };

const SIZE: Record<FbScalarKind, number> = { bool: 1, u8: 1, i16: 2, i32: 4, i64: 8 };
const TWO_32 = 4294967296;
const utf8 = new TextEncoder();

export const table = (...fields: FbField[]): FbNode => ({ node: 'table', fields });
export const str = (value: string): FbRef => ({ kind: 'ref', to: { node: 'string', value } });
export const ref = (to: FbNode): FbRef => ({ kind: 'ref', to });
export const tables = (items: readonly FbNode[]): FbRef => ref({ node: 'tables', items });
export const scalar = (kind: FbScalarKind, value: number): FbScalar => ({ kind, value });

/** Serialises `root` as a FlatBuffer, its length padded to a multiple of 8. */
export function finish(root: FbNode): Uint8Array {
  const w = new Writer();
  w.reserve(4);
  const at = w.node(root);
  w.u32(0, at);
  w.pad(8);
  return w.bytes();
}

class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private end = 0;

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.end);
  }

  /** Appends `n` zero bytes; returns where they start. */
  reserve(n: number): number {
    const at = this.end;
    if (at + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      grown.set(this.buf.subarray(0, at));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    this.end += n;
    return at;
  }

  pad(align: number): void {
    const extra = (align - (this.end % align)) % align;
    if (extra) {
      this.reserve(extra);
    }
  }

  u32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  node(n: FbNode): number {
    switch (n.node) {
      case 'table':
        return this.table(n.fields);
      case 'string': {
        // Encoded in place: room for the worst case (3 bytes per UTF-16 unit), then trimmed. The
        // trimmed bytes were never written, so they stay zero (the terminator included).
        this.pad(4);
        const room = 4 + 3 * n.value.length + 1;
        const at = this.reserve(room);
        const { written } = utf8.encodeInto(n.value, this.buf.subarray(at + 4, at + room - 1));
        this.u32(at, written);
        this.end = at + 4 + written + 1;
        return at;
      }
      case 'tables': {
        this.pad(4);
        const at = this.reserve(4 + 4 * n.items.length);
        this.u32(at, n.items.length);
        n.items.forEach((item, i) => {
          const slot = at + 4 + 4 * i;
          this.u32(slot, this.node(item) - slot);
        });
        return at;
      }
      case 'structs': {
        // The elements (after the u32 count) start 8-aligned.
        while ((this.end + 4) % 8 !== 0) {
          this.reserve(1);
        }
        const at = this.reserve(4 + n.bytes.length);
        this.u32(at, n.count);
        this.buf.set(n.bytes, at + 4);
        return at;
      }
    }
  }

  private table(fields: readonly FbField[]): number {
    // Inline layout: the soffset to the vtable, then each present field at its natural alignment
    // (the table starts 8-aligned, so alignment within it is alignment in the buffer).
    const offsets = new Array<number>(fields.length).fill(0);
    let size = 4;
    fields.forEach((f, i) => {
      if (f) {
        const s = f.kind === 'ref' ? 4 : SIZE[f.kind];
        size = Math.ceil(size / s) * s;
        offsets[i] = size;
        size += s;
      }
    });
    this.pad(2);
    const vt = this.reserve(4 + 2 * fields.length);
    this.view.setUint16(vt, 4 + 2 * fields.length, true);
    this.view.setUint16(vt + 2, size, true);
    offsets.forEach((o, i) => this.view.setUint16(vt + 4 + 2 * i, o, true));
    this.pad(8);
    const at = this.reserve(size);
    this.view.setInt32(at, at - vt, true);
    fields.forEach((f, i) => {
      if (!f || f.kind === 'ref') {
        return;
      }
      const p = at + offsets[i];
      switch (f.kind) {
        case 'bool':
        case 'u8':
          this.view.setUint8(p, f.value);
          break;
        case 'i16':
          this.view.setInt16(p, f.value, true);
          break;
        case 'i32':
          this.view.setInt32(p, f.value, true);
          break;
        case 'i64':
          writeI64(this.view, p, f.value);
          break;
      }
    });
    fields.forEach((f, i) => {
      if (f?.kind === 'ref') {
        const p = at + offsets[i];
        this.u32(p, this.node(f.to) - p);
      }
    });
    return at;
  }
}

/** A non-negative integer below 2^53 as a little-endian int64. */
export function writeI64(view: DataView, at: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  view.setUint32(at, v - hi * TWO_32, true);
  view.setUint32(at + 4, hi, true);
}
