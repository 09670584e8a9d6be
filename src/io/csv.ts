import type { Series } from '../model/types';
import { InputError } from './errors';
import { DECIMAL, EPOCH_MS_THRESHOLD, parseDateTime } from './timestamp';

/**
 * "timestamp,value" CSV text to a Series, and rows back to CSV text. Pure: callers read files.
 *
 * Timestamps may be dates ("2014-02-19 10:50:00", ISO 8601; UTC unless a zone is given) or epoch
 * numbers; the first data row decides which, and numbers are seconds unless the column reaches
 * 1e11 (then ms). The header is optional: a first line whose time field is not a timestamp is
 * taken as one, and then columns can be picked by name.
 */

export interface CsvParseOptions {
  /** Column holding the timestamps: header name or 0-based index. Default: a column named
   * timestamp/time/ts/date, else 0. */
  timeColumn?: string | number;
  /** Column holding the values: header name or 0-based index. Default: a column named value,
   * else the first column after the time column. */
  valueColumn?: string | number;
  /** Prefixed to error messages, e.g. the file name. */
  source?: string;
  /**
   * Rows sharing a timestamp: 'error' (default) rejects them, since which value is right is the
   * user's call; 'keep' keeps them all in file order (NAB's data has such rows from a DST change,
   * and its scorer counts them as rows).
   */
  duplicates?: 'error' | 'keep';
}

const TIME_NAMES = ['timestamp', 'time', 'ts', 'date', 'datetime'];
const VALUE_NAMES = ['value', 'values', 'y'];

export function parseCsvSeries(text: string, options: CsvParseOptions = {}): Series {
  const fail = (message: string, line?: number): never => {
    throw new InputError(message, { line, source: options.source });
  };
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\n|\r/);

  let first = 0;
  while (first < lines.length && lines[first].trim() === '') {
    first++;
  }
  if (first === lines.length) {
    return { t: new Float64Array(0), v: new Float64Array(0) };
  }
  const delimiter = lines[first].includes(',') || !lines[first].includes('\t') ? ',' : '\t';
  const firstFields = splitRow(lines[first], delimiter, first + 1, fail);
  const probeIndex = typeof options.timeColumn === 'number' ? options.timeColumn : 0;
  const probe = (firstFields[probeIndex] ?? '').trim();
  const hasHeader = !(DECIMAL.test(probe) || !Number.isNaN(parseDateTime(probe)));
  if (hasHeader && /^\d/.test(probe)) {
    // Header names do not start with a digit; this is a first data row with a broken timestamp.
    fail(`cannot read timestamp "${probe}"`, first + 1);
  }

  let timeIndex: number;
  let valueIndex: number;
  if (hasHeader) {
    const names = firstFields.map((f) => f.trim().toLowerCase());
    timeIndex = resolveColumn(options.timeColumn, names, TIME_NAMES, 0, 'time', first + 1, fail);
    const defaultValue = names.findIndex((n, i) => i !== timeIndex && VALUE_NAMES.includes(n));
    valueIndex = resolveColumn(
      options.valueColumn,
      names,
      [],
      defaultValue >= 0 ? defaultValue : timeIndex === 0 ? 1 : 0,
      'value',
      first + 1,
      fail
    );
  } else {
    if (typeof options.timeColumn === 'string' || typeof options.valueColumn === 'string') {
      fail(`column names were given but the first line is data, not a header: "${lines[first]}"`, first + 1);
    }
    timeIndex = (options.timeColumn as number | undefined) ?? 0;
    valueIndex = (options.valueColumn as number | undefined) ?? (timeIndex === 0 ? 1 : 0);
  }
  const needed = Math.max(timeIndex, valueIndex) + 1;

  const ts: number[] = [];
  const vs: number[] = [];
  const lineNos: number[] = [];
  let numericTime: boolean | undefined;
  for (let li = hasHeader ? first + 1 : first; li < lines.length; li++) {
    const line = lines[li];
    if (line.trim() === '') {
      continue;
    }
    const lineNo = li + 1;
    const fields = splitRow(line, delimiter, lineNo, fail);
    if (fields.length < needed) {
      fail(`expected at least ${needed} fields, found ${fields.length}: "${line}"`, lineNo);
    }
    const rawTime = fields[timeIndex].trim();
    if (numericTime === undefined) {
      numericTime = DECIMAL.test(rawTime);
    }
    const time = numericTime ? (DECIMAL.test(rawTime) ? Number(rawTime) : NaN) : parseDateTime(rawTime);
    if (!Number.isFinite(time)) {
      const expected = numericTime
        ? 'an epoch number like the first row'
        : 'a date like "2014-02-19 10:50:00" or ISO 8601';
      fail(`cannot read timestamp "${rawTime}" (expected ${expected})`, lineNo);
    }
    const value = parseValue(fields[valueIndex]);
    if (value === undefined) {
      fail(`cannot read value "${fields[valueIndex].trim()}" as a number`, lineNo);
    }
    ts.push(time);
    vs.push(value as number);
    lineNos.push(lineNo);
  }

  if (numericTime === true) {
    let maxAbs = 0;
    for (const x of ts) {
      maxAbs = Math.max(maxAbs, Math.abs(x));
    }
    if (maxAbs < EPOCH_MS_THRESHOLD) {
      for (let i = 0; i < ts.length; i++) {
        ts[i] = Math.round(ts[i] * 1000);
      }
    }
  }
  return toSortedSeries(ts, vs, lineNos, options.duplicates ?? 'error', fail);
}

