import { createHash } from 'crypto';
import { StoreError } from './errors';

/** What identifies one stored model: the series of one query of one data source, scored by one model setup. */
export interface SeriesKeyParts {
  /** The Vigil data source's uid. */
  datasourceUid: string;
  /** The PromQL expression (leading/trailing whitespace ignored; otherwise taken verbatim). */
  expr: string;
  /** The requested model kind (may be `auto`; the stored version records the kind actually fitted). */
  kind: string;
  /**
   * The model options that change what is trained. Pass them resolved (defaults applied) so an
   * omitted option and its explicit default give the same key.
   */
  options: Readonly<Record<string, unknown>>;
  /** The series' labels, including `__name__` when present. Order does not matter. */
  labels: Readonly<Record<string, string>>;
}

const SEPARATOR = '/';

/**
 * The store key of one series' model:
 *
 *   <datasource uid>/<expr hash>/<kind>/<options hash>/<labels>
 *
 * e.g. `P1809F7CD0C75ACF3/9f86d081884c7d65/seasonal/2c26b46b68ffc68f/{instance="a:9100",job="node"}`.
 *
 * The hashes are the first 64 bits of SHA-256 over the trimmed expression and over the options as
 * canonical JSON (object keys sorted at every depth). Labels are written Prometheus-style, sorted by
 * name, values escaped, so equal label sets give equal keys whatever order they came in. The parts
 * run from broad to narrow so `list({ prefix })` can select a data source (`<uid>/`) or one query
 * (`<uid>/<expr hash>/`). The uid is percent-encoded so no uid can contain the separator.
 */
export function seriesKey(parts: SeriesKeyParts): string {
  if (typeof parts.datasourceUid !== 'string' || parts.datasourceUid === '') {
    throw new StoreError('invalid_argument', 'series key: datasourceUid must be a non-empty string');
  }
  if (typeof parts.expr !== 'string' || parts.expr.trim() === '') {
    throw new StoreError('invalid_argument', 'series key: expr must be a non-empty string');
  }
  if (typeof parts.kind !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(parts.kind)) {
    throw new StoreError('invalid_argument', `series key: kind ${JSON.stringify(parts.kind)} is not a model kind name`);
  }
  return [
    queryPrefix(parts.datasourceUid, parts.expr).slice(0, -1),
    parts.kind,
    shortHash(canonicalJSON(parts.options, 'options')),
    canonicalLabels(parts.labels),
  ].join(SEPARATOR);
}

/** The key prefix shared by every series of one query of one data source (ends with the separator). */
export function queryPrefix(datasourceUid: string, expr: string): string {
  return encodeURIComponent(datasourceUid) + SEPARATOR + shortHash(expr.trim()) + SEPARATOR;
}

/** The key prefix shared by every model of one data source (ends with the separator). */
export function datasourcePrefix(datasourceUid: string): string {
  return encodeURIComponent(datasourceUid) + SEPARATOR;
}

/** `{a="1",b="x\"y"}`: labels sorted by name (UTF-16 code unit order), values escaped as in PromQL. */
export function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new StoreError('invalid_argument', 'series key: labels must be an object of name -> value');
  }
  const names = Object.keys(labels).sort(compareCodeUnits);
  const pairs = names.map((name) => {
    const value = labels[name];
    if (typeof value !== 'string') {
      throw new StoreError('invalid_argument', `series key: label ${JSON.stringify(name)} must have a string value`);
    }
    return `${escapeLabel(name)}="${escapeLabel(value)}"`;
  });
  return `{${pairs.join(',')}}`;
}

/**
 * JSON with object keys sorted at every depth and `undefined` members dropped, so two equal option
 * objects serialise identically. Non-finite numbers have no JSON form and are refused rather than
 * silently becoming null.
 */
export function canonicalJSON(value: unknown, what = 'value'): string {
  return JSON.stringify(canonicalize(value, what));
}

function canonicalize(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new StoreError('invalid_argument', `series key: ${path} is ${value}, which has no JSON form`);
    }
    return Object.is(value, -0) ? 0 : value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => canonicalize(v === undefined ? null : v, `${path}[${i}]`));
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(compareCodeUnits)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) {
        out[k] = canonicalize(v, `${path}.${k}`);
      }
    }
    return out;
  }
  throw new StoreError('invalid_argument', `series key: ${path} has a ${typeof value}, which has no JSON form`);
}

function shortHash(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 16);
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
