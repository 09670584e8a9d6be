import { formatCsv, parseCsvSeries, parseNabTimestamp } from './csv';
import { InputError } from './errors';

const T0 = Date.UTC(2014, 1, 19, 10, 50);

function thrown(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseCsvSeries', () => {
  it('reads NAB-style text as UTC with a header', () => {
    const s = parseCsvSeries('timestamp,value\n2014-02-19 10:50:00,1.5\n2014-02-19 10:55:00,2\n');
    expect(Array.from(s.t)).toEqual([T0, T0 + 300_000]);
    expect(Array.from(s.v)).toEqual([1.5, 2]);
  });

  it('reads headerless ISO timestamps with zones, fractions and CRLF', () => {
    const s = parseCsvSeries(
      '2014-02-19T10:50:00Z,1\r\n2014-02-19T11:50:00.250+01:00,2\r\n2014-02-19T10:51:00-0000,3\r\n'
    );
    expect(Array.from(s.t)).toEqual([T0, T0 + 250, T0 + 60_000]);
  });

  it('detects epoch seconds and epoch ms', () => {
    const secs = parseCsvSeries(`t,v\n${T0 / 1000},1\n${T0 / 1000 + 60.5},2\n`);
    expect(Array.from(secs.t)).toEqual([T0, T0 + 60_500]);
    const ms = parseCsvSeries(`${T0},1\n${T0 + 60_000},2\n`);
    expect(Array.from(ms.t)).toEqual([T0, T0 + 60_000]);
  });

  it('turns empty and NaN values into NaN and keeps infinities', () => {
    const s = parseCsvSeries('time,value\n1000,\n1001,NaN\n1002,null\n1003,+Inf\n1004,-inf\n1005,1e3\n');
    expect(Array.from(s.v)).toEqual([NaN, NaN, NaN, Infinity, -Infinity, 1000]);
  });

  it('sorts unsorted rows', () => {
    const s = parseCsvSeries('t,v\n30,3\n10,1\n20,2\n');
    expect(Array.from(s.t)).toEqual([10_000, 20_000, 30_000]);
    expect(Array.from(s.v)).toEqual([1, 2, 3]);
  });

  it('picks columns by header name and handles quotes and a BOM', () => {
    const text = '\ufeffvalue,"the time",anomaly_score\n1,"2014-02-19 10:50:00",0.5\n"2,5",2014-02-19 10:55:00,0.25\n';
    expect(() => parseCsvSeries(text, { timeColumn: 'the time' })).toThrow(/line 3: cannot read value "2,5"/);
    const s = parseCsvSeries(text, { timeColumn: 'the time', valueColumn: 'anomaly_score' });
    expect(Array.from(s.t)).toEqual([T0, T0 + 300_000]);
    expect(Array.from(s.v)).toEqual([0.5, 0.25]);
  });

  it('returns an empty series for empty text or a header alone', () => {
    expect(parseCsvSeries('').t.length).toBe(0);
    expect(parseCsvSeries('timestamp,value\n\n').t.length).toBe(0);
  });

  it('reports malformed rows with their line numbers', () => {
    const e1 = thrown(() =>
      parseCsvSeries('timestamp,value\n2014-02-19 10:50:00,1\n\n2014-02-19 10:55:00,abc\n', { source: 'x.csv' })
    );
    expect(e1.line).toBe(4);
    expect(e1.message).toBe('x.csv line 4: cannot read value "abc" as a number');
    expect(
      thrown(() => parseCsvSeries('timestamp,value\n2014-02-19 10:50:00,1\n2014-02-30 10:55:00,2\n')).message
    ).toMatch(/line 3: cannot read timestamp "2014-02-30 10:55:00"/);
    expect(thrown(() => parseCsvSeries('timestamp,value\n2014-02-19 10:50:00\n')).message).toMatch(
      /line 2: expected at least 2 fields, found 1/
    );
    expect(thrown(() => parseCsvSeries('t,v\n1000,1\n2014-02-19,2\n')).message).toMatch(
      /line 3: cannot read timestamp.*epoch/
    );
    expect(thrown(() => parseCsvSeries('t,v\n1000,"1\n')).message).toMatch(/line 2: unterminated quoted field/);
    expect(thrown(() => parseCsvSeries('2014-13-01 00:00:00,1\n2014-12-01 00:00:00,1\n')).line).toBe(1);
    expect(thrown(() => parseCsvSeries('t,v\n1,1\n', { valueColumn: 'value' })).message).toMatch(
      /no value column named "value"/
    );
    expect(thrown(() => parseCsvSeries('1,1\n', { valueColumn: 'value' })).message).toMatch(/first line is data/);
  });

  it('rejects duplicate timestamps unless asked to keep them', () => {
    const text = 't,v\n10,1\n10,2\n20,3\n';
    expect(thrown(() => parseCsvSeries(text)).message).toMatch(/line 3: duplicate timestamp .* \(also on line 2\)/);
    const kept = parseCsvSeries(text, { duplicates: 'keep' });
    expect(Array.from(kept.v)).toEqual([1, 2, 3]);
  });
});

describe('parseNabTimestamp', () => {
  it('reads data and label formats as UTC', () => {
    expect(parseNabTimestamp('2014-02-19 10:50:00')).toBe(T0);
    expect(parseNabTimestamp('2014-02-19 10:50:00.000000')).toBe(T0);
    expect(parseNabTimestamp('2016-02-29 00:00:00')).toBe(Date.UTC(2016, 1, 29));
  });

  it('rejects what it cannot read', () => {
    expect(() => parseNabTimestamp('19/02/2014 10:50')).toThrow(/not a NAB timestamp/);
    expect(() => parseNabTimestamp('2015-02-29 00:00:00')).toThrow(/not a NAB timestamp/);
    expect(() => parseNabTimestamp('2014-02-19 24:00:00')).toThrow(/not a NAB timestamp/);
  });
});

describe('formatCsv', () => {
  it('round-trips through parseCsvSeries, gaps included', () => {
    const t = [T0, T0 + 60_000, T0 + 120_000];
    const v = [0.1 + 0.2, NaN, -1e-300];
    const text = formatCsv(
      ['timestamp', 'value'],
      t.map((ms, i) => [new Date(ms).toISOString(), v[i]])
    );
    const s = parseCsvSeries(text);
    expect(Array.from(s.t)).toEqual(t);
    expect(Array.from(s.v)).toEqual(v);
  });

  it('quotes only cells that need it', () => {
    expect(
      formatCsv(
        ['a', 'b,c'],
        [
          ['x"y', 1],
          [null, Infinity],
        ]
      )
    ).toBe('a,"b,c"\n"x""y",1\n,Infinity\n');
  });
});
