// Rows FROM..TO of one NAB file: value, and expected/score of auto and its members (6 h refits).
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { backtest } from '../../src/model/engine/backtest';
import { resolveOptions } from '../../src/model/options';

const dir = process.env.VIGIL_NAB_DIR ?? '/work/shared/data/nab-dev';
const [filter, from, to, step] = process.argv.slice(2);
const f = loadNabCorpusDir(dir).find((x) => x.name.includes(filter))!;
const cfg = (model: any) => ({
  model,
  options: resolveOptions(),
  refitEveryMs: Number(process.env.REFIT_H ?? 6) * 3600e3,
});
const rs = ['auto', 'seasonal', 'adaptive'].map((m) => backtest({ t: f.timestamps, v: f.values }, cfg(m)));
for (let i = Number(from); i <= Number(to); i += Number(step ?? 1)) {
  const cells = rs.map((r) => `${r.expected[i].toPrecision(4).padStart(9)} ${r.score[i].toFixed(2).padStart(6)}`);
  console.log(
    `${i} ${new Date(f.timestamps[i]).toISOString().slice(5, 16)} ${f.values[i].toPrecision(4).padStart(9)} | ${cells.join(' | ')}`
  );
}
