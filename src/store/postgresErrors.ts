import { StoreError, type StoreErrorCode } from './errors';

/** Where the store connects, for messages: never the password. */
export interface PgTarget {
  /** postgres://user@host:port/database, without password or query. */
  display: string;
  host: string;
  port: number;
  user: string;
  database: string;
}

/** Timeouts the messages name, so a user knows which setting was hit. */
export interface PgTimeouts {
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

/**
 * Maps a node-postgres failure to a StoreError whose message says what to fix. A Grafana admin
 * sees these in the health check and in query errors, so each names the setting to change (the
 * PostgreSQL URL, the password, the database) rather than echoing the driver.
 */
export function pgError(e: unknown, target: PgTarget, op: 'open' | 'read' | 'write', t: PgTimeouts): StoreError {
  if (e instanceof StoreError) {
    return e;
  }
  const err = e as { code?: unknown; message?: unknown; cause?: unknown };
  const detail = String(err?.message ?? e);
  const code = typeof err?.code === 'string' ? err.code : pgCauseCode(err?.cause);
  const where = `model store ${target.display}`;
  const make = (c: StoreErrorCode, message: string) =>
    new StoreError(c, `${message} (PostgreSQL: ${detail})`, { cause: e });
  switch (code) {
    case 'ECONNREFUSED':
      return make(
        'cannot_open',
        `${where}: connection refused at ${target.host}:${target.port}: check that PostgreSQL runs and listens there ` +
          `(listen_addresses, port), and the host and port of the data source's PostgreSQL URL`
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make(
        'cannot_open',
        `${where}: host ${target.host} is not known: fix the host of the data source's PostgreSQL URL`
      );
    case 'ENOENT':
      // A unix socket path that does not exist.
      return make(
        'cannot_open',
        `${where}: no PostgreSQL socket at ${target.host}: check that PostgreSQL runs, or fix the host of the PostgreSQL URL`
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return make(
        'cannot_open',
        `${where}: ${target.host}:${target.port} cannot be reached: check the host, port and any firewall between Grafana and PostgreSQL`
      );
    case 'ECONNRESET':
    case 'EPIPE':
    case '57P01': // admin_shutdown
    case '57P02': // crash_shutdown
    case '57P03': // cannot_connect_now
      return make(
        'storage',
        `${where}: the connection to PostgreSQL was lost during ${op}; the next request reconnects`
      );
    case '28P01': // invalid_password
      return make(
        'cannot_open',
        `${where}: password authentication failed for user ${target.user}: fix the PostgreSQL password in the ` +
          `data source settings (secure field), or the user in the PostgreSQL URL`
      );
    case '28000': // invalid_authorization_specification (pg_hba.conf rejects)
      return make(
        'cannot_open',
        `${where}: PostgreSQL refuses user ${target.user} from this host: allow it in pg_hba.conf, or fix the user ` +
          `and sslmode of the PostgreSQL URL`
      );
    case '3D000': // invalid_catalog_name
      return make(
        'cannot_open',
        `${where}: database ${target.database} does not exist: create it (CREATE DATABASE ${quoteIdent(target.database)} ` +
          `OWNER ${quoteIdent(target.user)}) or fix the database name in the PostgreSQL URL`
      );
    case '42501': // insufficient_privilege
      return make(
        'not_writable',
        `${where}: user ${target.user} lacks a privilege for ${op}: grant it CREATE on the database's schema and ` +
          `SELECT, INSERT, UPDATE, DELETE on the vigil_* tables (or make it their owner)`
      );
    case '25006': // read_only_sql_transaction
      return make(
        'not_writable',
        `${where}: the server is read-only (a standby?): point the PostgreSQL URL at the primary`
      );
    case '53100': // disk_full
      return make('not_writable', `${where}: the PostgreSQL server's disk is full`);
    case '53300': // too_many_connections
      return make(
        'busy',
        `${where}: PostgreSQL has no free connection slots: raise max_connections or lower the pool size`
      );
    case '57014': // query_canceled: statement_timeout
      return make(
        'busy',
        `${where}: a ${op} took longer than the statement timeout of ${t.statementTimeoutMs} ms (a long lock wait ` +
          `or a busy server)`
      );
    case '55P03': // lock_not_available
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
      return make('busy', `${where}: the ${op} conflicted with another instance's write; retry`);
    default:
      break;
  }
  if (/client password must be a string|password authentication/i.test(detail)) {
    // node-postgres' words when the server asks for a password and none is configured.
    return make(
      'cannot_open',
      `${where}: PostgreSQL asks user ${target.user} for a password and none is set: enter the PostgreSQL ` +
        `password in the data source settings (secure field)`
    );
  }
  if (/timeout expired|connection timeout/i.test(detail)) {
    return make(
      'cannot_open',
      `${where}: no connection to ${target.host}:${target.port} within ${t.connectTimeoutMs} ms: check that ` +
        `PostgreSQL runs and is reachable from Grafana`
    );
  }
  if (/Query read timeout/i.test(detail)) {
    return make('busy', `${where}: PostgreSQL did not answer a ${op} within ${t.statementTimeoutMs} ms`);
  }
  if (/Connection terminated/i.test(detail)) {
    return make('storage', `${where}: the connection to PostgreSQL was lost during ${op}; the next request reconnects`);
  }
  if (/SSL|self[- ]signed|certificate/i.test(detail)) {
    return make(
      'cannot_open',
      `${where}: TLS to PostgreSQL failed: fix the sslmode of the PostgreSQL URL (e.g. sslmode=require, or ` +
        `sslmode=disable for a server without TLS) or the server's certificate`
    );
  }
  return make(op === 'write' ? 'not_writable' : 'storage', `${where}: ${op} failed`);
}

function pgCauseCode(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
