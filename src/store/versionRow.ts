import { isModelKind, loadModel, type Model, type ModelOptions, type SerializedModel } from '../model';
import { CorruptModelError, StoreError } from './errors';
import type { SeriesKeyParts } from './seriesKey';
import type { KeySummary, ListOptions, SaveMeta, VersionInfo } from './types';

// What every store implementation checks and decodes the same way, so the SQLite and PostgreSQL
// stores cannot drift apart on what they accept or on when a stored model counts as corrupt.

export const MAX_KEY_LENGTH = 8192;
export const MAX_LIST_LIMIT = 10000;

/** Columns of a version row except the model itself (history and listing never read the model). */
export const INFO_COLUMNS = `key, version, created_at, kind, format_version, library_version, options,
  training_from, training_to, training_points, training_step, fingerprint, fit_stats, byte_size`;

/** A key's pin and newest version: which version is active. */
export interface Head {
  latest: number;
  pinned: number | null;
  active: number;
}

/**
 * The head from a row of a key's pin (`pinned`) and newest version (`latest`, null when the key
 * has no versions); undefined when there is no such key or it has no versions.
 */
export function headOf(row: Record<string, unknown> | undefined): Head | undefined {
  if (!row || row.latest === null || row.latest === undefined) {
    return undefined;
  }
  const latest = Number(row.latest);
  const pinned = row.pinned === null ? null : Number(row.pinned);
  return { latest, pinned, active: pinned ?? latest };
}

/**
 * One row of the key listing (columns key, pinned_version, parts, latest, n, kind, last_trained)
 * as the API's KeySummary.
 */
export function toKeySummary(r: Record<string, unknown>): KeySummary {
  return {
    key: String(r.key),
    activeVersion: r.pinned_version === null ? Number(r.latest) : Number(r.pinned_version),
    latestVersion: Number(r.latest),
    pinnedVersion: r.pinned_version === null ? null : Number(r.pinned_version),
    versionCount: Number(r.n),
    kind: String(r.kind) as KeySummary['kind'],
    lastTrainedMs: Number(r.last_trained),
    parts: r.parts === null ? null : (JSON.parse(String(r.parts)) as SeriesKeyParts),
  };
}

/** A version ready to be written: its header fields and texts, validated. */
export interface PreparedVersion {
  header: SerializedModel;
  text: string;
  fitText: string;
  createdAt: number;
  /** JSON of the key parts, or null to keep what the key has. */
  parts: string | null;
  byteSize: number;
}

export function checkKey(key: string): string {
  if (typeof key !== 'string' || key === '') {
    throw new StoreError('invalid_argument', 'model key must be a non-empty string');
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new StoreError('invalid_argument', `model key is ${key.length} characters; at most ${MAX_KEY_LENGTH}`);
  }
  return key;
}

export function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 1) {
    throw new StoreError('invalid_argument', `model version must be an integer >= 1 (got ${String(version)})`);
  }
}