function resolveColumn(
  wanted: string | number | undefined,
  names: string[],
  defaults: string[],
  fallback: number,
  role: string,
  lineNo: number,
  fail: (message: string, line?: number) => never
): number {
  if (typeof wanted === 'number') {
    if (!Number.isInteger(wanted) || wanted < 0 || wanted >= names.length) {
      fail(`${role} column index ${wanted} is outside the header's ${names.length} columns`, lineNo);
    }
    return wanted;
  }
  if (typeof wanted === 'string') {
    const i = names.indexOf(wanted.trim().toLowerCase());
    if (i < 0) {
      fail(`no ${role} column named "${wanted}" in the header (${names.join(', ')})`, lineNo);
    }
    return i;
  }
  const i = names.findIndex((n) => defaults.includes(n));
  return i >= 0 ? i : fallback;
}

/** Sorts by time keeping file order among equals, then rejects duplicate timestamps if asked. */
function toSortedSeries(
  ts: number[],
  vs: number[],
  lineNos: number[],
  duplicates: 'error' | 'keep',
  fail: (message: string, line?: number) => never
): Series {
  const n = ts.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    sorted = ts[i] >= ts[i - 1];
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (!sorted) {
    order.sort((a, b) => ts[a] - ts[b]);
  }
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (duplicates === 'error' && k > 0 && ts[i] === t[k - 1]) {
      fail(`duplicate timestamp ${new Date(ts[i]).toISOString()} (also on line ${lineNos[order[k - 1]]})`, lineNos[i]);
    }
    t[k] = ts[i];
    v[k] = vs[i];
  }
  return { t, v };
}

const NAN_WORDS = new Set(['', 'nan', 'null', 'na', 'n/a', 'none']);
const POS_INF = new Set(['inf', '+inf', 'infinity', '+infinity']);
const NEG_INF = new Set(['-inf', '-infinity']);

/** A value field to a number: blanks and NaN spellings are gaps (NaN); undefined if unreadable. */
export function parseValue(field: string): number | undefined {
  const s = field.trim();
  if (DECIMAL.test(s)) {
    return Number(s);
  }
  const lower = s.toLowerCase();
  if (NAN_WORDS.has(lower)) {
    return NaN;
  }
  if (POS_INF.has(lower)) {
    return Infinity;
  }
  if (NEG_INF.has(lower)) {
    return -Infinity;
  }
  return undefined;
}

/** Splits one line, honouring double-quoted fields with "" escapes (RFC 4180, one line only). */
function splitRow(
  line: string,
  delimiter: string,
  lineNo: number,
  fail: (message: string, line?: number) => never
): string[] {
  if (!line.includes('"')) {
    return line.split(delimiter);
  }
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) {
    fail('unterminated quoted field (fields cannot span lines)', lineNo);
  }
  fields.push(field);
  return fields;
}

export type CsvCell = string | number | null | undefined;

/**
 * Rows to CSV text with a header. Numbers print in full precision; NaN, null and undefined print
 * empty, which parseCsvSeries reads back as a gap. Text is quoted only when it must be.
 */
export function formatCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const out: string[] = [header.map(formatCell).join(',')];
  for (const row of rows) {
    out.push(row.map(formatCell).join(','));
  }
  return out.join('\n') + '\n';
}

function formatCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) {
    return '';
  }
  if (typeof cell === 'number') {
    return Number.isNaN(cell) ? '' : String(cell);
  }
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export { parseDateTime, parseNabTimestamp } from './timestamp';
