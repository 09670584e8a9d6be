/**
 * Typed failures of the model store. Every one carries a `code` the backend maps to a response
 * (not found -> 404, invalid argument -> 400, ...) and a message a user can act on.
 */
export type StoreErrorCode =
  | 'invalid_argument'
  | 'not_found'
  | 'corrupt_model'
  | 'schema_too_new'
  | 'cannot_open'
  | 'not_writable'
  | 'busy'
  | 'storage'
  | 'closed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** A stored version that cannot be turned back into a model: bad JSON, or refused by loadModel(). */
export class CorruptModelError extends StoreError {
  readonly key: string;
  readonly version: number;
  /** Why it does not load, without the key/version prefix. */
  readonly reason: string;
  constructor(key: string, version: number, reason: string, options?: { cause?: unknown }) {
    super('corrupt_model', `stored model ${key} version ${version} is corrupt: ${reason}`, options);
    this.name = 'CorruptModelError';
    this.key = key;
    this.version = version;
    this.reason = reason;
  }
}

/** The database was written by a newer Vigil whose schema this one does not know. */
export class SchemaTooNewError extends StoreError {
  readonly found: number;
  readonly supported: number;
  /** `elsewhere`: the other way out besides upgrading, in the words of the store's settings. */
  constructor(path: string, found: number, supported: number, elsewhere = 'point it at another model store path') {
    super(
      'schema_too_new',
      `model store ${path} has schema version ${found}, but this Vigil reads schema versions up to ${supported}: ` +
        `upgrade Vigil, or ${elsewhere} (the database was left untouched)`
    );
    this.name = 'SchemaTooNewError';
    this.found = found;
    this.supported = supported;
  }
}
