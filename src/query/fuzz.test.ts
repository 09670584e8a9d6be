import { Rng } from '../model/random';
import { migrateQuery } from './migration';
import { FUZZ_QUERY_KEYS } from './testing';
import { validateQuery } from './validate';

// Random JSON in the neighbourhood of real queries: migrate and validate must never throw,
// migration must be idempotent, and a valid verdict must survive a JSON round trip.
const KEYS = FUZZ_QUERY_KEYS;
const STRINGS = [
  '',
  'up',
  'auto',
  'iforest',
  'band',
  'score',
  'backtest',
  'anomaly',
  '5m',
  '0s',
  '28d',
  'high',
  'browser',
  'x',
];

function randomJson(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.45) {
    const p = rand();
    if (p < 0.15) {
      return null;
    }
    if (p < 0.3) {
      return rand() < 0.5;
    }
    if (p < 0.6) {
      return [0, 1, 2, -1, 0.5, 1e309, 7.5, 99][Math.floor(rand() * 8)];
    }
    return STRINGS[Math.floor(rand() * STRINGS.length)];
  }
  if (r < 0.6) {
    return Array.from({ length: Math.floor(rand() * 4) }, () => randomJson(rand, depth - 1));
  }
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 8); i > 0; i--) {
    o[KEYS[Math.floor(rand() * KEYS.length)]] = randomJson(rand, depth - 1);
  }
  return JSON.parse(JSON.stringify(o));
}

describe('fuzz', () => {
  it('migrate and validate never throw on 5,000 random inputs', () => {
    const rng = new Rng(1234);
    const rand = () => rng.next();
    let valid = 0;
    for (let i = 0; i < 5000; i++) {
      const raw = randomJson(rand, 3);
      const once = migrateQuery(raw);
      // Compared as JSON: a `constructor` key trips toStrictEqual's type check.
      const json = JSON.stringify(once);
      expect(JSON.stringify(migrateQuery(JSON.parse(json)))).toBe(json);
      const v = validateQuery(raw);
      if (v.ok) {
        valid++;
        expect(validateQuery(JSON.parse(JSON.stringify(v.query))).ok).toBe(true);
      } else {
        expect(v.errors.length).toBeGreaterThan(0);
        for (const e of v.errors) {
          expect(e.message.length).toBeGreaterThan(10);
        }
      }
    }
    expect(valid).toBeGreaterThan(0);
  });

  it('is not polluted through __proto__', () => {
    const q = migrateQuery(JSON.parse('{"schemaVersion": 9, "__proto__": {"polluted": true}, "expr": "up"}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((q as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});
