// JSON logs on stderr in the format go-plugin parses and Grafana re-logs: one JSON object per line
// with `@level`, `@message` and `@timestamp` (RFC 3339, exactly six fractional digits, UTC); every
// other key becomes a field of the log entry. Lines that do not parse are still shown by Grafana,
// but as unstructured debug lines, so every line we write must parse.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };
const RESERVED = new Set(['@level', '@message', '@timestamp']);

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds these fields to every entry. */
  with(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Receives one complete line (with the trailing newline). Default: synchronous write to stderr. */
  write?: (line: string) => void;
  /** Entries below this level are dropped. Default: debug. */
  level?: LogLevel;
  /** Current time in microseconds since the epoch (for tests). */
  nowMicros?: () => number;
}

/** `2026-01-02T15:04:05.123456Z` from microseconds since the epoch. */
export function formatTimestamp(epochMicros: number): string {
  const micros = Math.floor(epochMicros);
  const millis = Math.floor(micros / 1000);
  const iso = new Date(millis).toISOString(); // 2026-01-02T15:04:05.123Z
  const sub = String(micros - millis * 1000).padStart(3, '0');
  return `${iso.slice(0, 23)}${sub}Z`;
}

/** Microseconds since the epoch, with sub-millisecond resolution where the platform has it. */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** Parses a level name (case-insensitive); undefined for anything else. */
export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  const v = value?.trim().toLowerCase();
  return v && v in LEVEL_ORDER ? (v as LogLevel) : undefined;
}

function fieldValue(value: unknown): unknown {
  if (value instanceof Error) {
    return value.message;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  return value;
}

/** One log line (with newline). Never throws: unserialisable fields are replaced by their string form. */
export function formatEntry(level: LogLevel, message: string, fields: LogFields, micros: number): string {
  const entry: Record<string, unknown> = {
    '@level': level,
    '@message': message,
    '@timestamp': formatTimestamp(micros),
  };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) {
      continue;
    }
    entry[RESERVED.has(key) ? `_${key}` : key] = fieldValue(value);
  }
  let line: string;
  try {
    line = JSON.stringify(entry);
  } catch {
    for (const key of Object.keys(entry)) {
      if (!RESERVED.has(key)) {
        try {
          JSON.stringify(entry[key]);
        } catch {
          entry[key] = String(entry[key]);
        }
      }
    }
    line = JSON.stringify(entry);
  }
  return line + '\n';
}

function writeStderr(line: string): void {
  try {
    process.stderr.write(line);
  } catch {
    // stderr closed: nowhere left to report
  }
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const write = options.write ?? writeStderr;
  const min = LEVEL_ORDER[options.level ?? 'debug'];
  const now = options.nowMicros ?? nowMicros;
  const log = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVEL_ORDER[level] < min) {
      return;
    }
    write(formatEntry(level, message, fields ? { ...base, ...fields } : base, now()));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    with: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/**
 * Sends console.* to the logger. Nothing may reach stdout before the handshake line, and stdout is
 * discarded after it, so a stray console.log in any dependency must go to stderr as a log entry.
 */
export function routeConsoleToLogger(logger: Logger): void {
  const text = (args: unknown[]) =>
    args
      .map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : safeInspect(a)))
      .join(' ');
  const target: Record<'log' | 'info' | 'debug' | 'trace' | 'warn' | 'error', (...args: unknown[]) => void> = console;
  target.log = (...args) => logger.info(text(args));
  target.info = (...args) => logger.info(text(args));
  target.debug = (...args) => logger.debug(text(args));
  target.trace = (...args) => logger.debug(text(args));
  target.warn = (...args) => logger.warn(text(args));
  target.error = (...args) => logger.error(text(args));
}

function safeInspect(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
