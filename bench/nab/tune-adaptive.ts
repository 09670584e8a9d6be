// Ablation/tuning harness for the adaptive detector: NAB figures for config overrides given as JSON.
// Usage: node /tmp/ta.js '{"alpha":0.05}' '{"shiftRun":0}' ...   (each argument one run)
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { DEFAULT_ADAPTIVE_CONFIG } from '../../src/model/adaptive/adaptive';
import { evaluateCorpus } from '../../src/model/eval/runCorpus';
import { resolveOptions } from '../../src/model/options';
import type { ModelKind } from '../../src/model/types';

const dir = process.env.VIGIL_NAB_DIR ?? '../shared/data/nab-dev';
const model = (process.env.MODEL ?? 'adaptive') as ModelKind;
const files = loadNabCorpusDir(dir);
const base = { ...DEFAULT_ADAPTIVE_CONFIG };
const runs = process.argv.length > 2 ? process.argv.slice(2) : ['{}'];
for (const arg of runs) {
  Object.assign(DEFAULT_ADAPTIVE_CONFIG, base, JSON.parse(arg));
  const ev = evaluateCorpus(files, { model, options: resolveOptions() });
  const p = ev.profiles;
  const f = (k: string) => `${p[k].normalised.toFixed(1)}`;
  const s = p.standard;
  console.log(
    `${arg.padEnd(40)} std ${f('standard')} lowFP ${f('reward_low_FP_rate')} lowFN ${f('reward_low_FN_rate')}  (tp ${s.tp} fn ${s.fn} fp ${s.fp} T ${s.threshold.toFixed(4)})`
  );
  if (process.env.PERFILE) {
    for (const r of s.perFile) {
      console.log(`   ${r.raw.toFixed(2).padStart(7)} tp ${r.tp} fn ${r.fn} fp ${r.fp} ${r.name}`);
    }
  }
}
