import * as fs from 'fs';
import * as path from 'path';
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { parseNabScores, type NabCorpusFile } from '../../src/io/nabCorpus';

/** The NAB development split: the shared folder beside the repo clone, or $VIGIL_NAB_DIR. */
export function nabDir(): string {
  const dir = process.env.VIGIL_NAB_DIR ?? path.resolve(__dirname, '../../../shared/data/nab-dev');
  if (!fs.existsSync(path.join(dir, 'labels', 'combined_windows.json'))) {
    throw new Error(
      `NAB corpus not found at ${dir} (expected labels/combined_windows.json there); set VIGIL_NAB_DIR to the nab-dev folder`
    );
  }
  return dir;
}

export function loadNabCorpus(dir = nabDir()): NabCorpusFile[] {
  return loadNabCorpusDir(dir);
}

/** The corpus with one published detector's scores filled in. */
export function withReferenceScores(corpus: NabCorpusFile[], detector: string, dir = nabDir()): NabCorpusFile[] {
  return corpus.map((file) => {
    const csv = fs.readFileSync(path.join(dir, 'reference-results', detector, file.name), 'utf8');
    return { ...file, scores: parseNabScores(file, csv) };
  });
}
