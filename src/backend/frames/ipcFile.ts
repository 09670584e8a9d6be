// One record batch as an Arrow IPC *file*, written directly: magic, the schema message, one
// record batch message and its body, the footer, magic. The four column types the frame encoder
// emits are all it knows. Written by hand because apache-arrow's tableToIPC (Table, Visitor,
// assembler objects per frame) was the largest cost of a QueryData answer of thousands of frames;
// encode.test.ts checks that both decode to the same frames.
//
// Layout (https://arrow.apache.org/docs/format/Columnar.html#ipc-file-format):
//   "ARROW1\0\0" | 0xFFFFFFFF, int32 len, Message{Schema} | 0xFFFFFFFF, int32 len,
//   Message{RecordBatch}, body | Footer{Schema, recordBatches: [Block]} | int32 footer len | "ARROW1"
import { finish, ref, scalar, str, table, tables, writeI64, type FbNode } from './flatbuf';

export type IpcType = 'timestamp-ns' | 'float64' | 'utf8' | 'bool';

export interface IpcColumn {
  name: string;
  type: IpcType;
  nullable: boolean;
  metadata: ReadonlyMap<string, string>;
  length: number;
  nullCount: number;
  /** The validity bitmap, or undefined when there is no null. */
  validity?: Uint8Array;
  /** The type's other buffers in Arrow order: values (timestamp, float64, bool bits); offsets then bytes (utf8). */
  buffers: readonly Uint8Array[];
}

const MAGIC = new TextEncoder().encode('ARROW1');
const CONTINUATION = 0xffffffff;
const METADATA_V5 = 4;
const HEADER_SCHEMA = 1;
const HEADER_RECORD_BATCH = 3;
const TYPE_ID: Record<IpcType, number> = { 'timestamp-ns': 10, float64: 3, utf8: 5, bool: 6 };
const TIME_UNIT_NANOSECOND = 3;
const PRECISION_DOUBLE = 2;

/** The IPC file of one record batch of `columns` (all of the same length, `length` rows). */
export function ipcFile(
  columns: readonly IpcColumn[],
  length: number,
  metadata: ReadonlyMap<string, string>
): Uint8Array {
  const schema = schemaTable(columns, metadata);

  // Body: every buffer 8-aligned; FieldNode and Buffer structs (16 bytes each) describe it.
  const nodes = new Uint8Array(16 * columns.length);
  const nodeView = new DataView(nodes.buffer);
  const parts: Uint8Array[] = [];
  let bodyLength = 0;
  columns.forEach((c, i) => {
    writeI64(nodeView, 16 * i, c.length);
    writeI64(nodeView, 16 * i + 8, c.nullCount);
    parts.push(c.validity && c.nullCount > 0 ? c.validity : EMPTY, ...c.buffers);
  });
  const buffers = new Uint8Array(16 * parts.length);
  const bufferView = new DataView(buffers.buffer);
  parts.forEach((p, i) => {
    writeI64(bufferView, 16 * i, bodyLength);
    writeI64(bufferView, 16 * i + 8, p.length);
    bodyLength += pad8(p.length);
  });

  const schemaMessage = finish(
    table(scalar('i16', METADATA_V5), scalar('u8', HEADER_SCHEMA), ref(schema), scalar('i64', 0))
  );
  const batch = table(
    scalar('i64', length),
    ref({ node: 'structs', count: columns.length, bytes: nodes }),
    ref({ node: 'structs', count: parts.length, bytes: buffers })
  );
  const batchMessage = finish(
    table(scalar('i16', METADATA_V5), scalar('u8', HEADER_RECORD_BATCH), ref(batch), scalar('i64', bodyLength))
  );

  const batchOffset = 8 + 8 + schemaMessage.length;
  const batchMetaLength = 8 + batchMessage.length;
  const block = new Uint8Array(24);
  const blockView = new DataView(block.buffer);
  writeI64(blockView, 0, batchOffset);
  blockView.setInt32(8, batchMetaLength, true);
  writeI64(blockView, 16, bodyLength);
  const footer = finish(
    table(
      scalar('i16', METADATA_V5),
      ref(schema),
      ref({ node: 'structs', count: 0, bytes: EMPTY }),
      ref({ node: 'structs', count: 1, bytes: block })
    )
  );

  const total = batchOffset + batchMetaLength + bodyLength + footer.length + 4 + MAGIC.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  let at = 8;
  const message = (fb: Uint8Array) => {
    view.setUint32(at, CONTINUATION, true);
    view.setInt32(at + 4, fb.length, true);
    out.set(fb, at + 8);
    at += 8 + fb.length;
  };
  message(schemaMessage);
  message(batchMessage);
  for (const p of parts) {
    out.set(p, at);
    at += pad8(p.length);
  }
  out.set(footer, at);
  at += footer.length;
  view.setInt32(at, footer.length, true);
  out.set(MAGIC, at + 4);
  return out;
}

const EMPTY = new Uint8Array(0);

function pad8(n: number): number {
  return (n + 7) & ~7;
}

function schemaTable(columns: readonly IpcColumn[], metadata: ReadonlyMap<string, string>): FbNode {
  return table(
    scalar('i16', 0), // little endian
    tables(columns.map(fieldTable)),
    tables(keyValues(metadata))
  );
}

function fieldTable(c: IpcColumn): FbNode {
  return table(
    str(c.name),
    scalar('bool', c.nullable ? 1 : 0),
    scalar('u8', TYPE_ID[c.type]),
    ref(typeTable(c.type)),
    undefined, // dictionary
    tables([]), // children
    tables(keyValues(c.metadata))
  );
}

function typeTable(type: IpcType): FbNode {
  switch (type) {
    case 'timestamp-ns':
      return table(scalar('i16', TIME_UNIT_NANOSECOND));
    case 'float64':
      return table(scalar('i16', PRECISION_DOUBLE));
    case 'utf8':
    case 'bool':
      return table();
  }
}

function keyValues(metadata: ReadonlyMap<string, string>): FbNode[] {
  return [...metadata].map(([k, v]) => table(str(k), str(v)));
}
