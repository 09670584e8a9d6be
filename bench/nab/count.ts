// Rows scoring above LEVEL (default 1) outside the windows, per file (after the probation).
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { evaluateCorpus } from '../../src/model/eval/runCorpus';
import { probationLength } from '../../src/model/eval/nab';
import { resolveOptions } from '../../src/model/options';

const files = loadNabCorpusDir(process.env.VIGIL_NAB_DIR ?? '/work/shared/data/nab-dev');
const level = Number(process.env.LEVEL ?? 1);
const ev = evaluateCorpus(files, {
  model: 'auto',
  options: resolveOptions(),
  refitEveryMs: Number(process.env.REFIT_H ?? 6) * 3600e3,
});
for (const f of ev.files) {
  let c = 0;
  for (let i = probationLength(f.scores.length); i < f.scores.length; i++) {
    const inside = f.windows.some(([a, b]) => f.timestamps[i] >= a && f.timestamps[i] <= b);
    if (!inside && f.scores[i] / (1 - f.scores[i]) > level) {
      c++;
    }
  }
  console.log(`${String(c).padStart(4)} ${f.name}`);
}