export function checkListOptions(options: ListOptions): { prefix: string; limit: number; offset: number } {
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string') {
    throw new StoreError('invalid_argument', 'list prefix must be a string');
  }
  const limit = options.limit ?? 100;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new StoreError('invalid_argument', `list limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new StoreError('invalid_argument', 'list offset must be an integer >= 0');
  }
  return { prefix, limit, offset };
}

export function checkKeepLast(keepLast: number): void {
  if (!Number.isInteger(keepLast) || keepLast < 1) {
    throw new StoreError(
      'invalid_argument',
      `prune keepLast must be an integer >= 1 (got ${String(keepLast)}); use deleteKey to remove a model entirely`
    );
  }
}

/** Validates and serialises what saveVersion writes; refuses (invalid_argument) before any row is touched. */
export function prepareVersion(
  key: string,
  model: Model | SerializedModel,
  meta: SaveMeta,
  verifyOnSave: boolean
): PreparedVersion {
  checkKey(key);
  const json = isModel(model) ? model.toJSON() : model;
  const header = checkHeader(json, key);
  let text: string;
  try {
    text = JSON.stringify(json);
  } catch (e) {
    throw new StoreError('invalid_argument', `model for ${key} cannot be serialised: ${(e as Error).message}`);
  }
  if (verifyOnSave) {
    try {
      loadModel(JSON.parse(text));
    } catch (e) {
      throw new StoreError(
        'invalid_argument',
        `refusing to store a model for ${key} that does not load back: ${(e as Error).message}`,
        { cause: e }
      );
    }
  }
  const fitStats = meta.fitStats ?? {};
  if (fitStats === null || typeof fitStats !== 'object' || Array.isArray(fitStats)) {
    throw new StoreError('invalid_argument', `fitStats for ${key} must be a JSON object`);
  }
  let fitText: string;
  try {
    fitText = JSON.stringify(fitStats);
  } catch (e) {
    throw new StoreError('invalid_argument', `fitStats for ${key} cannot be serialised: ${(e as Error).message}`);
  }
  const createdAt = meta.createdAtMs ?? Date.now();
  if (!Number.isFinite(createdAt)) {
    throw new StoreError('invalid_argument', 'createdAtMs must be a finite number');
  }
  const parts = meta.parts === undefined ? null : JSON.stringify(meta.parts);
  return { header, text, fitText, createdAt, parts, byteSize: Buffer.byteLength(text, 'utf8') };
}

/** A version row's metadata columns (INFO_COLUMNS) as the API's VersionInfo; throws on unreadable metadata. */
export function toInfo(r: Record<string, unknown>, head: { pinned: number | null; active: number }): VersionInfo {
  const version = Number(r.version);
  const kind = String(r.kind);
  if (!isModelKind(kind) || kind === 'auto') {
    throw new Error(`unknown kind ${JSON.stringify(kind)}`);
  }
  return {
    key: String(r.key),
    version,
    createdAtMs: Number(r.created_at),
    kind,
    formatVersion: Number(r.format_version),
    libraryVersion: String(r.library_version),
    options: JSON.parse(String(r.options)) as ModelOptions,
    training: {
      fromMs: Number(r.training_from),
      toMs: Number(r.training_to),
      points: Number(r.training_points),
      stepMs: Number(r.training_step),
    },
    fingerprint: String(r.fingerprint),
    fitStats: JSON.parse(String(r.fit_stats)) as Record<string, unknown>,
    byteSize: Number(r.byte_size),
    pinned: head.pinned === version,
    active: head.active === version,
  };
}

/** toInfo, with unreadable metadata reported as the version being corrupt. */
export function toInfoOrCorrupt(key: string, version: number, r: Record<string, unknown>, head: Head): VersionInfo {
  try {
    return toInfo(r, head);
  } catch (e) {
    throw new CorruptModelError(key, version, `its metadata does not read: ${(e as Error).message}`, { cause: e });
  }
}

/** Turns a stored model's text back into a model, or says why it is corrupt. */
export function decodeModel(key: string, version: number, info: VersionInfo, text: string): Model {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CorruptModelError(key, version, `the model is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  let model: Model;
  try {
    model = loadModel(parsed);
  } catch (e) {
    throw new CorruptModelError(key, version, `the model library refuses it: ${(e as Error).message}`, { cause: e });
  }
  if (model.kind !== info.kind) {
    throw new CorruptModelError(key, version, `the row says kind ${info.kind} but the model is ${model.kind}`);
  }
  if (model.training.fingerprint !== info.fingerprint) {
    throw new CorruptModelError(
      key,
      version,
      `the row's training fingerprint ${info.fingerprint} differs from the model's ${model.training.fingerprint}`
    );
  }
  return model;
}

/** The note of an activeLoadable that fell back from the active version to `used`. */
export function fallbackNote(key: string, head: Head, used: number, skipped: CorruptModelError[]): string {
  const bad = skipped.map((s) => `version ${s.version} (${s.reason})`).join('; ');
  return (
    `model ${key}: using version ${used}, the newest that loads, instead of ` +
    `${head.pinned === null ? 'the latest' : 'the pinned'} version ${head.active}; corrupt: ${bad}`
  );
}

/** What activeLoadable throws when no version of the key loads. */
export function noneLoads(key: string, skipped: CorruptModelError[]): CorruptModelError {
  const first = skipped[0];
  return new CorruptModelError(
    key,
    first.version,
    `${first.reason}; none of the key's other ${skipped.length - 1} version(s) loads either`
  );
}

function isModel(m: Model | SerializedModel): m is Model {
  return typeof (m as Model).toJSON === 'function' && typeof (m as Model).score === 'function';
}

/** The header fields the version row records, checked so a malformed object never reaches the table. */
function checkHeader(json: unknown, key: string): SerializedModel {
  const fail = (what: string): never => {
    throw new StoreError('invalid_argument', `model for ${key} is not a serialised model: ${what}`);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return fail('not an object');
  }
  const m = json as Record<string, unknown>;
  if (!isModelKind(m.kind) || m.kind === 'auto') {
    fail(`kind ${JSON.stringify(m.kind)} is not a detector kind`);
  }
  if (!Number.isInteger(m.formatVersion)) {
    fail('formatVersion must be an integer');
  }
  if (typeof m.libraryVersion !== 'string') {
    fail('libraryVersion must be a string');
  }
  if (m.options === null || typeof m.options !== 'object') {
    fail('options must be an object');
  }
  const t = m.training as Record<string, unknown> | null | undefined;
  if (t === null || typeof t !== 'object') {
    return fail('training must be an object');
  }
  for (const f of ['fromMs', 'toMs', 'points', 'stepMs']) {
    if (typeof t[f] !== 'number' || !Number.isFinite(t[f])) {
      fail(`training.${f} must be a finite number`);
    }
  }
  if (typeof t.fingerprint !== 'string') {
    fail('training.fingerprint must be a string');
  }
  return json as SerializedModel;
}
