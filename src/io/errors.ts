/**
 * Raised for input a user can fix (a malformed CSV row, a timestamp that cannot be read). The
 * message names the source and line so the user can find the row without a debugger.
 */
export class InputError extends Error {
  /** 1-based line number in the source text, when the problem is on one line. */
  readonly line?: number;
  /** The file or input the problem is in, when known. */
  readonly source?: string;

  constructor(message: string, where: { line?: number; source?: string } = {}) {
    const place = [where.source, where.line === undefined ? undefined : `line ${where.line}`].filter(Boolean).join(' ');
    super(place === '' ? message : `${place}: ${message}`);
    this.name = 'InputError';
    this.line = where.line;
    this.source = where.source;
  }
}
