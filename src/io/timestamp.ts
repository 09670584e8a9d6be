/**
 * Timestamp text to epoch ms. Date-times without a zone are UTC: NAB and most metric exports
 * write UTC wall-clock times, and reading them as local time would shift every series by the
 * machine's offset (Date.parse does exactly that for "YYYY-MM-DDTHH:MM:SS").
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.fff...]]" or ISO 8601 with "T" and an optional
 * zone ("Z", "+02:00", "-0500"). Returns NaN for anything else, including impossible dates.
 */
export function parseDateTime(text: string): number {
  const m = DATE_TIME.exec(text.trim());
  if (m === null) {
    return NaN;
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  // Date.UTC would roll 2014-02-30 over to March 2nd; such dates are typos, not times.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return NaN;
  }
  const base = Date.UTC(year, month - 1, day, hour, minute, second);
  const frac = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  return base + frac - zoneOffsetMs(m[8]);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z' || zone === 'UTC') {
    return 0;
  }
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** NAB writes "2014-02-19 10:50:00" in data files and "2014-02-19 10:50:00.000000" in labels. */
export function parseNabTimestamp(text: string): number {
  const ms = parseDateTime(text);
  if (Number.isNaN(ms)) {
    throw new Error(`not a NAB timestamp (expected "YYYY-MM-DD HH:MM:SS[.ffffff]"): "${text}"`);
  }
  return ms;
}

/** Plain decimal or exponent notation; rejects what Number() also accepts ("", "0x1f", " "). */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Numeric timestamps below this magnitude are epoch seconds, above it epoch ms: 1e11 s is the
 * year 5138 and 1e11 ms is 1973, so real data of either unit falls on its own side.
 */
export const EPOCH_MS_THRESHOLD = 1e11;
