// Where a model's false positives are: per file, the runs of rows above the corpus's standard
// threshold outside the windows (start row, length, peak score, hours since the previous row above it).
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { evaluateCorpus } from '../../src/model/eval/runCorpus';
import { probationLength } from '../../src/model/eval/nab';
import { resolveOptions } from '../../src/model/options';
import type { ModelKind } from '../../src/model/types';

const dir = process.env.VIGIL_NAB_DIR ?? '/work/shared/data/nab-dev';
const files = loadNabCorpusDir(dir);
const model = (process.argv[2] ?? 'auto') as ModelKind;
const ev = evaluateCorpus(files, {
  model,
  options: resolveOptions(),
  refitEveryMs: Number(process.env.REFIT_H ?? 6) * 3600e3,
});
const T = process.env.T ? Number(process.env.T) : (ev.profiles as any)[process.env.PROFILE ?? 'standard'].threshold;
console.log('threshold', T);
for (const f of ev.files) {
  const prob = probationLength(f.timestamps.length);
  const inW = (t: number) => f.windows.some(([a, b]) => t >= a && t <= b);
  let lastAbove = -1;
  const runs: string[] = [];
  const hits: string[] = [];
  for (let i = prob; i < f.scores.length; i++) {
    if (!(f.scores[i] >= T)) {
      continue;
    }
    const gapH = lastAbove < 0 ? Infinity : (f.timestamps[i] - f.timestamps[lastAbove]) / 3600e3;
    if (inW(f.timestamps[i])) {
      if (lastAbove !== i - 1) {
        hits.push(`${i}`);
      }
    } else if (lastAbove !== i - 1) {
      let j = i;
      let peak = 0;
      while (j < f.scores.length && f.scores[j] >= T && !inW(f.timestamps[j])) {
        peak = Math.max(peak, f.scores[j]);
        j++;
      }
      runs.push(`${i}+${j - i}(${(peak / (1 - peak)).toFixed(1)},gap ${gapH.toFixed(1)}h)`);
    }
    lastAbove = i;
  }
  const wins = f.windows.map(
    ([a, b]) => `${f.timestamps.findIndex((t) => t >= a)}-${f.timestamps.findIndex((t) => t >= b)}`
  );
  console.log(
    `${f.name.replace(/^.*\//, '')} n=${f.scores.length} prob=${prob} win=[${wins.join(' ')}] hits@${hits.join(',')}\n   FP: ${runs.join(' ')}`
  );
}
