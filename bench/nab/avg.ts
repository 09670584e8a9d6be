// NAB figures averaged over three refit schedules (5, 6, 7 h), as the comparisons in the commit
// history are made; PERFILE=1 adds each file's standard-profile raw score, hits and false positives
// at the corpus threshold of the 6 h schedule.
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { evaluateCorpus } from '../../src/model/eval/runCorpus';
import { resolveOptions } from '../../src/model/options';
import type { ModelKind } from '../../src/model/types';

const dir = process.env.VIGIL_NAB_DIR ?? '/work/shared/data/nab-dev';
const files = loadNabCorpusDir(dir);
const model = (process.argv[2] ?? 'auto') as ModelKind;
const hours = (process.env.HOURS ?? '5,6,7').split(',').map(Number);
const sums: Record<string, number> = {};
const cells: string[] = [];
for (const h of hours) {
  const ev = evaluateCorpus(files, { model, options: resolveOptions(), refitEveryMs: h * 3600e3 });
  const p = ev.profiles as Record<string, any>;
  const row: string[] = [];
  for (const [k, v] of Object.entries(p)) {
    sums[k] = (sums[k] ?? 0) + v.normalised / hours.length;
    row.push(v.normalised.toFixed(1));
  }
  cells.push(`${h}h ${row.join('/')}`);
  if (process.env.PERFILE && h === Number(process.env.PH ?? 6)) {
    for (const pf of p.standard.perFile) {
      console.log(`${pf.raw.toFixed(2).padStart(6)} tp=${pf.tp} fn=${pf.fn} fp=${String(pf.fp).padEnd(3)} ${pf.name}`);
    }
  }
}
console.log(
  `${model} mean ${Object.values(sums)
    .map((x) => x.toFixed(2))
    .join(' / ')}   (${cells.join(', ')})`
);
