// Per labelled window: the highest contract score inside it and the row where the score first
// reaches LEVEL (default 1), with the NAB reward a detection there earns (1 at the window start).
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { evaluateCorpus } from '../../src/model/eval/runCorpus';
import { resolveOptions } from '../../src/model/options';
import type { ModelKind } from '../../src/model/types';

const dir = process.env.VIGIL_NAB_DIR ?? '/work/shared/data/nab-dev';
const files = loadNabCorpusDir(dir);
const model = (process.argv[2] ?? 'auto') as ModelKind;
const level = Number(process.env.LEVEL ?? 1);
const ev = evaluateCorpus(files, { model, options: resolveOptions(), refitEveryMs: 6 * 3600e3 });
for (const f of ev.files) {
  for (const [a, b] of f.windows) {
    let max = 0;
    let first = -1;
    let s0 = -1;
    let s1 = -1;
    for (let i = 0; i < f.timestamps.length; i++) {
      if (f.timestamps[i] < a || f.timestamps[i] > b) {
        continue;
      }
      if (s0 < 0) {
        s0 = i;
      }
      s1 = i;
      const s = f.scores[i] / (1 - f.scores[i]);
      if (s > max) {
        max = s;
      }
      if (first < 0 && s >= level) {
        first = i;
      }
    }
    const w = s1 - s0 + 1;
    const reward = first < 0 ? -1 : 2 / (1 + Math.exp(5 * (-(s1 - first + 1) / w))) - 1;
    console.log(
      `${max.toFixed(2).padStart(8)} first@${first < 0 ? '-' : first - s0} of ${w} reward ${(reward / 0.9866).toFixed(2)} ${f.name}`
    );
  }
}
