import { ConfigError, parseExporterConfig } from './config';

const valid = {
  prometheus: { url: 'http://prom:9090', timeout: '10s', headers: { 'X-Scope-OrgID': 'a' } },
  store: '/var/lib/vigil/serve.db',
  interval: '30s',
  queries: [
    { name: 'latency', expr: 'rate(x[5m])', model: 'auto', step: '1m', options: { trainingWindow: '7d' } },
    { name: 'errors', expr: 'sum(errors)', model: 'zscore' },
  ],
};

function problems(config: unknown): string {
  try {
    parseExporterConfig(JSON.stringify(config), 'serve.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseExporterConfig', () => {
  it('reads a configuration, with the defaults where it is silent', () => {
    const c = parseExporterConfig(JSON.stringify(valid));
    expect(c.prometheus).toEqual({ url: 'http://prom:9090', timeoutMs: 10_000, headers: { 'X-Scope-OrgID': 'a' } });
    expect(c.storePath).toBe('/var/lib/vigil/serve.db');
    expect(c.intervalMs).toBe(30_000);
    expect(c.retrainEveryMs).toBe(6 * 3600_000);
    expect(c.queries.map((q) => [q.name, q.valid.query.model, q.stepMs])).toEqual([
      ['latency', 'auto', 60_000],
      // No step: the interval.
      ['errors', 'zscore', 30_000],
    ]);
    expect(c.queries[0].valid.modelOptions.trainingWindowMs).toBe(7 * 24 * 3600_000);
    expect(parseExporterConfig(JSON.stringify({ ...valid, retrainEvery: 'off' })).retrainEveryMs).toBe(0);
  });

  it('reports every problem at once, each with where it is', () => {
    const text = problems({
      prometheus: { url: 'prom:9090', timeout: 'soon' },
      colour: 'blue',
      retrainEvery: 'daily',
      queries: [
        { name: 'a', expr: 'up', model: 'magic' },
        { name: 'a', expr: 'sum(up', model: 'auto', options: { sensitivity: -1 } },
        { name: '9lives', expr: 'up', model: 'auto' },
        'up',
      ],
    });
    expect(text).toMatch(/^serve\.json has \d+ problem\(s\):/);
    for (const part of [
      'colour: unknown key',
      'prometheus.url: a URL such as http://localhost:9090 is required',
      'prometheus.timeout: "soon" is not a duration',
      'retrainEvery: retrainEvery',
      'queries[0].model',
      'queries[1].name: a is used twice',
      'queries[1].options.sensitivity',
      'queries[2].name: required',
      'queries[3]: must be an object',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('refuses what is not a configuration', () => {
    expect(() => parseExporterConfig('{"queries": [', 'x.json')).toThrow(/x\.json is not valid JSON/);
    expect(problems([])).toMatch(/must be a JSON object/);
    expect(problems({ prometheus: { url: 'http://p:9090' }, queries: [] })).toMatch(/queries: a non-empty list/);
  });
});
