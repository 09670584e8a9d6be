import type { Model } from '../model';

/**
 * Loaded models kept in memory, so a warm query does not parse and rebuild every series' model
 * from its JSON on every request (for 1,000 series that is most of a panel refresh).
 *
 * Entries are keyed by store, series key and version. Versions are immutable, so a new version, a
 * pin or a rollback needs no invalidation: the store asks for the new active version, which is a
 * different entry, and the old one ages out. Each entry also carries the stored row's identity
 * (the `digest` argument: rowid, creation time, text length, fingerprint), which the store compares
 * on every hit, so a row that changed on disk (a key deleted and trained again by another process,
 * a row replaced) is not answered from memory.
 *
 * Bounded twice, least recently used first out: by entries and by the bytes of the stored model
 * JSON (a proxy for the loaded model's heap size, which holds the same numbers as typed arrays).
 */
export interface ModelCacheOptions {
  /** Most models kept. Default 20,000. */
  maxEntries?: number;
  /** Most bytes of stored model JSON kept. Default 512 MiB: about 9,700 `auto` models trained on 3 days at 60 s (55 KB each). */
  maxBytes?: number;
}

export interface ModelCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

interface Entry {
  scope: string;
  key: string;
  version: number;
  digest: string;
  bytes: number;
  model: Model;
}

export const DEFAULT_MODEL_CACHE_ENTRIES = 20_000;
export const DEFAULT_MODEL_CACHE_BYTES = 512 * 1024 * 1024;

export class ModelCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Entry>();
  /** Entry ids per scope + key, so deleting a key drops all its versions at once. */
  private readonly byKey = new Map<string, Set<string>>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(options: ModelCacheOptions = {}) {
    this.maxEntries = positiveInt(options.maxEntries ?? DEFAULT_MODEL_CACHE_ENTRIES, 'maxEntries');
    this.maxBytes = positiveInt(options.maxBytes ?? DEFAULT_MODEL_CACHE_BYTES, 'maxBytes');
  }

  /** The model cached for this version if its digest matches what is stored now. */
  get(scope: string, key: string, version: number, digest: string): Model | undefined {
    const id = entryId(scope, key, version);
    const e = this.entries.get(id);
    if (!e) {
      this.misses++;
      return undefined;
    }
    if (e.digest !== digest) {
      this.remove(id);
      this.misses++;
      return undefined;
    }
    this.entries.delete(id);
    this.entries.set(id, e);
    this.hits++;
    return e.model;
  }

  set(scope: string, key: string, version: number, digest: string, bytes: number, model: Model): void {
    const id = entryId(scope, key, version);
    this.remove(id);
    if (bytes > this.maxBytes) {
      return; // would evict everything else and still not fit
    }
    this.entries.set(id, { scope, key, version, digest, bytes, model });
    const group = groupId(scope, key);
    let ids = this.byKey.get(group);
    if (!ids) {
      ids = new Set();
      this.byKey.set(group, ids);
    }
    ids.add(id);
    this.bytes += bytes;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
      this.evictions++;
    }
  }

  /** Drops one version (pruned). */
  delete(scope: string, key: string, version: number): void {
    this.remove(entryId(scope, key, version));
  }

  /** Drops every version of a key (deleted). */
  deleteKey(scope: string, key: string): void {
    const ids = this.byKey.get(groupId(scope, key));
    ids?.forEach((id) => this.remove(id));
  }

  /** Drops everything of one store (closed). */
  deleteScope(scope: string): void {
    for (const [id, e] of this.entries) {
      if (e.scope === scope) {
        this.remove(id);
      }
    }
  }

  stats(): ModelCacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    };
  }

  private remove(id: string): void {
    const e = this.entries.get(id);
    if (!e) {
      return;
    }
    this.entries.delete(id);
    this.bytes -= e.bytes;
    const group = groupId(e.scope, e.key);
    const ids = this.byKey.get(group);
    ids?.delete(id);
    if (ids?.size === 0) {
      this.byKey.delete(group);
    }
  }
}

// Unambiguous although a key may hold NUL: the scope (no NUL) ends at the first one, the version
// (digits) starts after the last.
function groupId(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}

function entryId(scope: string, key: string, version: number): string {
  return `${scope}\u0000${key}\u0000${version}`;
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`model cache ${name} must be a positive integer, got ${String(n)}`);
  }
  return n;
}
