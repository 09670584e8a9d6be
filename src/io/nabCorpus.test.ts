import { InputError } from './errors';
import { parseNabCorpus, parseNabScores } from './nabCorpus';

const WINDOWS = JSON.stringify({
  'cat/a.csv': [['2014-02-19 10:55:00.000000', '2014-02-19 11:00:00.000000']],
  'cat/b.csv': [],
});
const DATA = 'timestamp,value\n2014-02-19 10:50:00,1\n2014-02-19 10:55:00,2\n2014-02-19 11:00:00,3\n';
const T0 = Date.UTC(2014, 1, 19, 10, 50);

describe('parseNabCorpus', () => {
  it('pairs each file with its windows, scores left empty', () => {
    const [a, b] = parseNabCorpus({
      windowsJson: WINDOWS,
      files: [
        { name: 'cat/a.csv', csvText: DATA },
        { name: 'cat/b.csv', csvText: DATA },
      ],
    });
    expect(a.name).toBe('cat/a.csv');
    expect(Array.from(a.timestamps)).toEqual([T0, T0 + 300_000, T0 + 600_000]);
    expect(Array.from(a.values)).toEqual([1, 2, 3]);
    expect(a.windows).toEqual([[T0 + 300_000, T0 + 600_000]]);
    expect(a.scores.length).toBe(0);
    expect(b.windows).toEqual([]);
  });

  it('keeps repeated timestamps, as NAB data has them', () => {
    const [a] = parseNabCorpus({
      windowsJson: WINDOWS,
      files: [{ name: 'cat/a.csv', csvText: DATA + '2014-02-19 11:00:00,4\n' }],
    });
    expect(a.values.length).toBe(4);
  });

  it('rejects files without labels and damaged label files', () => {
    expect(() => parseNabCorpus({ windowsJson: WINDOWS, files: [{ name: 'cat/c.csv', csvText: DATA }] })).toThrow(
      /no entry for cat\/c.csv/
    );
    expect(() => parseNabCorpus({ windowsJson: '{', files: [] })).toThrow(InputError);
    expect(() => parseNabCorpus({ windowsJson: '{"x.csv": [["2014-02-19", 3]]}', files: [] })).toThrow(
      /x.csv window 0 is not \[start, end\]/
    );
    expect(() => parseNabCorpus({ windowsJson: '{"x.csv": [["soon", "later"]]}', files: [] })).toThrow(
      /not a NAB timestamp/
    );
  });
});

describe('parseNabScores', () => {
  const [a] = parseNabCorpus({ windowsJson: WINDOWS, files: [{ name: 'cat/a.csv', csvText: DATA }] });

  it('reads the anomaly_score column aligned to the data rows', () => {
    const csv =
      'timestamp,value,anomaly_score\n2014-02-19 10:50:00,1,0.1\n2014-02-19 10:55:00,2,0.9\n2014-02-19 11:00:00,3,0.2\n';
    expect(Array.from(parseNabScores(a, csv))).toEqual([0.1, 0.9, 0.2]);
  });

  it('rejects results that do not line up with the data', () => {
    expect(() => parseNabScores(a, 'timestamp,anomaly_score\n2014-02-19 10:50:00,0.1\n')).toThrow(/1 rows, data has 3/);
    const shifted = 'timestamp,anomaly_score\n2014-02-19 10:50:00,0\n2014-02-19 10:55:00,0\n2014-02-19 11:05:00,0\n';
    expect(() => parseNabScores(a, shifted)).toThrow(/row 2 is at 2014-02-19T11:05:00.000Z/);
  });
});
