import {
  canonicalJSON,
  canonicalLabels,
  datasourcePrefix,
  queryPrefix,
  seriesKey,
  type SeriesKeyParts,
} from './seriesKey';

const base: SeriesKeyParts = {
  datasourceUid: 'P1809F7CD0C75ACF3',
  expr: 'rate(http_requests_total[5m])',
  kind: 'seasonal',
  options: { sensitivity: 0.5, direction: 'both', seed: 42 },
  labels: { job: 'api', instance: 'a:9100', __name__: 'x' },
};

describe('seriesKey', () => {
  test('has the documented shape, broad to narrow', () => {
    const key = seriesKey(base);
    expect(key).toMatch(
      /^P1809F7CD0C75ACF3\/[0-9a-f]{16}\/seasonal\/[0-9a-f]{16}\/\{__name__="x",instance="a:9100",job="api"\}$/
    );
    expect(key.startsWith(queryPrefix(base.datasourceUid, base.expr))).toBe(true);
    expect(key.startsWith(datasourcePrefix(base.datasourceUid))).toBe(true);
  });

  test('is stable across label and option order, -0, undefined members and surrounding whitespace', () => {
    const same = seriesKey({
      ...base,
      expr: `  ${base.expr}\n`,
      options: { seed: 42, extra: undefined, direction: 'both', sensitivity: 0.5 },
      labels: { __name__: 'x', job: 'api', instance: 'a:9100' },
    });
    expect(same).toBe(seriesKey(base));
    expect(canonicalJSON({ b: [1, { d: -0, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":0}]}');
  });

  test('changes with every part', () => {
    const key = seriesKey(base);
    const variants: SeriesKeyParts[] = [
      { ...base, datasourceUid: 'other' },
      { ...base, expr: 'rate(http_requests_total[1m])' },
      { ...base, kind: 'ets' },
      { ...base, options: { ...base.options, sensitivity: 0.6 } },
      { ...base, labels: { ...base.labels, job: 'web' } },
      { ...base, labels: { job: 'api', instance: 'a:9100' } },
    ];
    const keys = new Set(variants.map(seriesKey));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(key)).toBe(false);
  });

  test('label values cannot forge structure; uids cannot contain the separator', () => {
    expect(canonicalLabels({ a: 'x",b="y', c: 'back\\slash\nline' })).toBe(
      '{a="x\\",b=\\"y",c="back\\\\slash\\nline"}'
    );
    expect(canonicalLabels({ a: 'x",b="y' })).not.toBe(canonicalLabels({ a: 'x', b: 'y' }));
    expect(seriesKey({ ...base, datasourceUid: 'a/b' }).startsWith('a%2Fb/')).toBe(true);
    expect(canonicalLabels({})).toBe('{}');
  });

  test('bad parts get clear errors', () => {
    expect(() => seriesKey({ ...base, datasourceUid: '' })).toThrow(/datasourceUid must be a non-empty string/);
    expect(() => seriesKey({ ...base, expr: '   ' })).toThrow(/expr must be a non-empty string/);
    expect(() => seriesKey({ ...base, kind: 'Bad Kind' })).toThrow(/kind "Bad Kind" is not a model kind name/);
    expect(() => seriesKey({ ...base, options: { sensitivity: NaN } })).toThrow(/options.sensitivity is NaN/);
    expect(() => seriesKey({ ...base, labels: { job: 1 as unknown as string } })).toThrow(
      /label "job" must have a string value/
    );
  });
});
