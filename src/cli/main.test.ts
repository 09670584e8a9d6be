import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from './main';

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(
    argv,
    (s) => out.push(s),
    (s) => err.push(s)
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function tmp(name: string, text?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
  const file = path.join(dir, name);
  if (text !== undefined) {
    fs.writeFileSync(file, text);
  }
  return file;
}

function csvSeries(n: number): string {
  const rows = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString();
    rows.push(`${t},${(50 + 10 * Math.sin(i / 20) + (i === n - 20 ? 90 : 0)).toFixed(3)}`);
  }
  return rows.join('\n');
}

describe('vigil CLI', () => {
  it('backtests a CSV into the documented columns', () => {
    const input = tmp('in.csv', csvSeries(600));
    const output = tmp('out.csv');
    const r = run(['backtest', '--input', input, '--output', output, '--model', 'zscore']);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(output, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,expected,lower,upper,score,anomaly_score');
    expect(lines).toHaveLength(601);
    const spike = lines[600 - 20 + 1].split(',');
    expect(Number(spike[5])).toBeGreaterThan(1);
    expect(Number(spike[6])).toBeGreaterThan(0.5);
    expect(Number(spike[6])).toBeLessThanOrEqual(1);
  });

  it('reads a Prometheus query_range response with several series', () => {
    const values = Array.from({ length: 300 }, (_, i) => [1_700_000_000 + i * 60, String(10 + (i % 7))]);
    const body = {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          { metric: { __name__: 'up', job: 'a' }, values },
          { metric: { __name__: 'up', job: 'b' }, values },
        ],
      },
    };
    const input = tmp('q.json', JSON.stringify(body));
    const output = tmp('out.csv');
    const r = run(['backtest', '--input', input, '--output', output]);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(output, 'utf8').trim().split('\n');
    expect(lines[0].startsWith('series,timestamp,')).toBe(true);
    expect(lines).toHaveLength(601);
  });

  it.each([
    [['backtest', '--output', 'x.csv', '--input', '/nonexistent/file.csv'], /cannot read input .*no such file/, 2],
    [['backtest', '--input', 'a.csv'], /missing required option --output/, 2],
    [['backtest', '--inptu', 'a.csv'], /unknown option --inptu/, 2],
    [['backtest', '--input', 'a', '--output', 'b', '--model', 'lstm'], /unknown model "lstm"/, 2],
    [
      ['backtest', '--input', 'a', '--output', 'b', '--sensitivity', '7'],
      /sensitivity must be a number from 0 to 1/,
      2,
    ],
    [['backtest', '--input', 'a', '--output', 'b', '--training-window', 'forever'], /invalid duration/, 2],
    [['frobnicate'], /unknown command "frobnicate"/, 2],
    [['eval', '--corpus', '/nonexistent'], /is not a NAB corpus/, 2],
  ])('rejects %j with a clear message', (argv, message, code) => {
    const r = run(argv as string[]);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
  });

  it('reports a malformed CSV row with its line number and exit code 1', () => {
    const input = tmp('bad.csv', 'timestamp,value\n2024-01-01T00:00:00Z,1\nnot-a-time,2\n');
    const r = run(['backtest', '--input', input, '--output', tmp('o.csv')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 3/);
  });

  it('refuses a CSV with a header and no rows, and writes nothing', () => {
    const output = tmp('o.csv');
    const r = run(['backtest', '--input', tmp('empty.csv', 'timestamp,value\n'), '--output', output]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/empty\.csv: no data rows/);
    expect(fs.existsSync(output)).toBe(false);
  });

  it('prints help per command', () => {
    const r = run(['backtest', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--sensitivity/);
  });
});
