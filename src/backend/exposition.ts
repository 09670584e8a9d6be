// A strict reader of the Prometheus text exposition format (0.0.4), used by the tests to check
// what CollectMetrics serves line by line, and to read values back. It throws on the first rule
// broken, naming the line: HELP/TYPE syntax and placement, metric and label names, label value
// escaping, values, duplicate series, families split apart, and histogram consistency.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: string;
  help?: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const NAME_RE = new RegExp(`^${NAME}$`);
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const VALUE_RE = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)$/;

function parseValue(text: string, where: string): number {
  if (!VALUE_RE.test(text)) {
    throw new Error(`${where}: invalid value ${JSON.stringify(text)}`);
  }
  return text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
}

/** Reads `{a="x",b="y"}` starting at `s[i] === '{'`; returns the labels and the index after `}`. */
function parseLabels(s: string, i: number, where: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  i++;
  while (s[i] !== '}') {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(s.slice(i));
    if (!m) {
      throw new Error(`${where}: bad label at column ${i + 1}`);
    }
    const name = m[1];
    if (name in labels) {
      throw new Error(`${where}: duplicate label ${name}`);
    }
    i += m[0].length;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) {
        throw new Error(`${where}: unterminated label value`);
      }
      if (c === '"') {
        i++;
        break;
      }
      if (c === '\\') {
        const e = s[i + 1];
        if (e === '\\' || e === '"') {
          value += e;
        } else if (e === 'n') {
          value += '\n';
        } else {
          throw new Error(`${where}: invalid escape \\${e ?? ''} in label ${name}`);
        }
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    labels[name] = value;
    if (s[i] === ',') {
      i++;
    } else if (s[i] !== '}') {
      throw new Error(`${where}: expected , or } after label ${name}`);
    }
  }
  return { labels, end: i + 1 };
}

function unescapeHelp(text: string, where: string): string {
  return text.replace(/\\(.?)/g, (_, e: string) => {
    if (e === '\\') {
      return '\\';
    }
    if (e === 'n') {
      return '\n';
    }
    throw new Error(`${where}: invalid escape \\${e} in HELP`);
  });
}

function familyOf(sample: string, families: Map<string, ParsedFamily>): ParsedFamily | undefined {
  for (const suffix of ['_bucket', '_sum', '_count', '']) {
    if (sample.endsWith(suffix)) {
      const f = families.get(sample.slice(0, sample.length - suffix.length));
      if (f && (suffix === '' ? f.type !== 'histogram' : f.type === 'histogram' || f.type === 'summary')) {
        return f;
      }
    }
  }
  return undefined;
}

function checkHistogram(f: ParsedFamily): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) {
        throw new Error(`${f.name}: a _bucket sample without le`);
      }
      g.buckets.push([parseValue(le, `${f.name} le`), s.value]);
    } else if (le !== undefined) {
      throw new Error(`${s.name}: le only belongs on _bucket samples`);
    } else if (s.name === `${f.name}_sum`) {
      g.sum = s.value;
    } else {
      g.count = s.value;
    }
  }
  for (const [key, g] of groups) {
    const where = `${f.name}${key}`;
    if (g.sum === undefined || g.count === undefined) {
      throw new Error(`${where}: histogram without _sum or _count`);
    }
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i][0] > g.buckets[i - 1][0])) {
        throw new Error(`${where}: bucket bounds not ascending`);
      }
      if (g.buckets[i][1] < g.buckets[i - 1][1]) {
        throw new Error(`${where}: bucket counts not cumulative`);
      }
    }
    const last = g.buckets[g.buckets.length - 1];
    if (!last || last[0] !== Infinity) {
      throw new Error(`${where}: no le="+Inf" bucket`);
    }
    if (last[1] !== g.count) {
      throw new Error(`${where}: +Inf bucket ${last[1]} differs from _count ${g.count}`);
    }
  }
}

/** Parses and checks an exposition; throws naming the first broken rule. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== '' && !text.endsWith('\n')) {
    throw new Error('the exposition must end with a newline');
  }
  const families = new Map<string, ParsedFamily>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  const typed = new Set<string>();
  let current: ParsedFamily | undefined;
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  lines.forEach((line, n) => {
    const where = `line ${n + 1} (${JSON.stringify(line)})`;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, what, name, rest] = meta;
      if (!NAME_RE.test(name)) {
        throw new Error(`${where}: invalid metric name`);
      }
      let f = families.get(name);
      if (f && f !== current) {
        throw new Error(`${where}: family ${name} is split apart`);
      }
      if (current && current !== f) {
        closed.add(current.name);
      }
      if (!f) {
        f = { name, type: 'untyped', samples: [] };
        families.set(name, f);
      }
      current = f;
      if (what === 'HELP') {
        if (f.help !== undefined) {
          throw new Error(`${where}: second HELP for ${name}`);
        }
        f.help = unescapeHelp(rest, where);
      } else {
        if (!TYPES.has(rest)) {
          throw new Error(`${where}: unknown type ${rest}`);
        }
        if (f.samples.length > 0 || typed.has(name)) {
          throw new Error(`${where}: TYPE after samples or twice for ${name}`);
        }
        typed.add(name);
        f.type = rest;
      }
      return;
    }
    if (line.startsWith('#')) {
      return; // a comment
    }
    const m = new RegExp(`^(${NAME})`).exec(line);
    if (!m) {
      throw new Error(`${where}: not a sample, HELP, TYPE or comment`);
    }
    const name = m[1];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (line[i] === '{') {
      ({ labels, end: i } = parseLabels(line, i, where));
    }
    const rest = line.slice(i);
    const parts = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
    if (!parts) {
      throw new Error(`${where}: expected " value [timestamp]" after the name and labels`);
    }
    const value = parseValue(parts[1], where);
    for (const l of Object.keys(labels)) {
      if (!LABEL_RE.test(l) || l.startsWith('__')) {
        throw new Error(`${where}: reserved label name ${l}`);
      }
    }
    const f = familyOf(name, families);
    if (!f) {
      throw new Error(`${where}: sample ${name} has no TYPE line before it (or is not a sample name of its type)`);
    }
    if (f !== current || closed.has(f.name)) {
      throw new Error(`${where}: sample of ${f.name} outside its family's block`);
    }
    if (f.type === 'counter' && !(value >= 0)) {
      throw new Error(`${where}: counter value must be >= 0`);
    }
    const id = name + JSON.stringify(Object.entries(labels).sort());
    if (seen.has(id)) {
      throw new Error(`${where}: duplicate series`);
    }
    seen.add(id);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) {
    if (f.type === 'histogram') {
      checkHistogram(f);
    }
  }
  return families;
}

/** The value of the sample with exactly these labels, or undefined. */
export function sampleValue(
  families: Map<string, ParsedFamily>,
  name: string,
  labels: Record<string, string> = {}
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (
        s.name === name &&
        Object.keys(s.labels).length === Object.keys(labels).length &&
        Object.entries(labels).every(([k, v]) => s.labels[k] === v)
      ) {
        return s.value;
      }
    }
  }
  return undefined;
}
