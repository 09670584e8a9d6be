// Per-file diagnostics for config overrides: max score in windows (and its first crossing row), out-of-window rows above levels.
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { DEFAULT_ADAPTIVE_CONFIG } from '../../src/model/adaptive/adaptive';
import { backtest } from '../../src/model/engine/backtest';
import { probationLength } from '../../src/model/eval/nab';
import { resolveOptions } from '../../src/model/options';
import type { ModelKind } from '../../src/model/types';

const dir = process.env.VIGIL_NAB_DIR ?? '../shared/data/nab-dev';
const model = (process.env.MODEL ?? 'adaptive') as ModelKind;
Object.assign(DEFAULT_ADAPTIVE_CONFIG, JSON.parse(process.argv[2] ?? '{}'));
const levels = [1, 1.5, 2, 3, 5];
for (const f of loadNabCorpusDir(dir)) {
  if (process.argv[3] && !f.name.includes(process.argv[3])) {
    continue;
  }
  const r = backtest({ t: f.timestamps, v: f.values }, { model, options: resolveOptions() });
  const prob = probationLength(f.timestamps.length);
  const inMax = f.windows.map(() => 0);
  const counts = levels.map(() => 0);
  let outMax = 0,
    outArg = -1;
  for (let i = prob; i < f.timestamps.length; i++) {
    const s = r.score[i];
    if (!Number.isFinite(s)) {
      continue;
    }
    const t = f.timestamps[i];
    const w = f.windows.findIndex(([a, b]) => t >= a && t <= b);
    if (w >= 0) {
      inMax[w] = Math.max(inMax[w], s);
    } else {
      levels.forEach((l, j) => {
        if (s > l) {
          counts[j]++;
        }
      });
      if (s > outMax) {
        outMax = s;
        outArg = i;
      }
    }
  }
  const kinds = [...new Set(r.fits.map((x) => x.kind))].join('+');
  console.log(
    `in [${inMax.map((x) => x.toFixed(2)).join(' ')}]`.padEnd(28) +
      ` out ${outMax.toFixed(2).padStart(6)}@${String(outArg).padEnd(5)} >${levels.join('/')}: ${counts.join('/')}`.padEnd(
        44
      ) +
      ` ${kinds} ${f.name.replace(/^.*\//, '')}`
  );
}
