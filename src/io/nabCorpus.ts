import type { NabFile } from '../model/eval/nab';
import { parseCsvSeries } from './csv';
import { InputError } from './errors';
import { parseNabTimestamp } from './timestamp';

/**
 * NAB corpus texts to scorer input. Pure: the caller reads labels/combined_windows.json and
 * data/<category>/<file>.csv (Node, a browser upload, a fixture) and passes their texts here.
 */

export interface NabCorpusFile extends NabFile {
  /** The series' values, for the detector under test. */
  values: Float64Array;
  timestamps: Float64Array;
  /** Empty until a detector fills one score per row. */
  scores: Float64Array;
}

export interface NabCorpusInput {
  /** Text of labels/combined_windows.json: {"<category>/<file>.csv": [[start, end], ...]}. */
  windowsJson: string;
  /** name is the key in windowsJson, e.g. "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv". */
  files: ReadonlyArray<{ name: string; csvText: string }>;
}

export function parseNabCorpus(input: NabCorpusInput): NabCorpusFile[] {
  const windows = parseWindowsJson(input.windowsJson);
  return input.files.map(({ name, csvText }) => {
    const fileWindows = windows.get(name);
    if (fileWindows === undefined) {
      throw new InputError(`combined_windows.json has no entry for ${name}`);
    }
    const series = parseCsvSeries(csvText, { source: name, duplicates: 'keep' });
    return {
      name,
      timestamps: series.t,
      values: series.v,
      scores: new Float64Array(0),
      windows: fileWindows,
    };
  });
}

function parseWindowsJson(text: string): Map<string, Array<[number, number]>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`combined_windows.json is not JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError('combined_windows.json must be an object of file name to windows');
  }
  const out = new Map<string, Array<[number, number]>>();
  for (const [name, list] of Object.entries(json as Record<string, unknown>)) {
    if (!Array.isArray(list)) {
      throw new InputError(`combined_windows.json: ${name} is not a list of windows`);
    }
    out.set(
      name,
      list.map((w: unknown, i) => {
        if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== 'string' || typeof w[1] !== 'string') {
          throw new InputError(`combined_windows.json: ${name} window ${i} is not [start, end]`);
        }
        try {
          return [parseNabTimestamp(w[0]), parseNabTimestamp(w[1])] as [number, number];
        } catch (e) {
          throw new InputError(`combined_windows.json: ${name} window ${i}: ${(e as Error).message}`);
        }
      })
    );
  }
  return out;
}

/**
 * A published results file ("timestamp,anomaly_score,...") to scores aligned with `file`'s rows.
 * Throws if the timestamps differ, since a shifted result would be scored against wrong windows.
 */
export function parseNabScores(file: { name: string; timestamps: ArrayLike<number> }, csvText: string): Float64Array {
  const series = parseCsvSeries(csvText, { valueColumn: 'anomaly_score', source: file.name, duplicates: 'keep' });
  const n = file.timestamps.length;
  if (series.t.length !== n) {
    throw new InputError(`${file.name}: results have ${series.t.length} rows, data has ${n}`);
  }
  for (let i = 0; i < n; i++) {
    if (series.t[i] !== file.timestamps[i]) {
      throw new InputError(
        `${file.name}: results row ${i} is at ${new Date(series.t[i]).toISOString()}, data row at ${new Date(file.timestamps[i]).toISOString()}`
      );
    }
  }
  return series.v;
}
