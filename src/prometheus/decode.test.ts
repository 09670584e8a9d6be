import { PrometheusError, decodeQueryRange, seriesName } from './decode';

const T = 1_700_000_000;

function matrix(result: unknown[]): unknown {
  return { status: 'success', data: { resultType: 'matrix', result } };
}

function thrown(f: () => unknown): PrometheusError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PrometheusError);
    return e as PrometheusError;
  }
  throw new Error('expected a PrometheusError');
}

describe('decodeQueryRange', () => {
  it('decodes each series with its labels, seconds to ms, special values included', () => {
    const out = decodeQueryRange(
      matrix([
        {
          metric: { __name__: 'up', job: 'api' },
          values: [
            [T, '1'],
            [T + 15.5, 'NaN'],
            [T + 30, '+Inf'],
            [T + 45, '-Inf'],
            [T + 60, '1e+06'],
          ],
        },
        { metric: {}, values: [[T + 0.001, '-0.25']] },
      ])
    );
    expect(out).toHaveLength(2);
    expect(out[0].labels).toEqual({ __name__: 'up', job: 'api' });
    expect(Array.from(out[0].series.t)).toEqual([
      T * 1000,
      T * 1000 + 15_500,
      (T + 30) * 1000,
      (T + 45) * 1000,
      (T + 60) * 1000,
    ]);
    expect(Array.from(out[0].series.v)).toEqual([1, NaN, Infinity, -Infinity, 1e6]);
    expect(Array.from(out[1].series.t)).toEqual([T * 1000 + 1]);
    expect(Array.from(out[1].series.v)).toEqual([-0.25]);
  });

  it('accepts the body text as well as parsed JSON', () => {
    const body = JSON.stringify(matrix([{ metric: { a: 'b' }, values: [[T, '2']] }]));
    expect(decodeQueryRange(body)[0].series.v[0]).toBe(2);
    expect(decodeQueryRange(matrix([]))).toEqual([]);
  });

  it('fills the query grid with NaN where Prometheus has no sample', () => {
    const [s] = decodeQueryRange(
      matrix([
        {
          metric: {},
          values: [
            [T + 60, '1'],
            [T + 180, '3'],
          ],
        },
      ]),
      {
        grid: { startMs: T * 1000, endMs: (T + 180) * 1000, stepMs: 60_000 },
      }
    );
    expect(Array.from(s.series.t)).toEqual([0, 1, 2, 3].map((k) => (T + 60 * k) * 1000));
    expect(Array.from(s.series.v)).toEqual([NaN, 1, NaN, 3]);
    expect(() =>
      decodeQueryRange(matrix([{ metric: {}, values: [[T + 30, '1']] }]), {
        grid: { startMs: T * 1000, endMs: (T + 180) * 1000, stepMs: 60_000 },
      })
    ).toThrow(/not on the query grid/);
  });

  it('sorts samples that arrive out of order', () => {
    const [s] = decodeQueryRange(
      matrix([
        {
          metric: {},
          values: [
            [T + 60, '2'],
            [T, '1'],
          ],
        },
      ])
    );
    expect(Array.from(s.series.v)).toEqual([1, 2]);
  });

  it('turns API errors into PrometheusError with the error type', () => {
    const e = thrown(() =>
      decodeQueryRange({ status: 'error', errorType: 'bad_data', error: 'parse error at char 4' })
    );
    expect(e.errorType).toBe('bad_data');
    expect(e.message).toBe('Prometheus error (bad_data): parse error at char 4');
  });

  it('rejects instant-query results with a hint', () => {
    for (const resultType of ['vector', 'scalar']) {
      const e = thrown(() => decodeQueryRange({ status: 'success', data: { resultType, result: [] } }));
      expect(e.errorType).toBe('decode');
      expect(e.message).toMatch(new RegExp(`got "${resultType}".*query_range`));
    }
  });

  it('rejects damaged responses with a clear message', () => {
    expect(thrown(() => decodeQueryRange('<html>')).message).toMatch(/not JSON/);
    expect(thrown(() => decodeQueryRange([])).message).toMatch(/not a JSON object/);
    expect(thrown(() => decodeQueryRange({ status: 'pending' })).message).toMatch(/unexpected status "pending"/);
    expect(thrown(() => decodeQueryRange({ status: 'success' })).message).toMatch(/no data object/);
    expect(thrown(() => decodeQueryRange(matrix([{ metric: { a: 1 }, values: [] }]))).message).toMatch(
      /label a is not a string/
    );
    expect(thrown(() => decodeQueryRange(matrix([{ metric: { a: 'b' }, values: [[T, 1]] }]))).message).toMatch(
      /result 0 \(\{a="b"\}\): sample 0 is not \[unixSeconds, "value"\]/
    );
    expect(thrown(() => decodeQueryRange(matrix([{ metric: {}, values: [[T, 'abc']] }]))).message).toMatch(
      /value "abc", not a number/
    );
    expect(
      thrown(() =>
        decodeQueryRange(
          matrix([
            {
              metric: {},
              values: [
                [T, '1'],
                [T, '2'],
              ],
            },
          ])
        )
      ).message
    ).toMatch(/two samples at/);
    expect(thrown(() => decodeQueryRange(matrix([{ metric: {}, histograms: [[T, {}]] }]))).message).toMatch(
      /native histogram/
    );
  });
});

describe('seriesName', () => {
  it('prints name and sorted labels as Prometheus does', () => {
    expect(seriesName({ job: 'api', __name__: 'up', instance: 'h:9090' })).toBe('up{instance="h:9090", job="api"}');
    expect(seriesName({ __name__: 'up' })).toBe('up');
    expect(seriesName({ job: 'api' })).toBe('{job="api"}');
    expect(seriesName({})).toBe('{}');
  });

  it('escapes quotes, backslashes and newlines in values', () => {
    expect(seriesName({ path: 'C:\\x "y"\nz' })).toBe('{path="C:\\\\x \\"y\\"\\nz"}');
  });
});
