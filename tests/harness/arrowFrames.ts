// Grafana's server turns a backend's Arrow frames into the JSON its frontend reads
// (/api/ds/query → results[refId].frames[] as {schema, data}). The harness does the same so the
// data source's query path sees what it would see in Grafana.
import { tableFromIPC, Type } from 'apache-arrow';

export interface FrameJSON {
  schema: {
    name?: string;
    refId?: string;
    meta?: unknown;
    fields: Array<{ name: string; type: string; labels?: Record<string, string>; config?: unknown }>;
  };
  data: { values: unknown[][] };
}

function fieldType(typeId: Type): string {
  switch (typeId) {
    case Type.Timestamp:
      return 'time';
    case Type.Float:
    case Type.Int:
      return 'number';
    case Type.Bool:
      return 'boolean';
    default:
      return 'string';
  }
}

function parseJSON(text: string | undefined): unknown {
  return text === undefined || text === '' ? undefined : JSON.parse(text);
}

export function arrowToFrameJSON(bytes: Uint8Array): FrameJSON {
  const table = tableFromIPC(bytes);
  const md = table.schema.metadata;
  const fields = table.schema.fields.map((f, i) => {
    const type = fieldType(f.typeId);
    const column = table.getChildAt(i);
    const values: unknown[] = [];
    for (let r = 0; r < table.numRows; r++) {
      const v = column?.get(r);
      values.push(type === 'time' ? Number(v) : typeof v === 'bigint' ? Number(v) : v);
    }
    return {
      schema: {
        name: f.name,
        type,
        ...(f.metadata.get('labels') && { labels: parseJSON(f.metadata.get('labels')) as Record<string, string> }),
        ...(f.metadata.get('config') && { config: parseJSON(f.metadata.get('config')) }),
      },
      values,
    };
  });
  return {
    schema: {
      name: md.get('name') || undefined,
      refId: md.get('refId'),
      meta: parseJSON(md.get('meta')),
      fields: fields.map((f) => f.schema),
    },
    data: { values: fields.map((f) => f.values) },
  };
}
