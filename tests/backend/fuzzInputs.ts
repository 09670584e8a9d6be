import { Rng } from '../../src/model/random';
import { FUZZ_QUERY_KEYS } from '../../src/query/testing';

/**
 * Seeded inputs for fuzzing the backend handlers: random JSON, valid query models and resource
 * bodies mutated the ways clients get them wrong (wrong types, huge numbers, deep nesting, odd
 * Unicode, huge strings, "NaN" strings, truncated or byte-damaged JSON). The same seed gives the
 * same sequence, so a failing case is replayed from its seed and index.
 */
export class FuzzSource {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  float(): number {
    return this.rng.next();
  }

  int(n: number): number {
    return Math.floor(this.rng.next() * n);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  /** A JSON-able value of any type, nested up to `depth`. */
  value(depth = 3): unknown {
    const r = this.float();
    if (depth <= 0 || r < 0.5) {
      return this.scalar();
    }
    if (r < 0.6) {
      return this.deep();
    }
    if (r < 0.8) {
      return Array.from({ length: this.int(4) }, () => this.value(depth - 1));
    }
    const o: Record<string, unknown> = {};
    for (let i = this.int(5); i > 0; i--) {
      o[this.pick(KEYS)] = this.value(depth - 1);
    }
    return o;
  }

  scalar(): unknown {
    const r = this.float();
    if (r < 0.1) {
      return null;
    }
    if (r < 0.2) {
      return this.chance(0.5);
    }
    if (r < 0.5) {
      return this.pick(NUMBERS);
    }
    if (r < 0.52) {
      return 'x'.repeat(1 << (10 + this.int(10))); // 1 KB .. 512 KB
    }
    return this.pick(STRINGS);
  }

  /** Arrays or objects nested hundreds deep. */
  deep(): unknown {
    let v: unknown = this.scalar();
    for (let i = 50 + this.int(500); i > 0; i--) {
      v = this.chance(0.5) ? [v] : { [this.pick(KEYS)]: v };
    }
    return v;
  }

  /** A valid value mutated: keys set to odd values, removed or added, at any depth. */
  mutate(valid: unknown): unknown {
    const copy = JSON.parse(JSON.stringify(valid)) as unknown;
    if (this.chance(0.05)) {
      return this.value();
    }
    const containers: Array<Record<string, unknown> | unknown[]> = [];
    const walk = (v: unknown) => {
      if (v !== null && typeof v === 'object') {
        containers.push(v as Record<string, unknown>);
        Object.values(v).forEach(walk);
      }
    };
    walk(copy);
    for (let n = 1 + this.int(3); n > 0 && containers.length > 0; n--) {
      const c = this.pick(containers);
      const keys = Object.keys(c);
      const key = keys.length > 0 && this.chance(0.8) ? this.pick(keys) : this.pick(KEYS);
      if (this.chance(0.15)) {
        delete (c as Record<string, unknown>)[key];
      } else {
        (c as Record<string, unknown>)[key] = this.value(2);
      }
    }
    return copy;
  }

  /** JSON text of `value`, sometimes damaged: truncated, a byte changed, invalid UTF-8, NaN literals. */
  text(value: unknown): Buffer {
    const json = JSON.stringify(value) ?? 'undefined';
    const r = this.float();
    if (r < 0.7) {
      return Buffer.from(json, 'utf8');
    }
    if (r < 0.8) {
      return Buffer.from(json.slice(0, this.int(json.length + 1)), 'utf8');
    }
    if (r < 0.85) {
      const b = Buffer.from(json, 'utf8');
      if (b.length > 0) {
        b[this.int(b.length)] = this.int(256);
      }
      return b;
    }
    if (r < 0.9) {
      return Buffer.concat([Buffer.from(json, 'utf8'), Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80])]);
    }
    if (r < 0.95) {
      return Buffer.from(json.replace(/:(-?\d+(\.\d+)?|"[^"]*")/, ':NaN'), 'utf8');
    }
    return Buffer.from('\ufeff' + json, 'utf8');
  }
}

// Query keys, then the resource bodies' keys and hostile ones.
const KEYS = [...FUZZ_QUERY_KEYS, 'version', 'query', 'range', 'from', 'to', 'fromMs', 'toMs', 'toString', '', '💥'];

const NUMBERS = [0, -0, 1, -1, 0.5, 7, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 31), 2 ** 32, 1e21, 123456789012345];

const STRINGS = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '+Inf',
  '1e309',
  '-0',
  'null',
  'undefined',
  'true',
  '{}',
  '[]',
  '\u0000',
  '\ud800',
  '\uffff',
  '💥🔥',
  '\u202eevil',
  'Ω≈ç√∫',
  '%',
  '%00',
  '../..',
  '{{instance}}',
  'vigil_load',
  'vigil_odd',
  'vigil_load{instance="a"}',
  'sum(vigil_load',
  'rate(vigil_load[5m])',
  'up',
  '5m',
  '0s',
  '-1s',
  '99999999999d',
  '1e3d',
  '1h',
  '2d',
  'auto',
  'seasonal',
  'zscore',
  'iforest',
  'ets',
  'adaptive',
  'ensemble',
  'anomaly',
  'backtest',
  'browser',
  'backend',
  'score',
  'band',
  'value',
  'above',
  'below',
  'both',
  'daily',
  'weekly',
  'none',
];
