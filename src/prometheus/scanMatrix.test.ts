import { decodeQueryRange } from './decode';
import { scanMatrix } from './scanMatrix';

type Item = { metric: Record<string, string>; values?: Array<[number, string]>; histograms?: unknown[] };

/** A body as Prometheus writes it: compact JSON, keys in its order. */
function body(result: Item[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result }, ...extra });
}

/** The scan must give exactly what the careful decoder gives. */
function expectSameAsDecoder(text: string) {
  const scanned = scanMatrix(text);
  expect(scanned).toBeDefined();
  expect(scanned!.series).toEqual(decodeQueryRange(text));
}

/** A seeded generator of awkward but valid bodies. */
function randomBody(seed: number): string {
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const chars = ['a', 'Z', '0', '"', '\\', '\n', '}', ']', ',', ':', 'é', '\u2028', '🙂', ' '];
  const str = (n: number) => Array.from({ length: n }, () => chars[Math.floor(rnd() * chars.length)]).join('');
  const values = ['1', '-2.5', '1e-7', '3.14159', 'NaN', '+Inf', '-Inf', '0', '123456789012.75'];
  const result: Item[] = [];
  for (let k = 0; k < 1 + rnd() * 5; k++) {
    const metric: Record<string, string> = {};
    for (let j = 0; j < rnd() * 4; j++) {
      metric[`l${j}`] = str(Math.floor(rnd() * 6));
    }
    const samples: Array<[number, string]> = [];
    let t = 1717891200 + Math.floor(rnd() * 1000);
    for (let i = 0; i < rnd() * 40; i++) {
      t += rnd() < 0.5 ? 60 : Math.round(rnd() * 100000) / 1000;
      samples.push([Math.round(t * 1000) / 1000, values[Math.floor(rnd() * values.length)]]);
    }
    result.push({ metric, values: samples });
  }
  return body(result, rnd() < 0.3 ? { warnings: [str(5)] } : {});
}

describe('scanMatrix', () => {
  test('reads series, labels and samples exactly as decodeQueryRange does', () => {
    expectSameAsDecoder(
      body([
        {
          metric: { __name__: 'up', job: 'a' },
          values: [
            [1717891200, '1'],
            [1717891260.5, '0.25'],
          ],
        },
        {
          metric: {},
          values: [
            [1717891200.123, 'NaN'],
            [1717891201, '+Inf'],
            [1717891202, '-Inf'],
          ],
        },
        { metric: { x: 'y' }, values: [] },
      ])
    );
  });

  test('labels with escapes, quotes, braces and non-ASCII text', () => {
    expectSameAsDecoder(
      body([{ metric: { path: '/a"b\\c}d]', note: 'line\nnext\ttab é 🙂 \u2028' }, values: [[1, '2']] }])
    );
  });

  test('an empty result', () => {
    expect(scanMatrix(body([]))).toEqual({ series: [], warnings: [] });
  });

  test('warnings then infos, in the careful decoder order', () => {
    const text = body([{ metric: {}, values: [[1, '2']] }], { infos: ['i1'], warnings: ['w1', 'w2'] });
    expect(scanMatrix(text)?.warnings).toEqual(['w1', 'w2', 'i1']);
  });

  test('the same as the decoder on 200 seeded random bodies', () => {
    for (let seed = 1; seed <= 200; seed++) {
      expectSameAsDecoder(randomBody(seed));
    }
  });

  test.each([
    ['pretty-printed JSON', JSON.stringify(JSON.parse(body([{ metric: {}, values: [[1, '2']] }])), null, 1)],
    ['another key order', '{"data":{"resultType":"matrix","result":[]},"status":"success"}'],
    ['an error body', '{"status":"error","errorType":"bad_data","error":"parse error"}'],
    ['a vector result', '{"status":"success","data":{"resultType":"vector","result":[]}}'],
    [
      'unsorted samples',
      body([
        {
          metric: {},
          values: [
            [2, '1'],
            [1, '2'],
          ],
        },
      ]),
    ],
    [
      'duplicate timestamps',
      body([
        {
          metric: {},
          values: [
            [1, '1'],
            [1, '2'],
          ],
        },
      ]),
    ],
    ['a non-numeric value', body([{ metric: {}, values: [[1, 'abc']] }])],
    ['a timestamp in exponent form', body([{ metric: {}, values: [[1e21, '1']] }])],
    ['a negative timestamp', body([{ metric: {}, values: [[-5, '1']] }])],
    ['native histograms', body([{ metric: {}, histograms: [[1, { count: '1' }]] }])],
    ['values and histograms', body([{ metric: {}, values: [[1, '1']], histograms: [] }])],
    ['an unknown trailing key', body([], { stats: {} })],
    ['a truncated body', body([{ metric: { a: 'b' }, values: [[1, '1']] }]).slice(0, -5)],
    ['a truncated label', '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b'],
    ['trailing garbage', body([]) + 'x'],
  ])('answers undefined (the caller decodes carefully) for %s', (_, text) => {
    expect(scanMatrix(text)).toBeUndefined();
  });

  test('long series grow the buffers and keep every sample', () => {
    const values: Array<[number, string]> = Array.from({ length: 5000 }, (_, i) => [1717891200 + 60 * i, String(i)]);
    const scanned = scanMatrix(body([{ metric: { a: 'b' }, values }]));
    expect(scanned?.series[0].series.t.length).toBe(5000);
    expect(scanned?.series[0].series.v[4999]).toBe(4999);
    expectSameAsDecoder(body([{ metric: { a: 'b' }, values }]));
  });
});
