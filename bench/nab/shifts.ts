// Level shifts the seasonal fit finds in its training window, refit by refit, for one NAB file:
// bench/nab/shifts.ts FILTER [EVERY_H=6]. Prints the cut times and the fitted band (kUpper/kLower x
// median scale) with and without shift alignment.
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { resolveOptions } from '../../src/model/options';
import { fitSeasonal } from '../../src/model/seasonal/seasonal';
import { binOf, decompose } from '../../src/model/seasonal/decompose';
import { levelShifts } from '../../src/model/seasonal/shifts';
import { describeTraining } from '../../src/model/training';

const dir = process.env.VIGIL_NAB_DIR ?? '/work/shared/data/nab-dev';
const [filter, everyH] = process.argv.slice(2);
const f = loadNabCorpusDir(dir).find((x) => x.name.includes(filter))!;
const options = resolveOptions();
const every = Number(everyH ?? 6) * 3600e3;
const T = Float64Array.from(f.timestamps);
const V = Float64Array.from(f.values);
const iso = (ms: number) => new Date(ms).toISOString().slice(5, 16);
const med = (a: Float64Array) => Float64Array.from(a).sort()[a.length >> 1];
for (let now = T[0] + 2 * 86400e3; now <= T[T.length - 1]; now += every) {
  let i = 0;
  while (i < T.length && T[i] < now) {
    i++;
  }
  let s = 0;
  while (T[s] < now - options.trainingWindowMs) {
    s++;
  }
  const train = { t: T.subarray(s, i), v: V.subarray(s, i) };
  const m = fitSeasonal(train, options);
  const p = m.params;
  const d0 = decompose(train, p.periodMs, p.nBins, describeTraining(train).toMs, false);
  // Residuals of the unaligned fit without its trend, as decompose feeds them to the detector.
  const r = new Float64Array(train.t.length);
  const binMs = p.nBins > 1 ? p.periodMs / p.nBins : 1;
  for (let k = 0; k < r.length; k++) {
    r[k] = train.v[k] - d0.level - d0.profile[binOf(train.t[k], p.periodMs, binMs, p.nBins)];
  }
  const ls = levelShifts(train.t, r);
  const sc = med(p.scale);
  console.log(
    `${iso(now)} ${p.seasonality.padEnd(6)} lvl ${p.level.toPrecision(4).padStart(7)} (was ${d0.level.toPrecision(4).padStart(7)}) band +${(p.kUpper * sc).toPrecision(3)} -${(p.kLower * sc).toPrecision(3)}  cuts ${ls ? ls.at.map(iso).join(',') : '-'}`
  );
}
