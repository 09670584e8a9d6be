// Per-file diagnostics of a model on the NAB split: max score inside windows vs outside.
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { backtest } from '../../src/model/engine/backtest';
import { resolveOptions } from '../../src/model/options';
import type { ModelKind } from '../../src/model/types';
import { probationLength } from '../../src/model/eval/nab';

const dir = process.env.VIGIL_NAB_DIR ?? '../shared/data/nab-dev';
const model = (process.argv[2] ?? 'auto') as ModelKind;
for (const f of loadNabCorpusDir(dir)) {
  const r = backtest({ t: f.timestamps, v: f.values }, { model, options: resolveOptions() });
  const prob = probationLength(f.timestamps.length);
  let inMax = 0;
  let outMax = 0;
  let outArg = -1;
  let nan = 0;
  for (let i = prob; i < f.timestamps.length; i++) {
    const s = r.score[i];
    if (!Number.isFinite(s)) {
      nan++;
      continue;
    }
    const t = f.timestamps[i];
    const inside = f.windows.some(([a, b]) => t >= a && t <= b);
    if (inside) {
      inMax = Math.max(inMax, s);
    } else if (s > outMax) {
      outMax = s;
      outArg = i;
    }
  }
  const kinds = [...new Set(r.fits.map((x) => x.kind))].join('+');
  console.log(
    `${inMax.toExponential(2).padStart(10)} ${outMax.toExponential(2).padStart(10)} @${outArg} nan=${nan} ${kinds} ${f.name}`
  );
}
