import { evaluateCorpus } from '../../model/eval/runCorpus';
import { type FlagSpec, type ParsedArgs, requiredFlag } from '../args';
import { loadNabCorpusDir } from '../nabCorpusFiles';
import { MODEL_FLAGS, readModelFlags } from '../modelFlags';

export const EVAL_FLAGS: Record<string, FlagSpec> = {
  corpus: { value: true, help: 'NAB-format folder (data/, labels/combined_windows.json)' },
  json: { value: false, help: 'print the results as JSON' },
  'per-file': { value: false, help: "also list each file's raw score and detections (standard profile)" },
  ...MODEL_FLAGS,
};

/** Backtests every corpus file with one configuration and prints the NAB scores. */
export function runEval(args: ParsedArgs, log: (line: string) => void): void {
  const dir = requiredFlag(args, 'corpus');
  const choice = readModelFlags(args);
  const corpus = loadNabCorpusDir(dir);
  const started = Date.now();
  const { profiles } = evaluateCorpus(corpus, {
    model: choice.model,
    options: choice.options,
    refitEveryMs: choice.refitEveryMs,
  });
  const seconds = (Date.now() - started) / 1000;
  if (args.flags.has('json')) {
    const summary = Object.fromEntries(
      Object.entries(profiles).map(([name, p]) => [
        name,
        { normalised: p.normalised, raw: p.raw, threshold: p.threshold, tp: p.tp, fp: p.fp, fn: p.fn },
      ])
    );
    log(JSON.stringify({ model: choice.model, files: corpus.length, seconds, profiles: summary }, null, 2));
    return;
  }
  log(`NAB scores for model ${choice.model} on ${corpus.length} files (${seconds.toFixed(1)} s, causal)`);
  log('profile               normalised   threshold   windows hit   missed   false-positive rows');
  for (const [name, p] of Object.entries(profiles)) {
    log(
      `${name.padEnd(22)}${p.normalised.toFixed(1).padStart(10)}   ${p.threshold.toFixed(4).padStart(9)}   ${String(p.tp).padStart(11)}   ${String(p.fn).padStart(6)}   ${String(p.fp).padStart(19)}`
    );
  }
  if (args.flags.has('per-file')) {
    log('');
    for (const f of profiles.standard.perFile) {
      log(`${f.raw.toFixed(3).padStart(8)}  hit ${f.tp} missed ${f.fn} fp ${String(f.fp).padStart(4)}  ${f.name}`);
    }
  }
}
