// Renders every NAB file's causal backtest (series, band, score, labelled windows) into one HTML
// report, to see where a model's false positives and misses come from.
import * as fs from 'fs';
import { loadNabCorpusDir } from '../../src/cli/nabCorpusFiles';
import { renderReport, type ReportSeries } from '../../src/cli/report';
import { backtest } from '../../src/model/engine/backtest';
import { resolveOptions } from '../../src/model/options';
import type { ModelKind } from '../../src/model/types';

const dir = process.env.VIGIL_NAB_DIR ?? '../shared/data/nab-dev';
const model = (process.argv[2] ?? 'auto') as ModelKind;
const out = process.argv[3] ?? `/tmp/nab-${model}.html`;
const filter = process.argv[4];
const series: ReportSeries[] = [];
for (const f of loadNabCorpusDir(dir)) {
  if (filter && !f.name.includes(filter)) {
    continue;
  }
  const r = backtest(
    { t: f.timestamps, v: f.values },
    {
      model,
      options: resolveOptions({ sensitivity: Number(process.env.SENS ?? 0.5) }),
      refitEveryMs: Number(process.env.REFIT_H ?? 24) * 3600e3,
    }
  );
  series.push({
    name: f.name,
    t: f.timestamps,
    value: f.values,
    expected: r.expected,
    lower: r.lower,
    upper: r.upper,
    score: r.score,
    incidents: f.windows.map(([a, b]) => ({ fromMs: a, toMs: b, label: 'window', shouldPage: true })),
    alerts: [],
    model: [...new Set(r.fits.map((x) => x.kind))].join('+'),
  });
}
fs.writeFileSync(out, renderReport({ title: `NAB ${model}`, generatedAt: '', model, series }));
console.log(out);
