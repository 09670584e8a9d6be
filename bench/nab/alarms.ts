// Diagnostic: every point scoring > 1 after probation, in or out of a labelled window, with its value, expected value and band (argv[2]: file name filter; model auto, default refit schedule).
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { backtest } from '../../src/model/engine/backtest';
import { probationLength } from '../../src/model/eval/nab';
import { resolveOptions } from '../../src/model/options';

const dir = process.env.VIGIL_NAB_DIR ?? '/work/shared/data/nab-dev';
for (const f of loadNabCorpusDir(dir)) {
  if (process.argv[2] && !f.name.includes(process.argv[2])) {
    continue;
  }
  const r = backtest({ t: f.timestamps, v: f.values }, { model: 'auto', options: resolveOptions() });
  const prob = probationLength(f.timestamps.length);
  for (let i = prob; i < f.values.length; i++) {
    if (r.score[i] > 1) {
      const inside = f.windows.some(([a, b]) => f.timestamps[i] >= a && f.timestamps[i] <= b);
      const g = (x: number) => x.toExponential(2).padStart(10);
      console.log(
        String(i).padStart(5),
        inside ? 'IN ' : 'out',
        g(f.values[i]),
        'e',
        g(r.expected[i]),
        'band',
        g(r.lower[i]),
        g(r.upper[i]),
        's',
        r.score[i].toFixed(2)
      );
    }
  }
}
