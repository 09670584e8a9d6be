import { createLogger, formatEntry, formatTimestamp, parseLogLevel, routeConsoleToLogger } from './log';

// go-plugin parses @timestamp with Go's layout "2006-01-02T15:04:05.000000Z07:00".
const GO_LAYOUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

describe('formatTimestamp', () => {
  it('has exactly six fractional digits, in UTC', () => {
    expect(formatTimestamp(Date.UTC(2026, 0, 2, 15, 4, 5) * 1000)).toBe('2026-01-02T15:04:05.000000Z');
    expect(formatTimestamp(Date.UTC(2026, 0, 2, 15, 4, 5, 123) * 1000 + 456)).toBe('2026-01-02T15:04:05.123456Z');
    expect(formatTimestamp(Date.UTC(2026, 0, 2, 15, 4, 5, 7) * 1000 + 9)).toBe('2026-01-02T15:04:05.007009Z');
  });

  it('matches the layout go-plugin parses for the current time', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l) }).info('x');
    expect(JSON.parse(lines[0])['@timestamp']).toMatch(GO_LAYOUT);
  });
});

describe('formatEntry', () => {
  it('writes one JSON line with @level, @message, @timestamp and fields', () => {
    const line = formatEntry('warn', 'slow query', { refId: 'A', ms: 12 }, 0);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      '@level': 'warn',
      '@message': 'slow query',
      '@timestamp': '1970-01-01T00:00:00.000000Z',
      refId: 'A',
      ms: 12,
    });
  });

  it('keeps multi-line messages on one line', () => {
    const line = formatEntry('error', 'a\nb', {}, 0);
    expect(line.split('\n')).toHaveLength(2);
    expect(JSON.parse(line)['@message']).toBe('a\nb');
  });

  it('never lets a field overwrite the reserved keys', () => {
    const entry = JSON.parse(formatEntry('info', 'm', { '@level': 'error', '@message': 'x' }, 0));
    expect(entry['@level']).toBe('info');
    expect(entry['@message']).toBe('m');
    expect(entry['_@level']).toBe('error');
  });

  it('serialises errors, bigints and circular values without throwing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const entry = JSON.parse(formatEntry('error', 'm', { err: new Error('boom'), big: 10n, circular }, 0));
    expect(entry.err).toBe('boom');
    expect(entry.big).toBe('10');
    expect(entry.circular).toBe('[object Object]');
  });
});

describe('createLogger', () => {
  it('drops entries below the level and adds base fields', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), level: 'info', nowMicros: () => 0 }).with({ method: 'Q' });
    log.debug('hidden');
    log.info('shown', { n: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ '@message': 'shown', method: 'Q', n: 1 });
  });

  it('parses level names', () => {
    expect(parseLogLevel('WARN')).toBe('warn');
    expect(parseLogLevel('loud')).toBeUndefined();
    expect(parseLogLevel(undefined)).toBeUndefined();
  });
});

describe('routeConsoleToLogger', () => {
  const saved = { ...console };
  afterEach(() => Object.assign(console, saved));

  it('turns console output into log entries (nothing reaches stdout)', () => {
    const lines: string[] = [];
    routeConsoleToLogger(createLogger({ write: (l) => lines.push(l) }));
    console.log('hello', { a: 1 });
    console.error(new Error('bad'));
    expect(JSON.parse(lines[0])).toMatchObject({ '@level': 'info', '@message': 'hello {"a":1}' });
    expect(JSON.parse(lines[1])['@level']).toBe('error');
    expect(JSON.parse(lines[1])['@message']).toMatch(/^Error: bad/);
  });
});
