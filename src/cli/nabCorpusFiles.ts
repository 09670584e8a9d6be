import * as fs from 'fs';
import * as path from 'path';
import { parseNabCorpus, type NabCorpusFile } from '../io/nabCorpus';
import { UsageError } from './args';
import { readText } from './files';

/** Reads a NAB-format corpus folder: labels/combined_windows.json and data/<category>/<file>.csv. */
export function loadNabCorpusDir(dir: string): NabCorpusFile[] {
  const windowsPath = path.join(dir, 'labels', 'combined_windows.json');
  if (!fs.existsSync(windowsPath)) {
    throw new UsageError(`${dir} is not a NAB corpus: ${windowsPath} is missing`);
  }
  const windowsJson = readText(windowsPath, 'labels');
  let names: string[];
  try {
    names = Object.keys(JSON.parse(windowsJson) as Record<string, unknown>).sort();
  } catch (e) {
    throw new UsageError(`${windowsPath} is not valid JSON: ${(e as Error).message}`);
  }
  return parseNabCorpus({
    windowsJson,
    files: names.map((name) => ({ name, csvText: readText(path.join(dir, 'data', name), 'corpus file') })),
  });
}
