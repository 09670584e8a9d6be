// Quick NAB check: all three profiles for the given model(s), optional per-file in/out maxima (PERFILE=1).
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { evaluateCorpus } from '../../src/model/eval/runCorpus';
import { backtest } from '../../src/model/engine/backtest';
import { probationLength } from '../../src/model/eval/nab';
import { resolveOptions } from '../../src/model/options';
import type { ModelKind } from '../../src/model/types';

const dir = process.env.VIGIL_NAB_DIR ?? '/work/shared/data/nab-dev';
const files = loadNabCorpusDir(dir);
for (const model of (process.argv[2] ?? 'auto').split(',') as ModelKind[]) {
  const t0 = Date.now();
  const ev = evaluateCorpus(files, {
    model,
    options: resolveOptions({ sensitivity: Number(process.env.SENS ?? 0.5) }),
    refitEveryMs: Number(process.env.REFIT_H ?? 24) * 3600e3,
  });
  const p = ev.profiles as Record<string, { normalised: number; threshold: number }>;
  const row = Object.entries(p).map(
    ([k, v]) => `${k.replace('reward_low_', '')}=${v.normalised.toFixed(1)}@${v.threshold.toFixed(3)}`
  );
  console.log(`${model.padEnd(9)} ${row.join('  ')}  (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  if (process.env.PERFILE) {
    const std = (ev.profiles as any).standard;
    for (const f of files) {
      const pf = std.perFile.find((x: any) => x.name === f.name);
      const r = backtest(
        { t: f.timestamps, v: f.values },
        {
          model,
          options: resolveOptions({ sensitivity: Number(process.env.SENS ?? 0.5) }),
          refitEveryMs: Number(process.env.REFIT_H ?? 24) * 3600e3,
        }
      );
      const prob = probationLength(f.timestamps.length);
      let inMax = 0,
        outMax = 0,
        outArg = -1,
        inArg = -1;
      for (let i = prob; i < f.timestamps.length; i++) {
        const s = r.score[i];
        if (!Number.isFinite(s)) {
          continue;
        }
        const t = f.timestamps[i];
        const inside = f.windows.some(([a, b]) => t >= a && t <= b);
        if (inside) {
          if (s > inMax) {
            inMax = s;
            inArg = i;
          }
        } else if (s > outMax) {
          outMax = s;
          outArg = i;
        }
      }
      const kinds = r.fits
        .filter((x) => !x.warmingUp)
        .map((x) => x.kind[0])
        .join('');
      console.log(
        `${inMax.toFixed(2).padStart(7)}@${String(inArg).padEnd(5)} ${outMax.toFixed(2).padStart(7)}@${String(outArg).padEnd(5)} raw=${pf.raw.toFixed(2).padStart(6)} tp=${pf.tp} fn=${pf.fn} fp=${String(pf.fp).padEnd(3)} ${f.name.replace(/^[a-zA-Z]*\//, '').padEnd(44)} ${kinds}`
      );
    }
  }
}
