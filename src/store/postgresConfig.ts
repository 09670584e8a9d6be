import { StoreError } from './errors';
import type { PgTarget } from './postgresErrors';

/** How a PostgreSQL store connects. */
export interface PgConnection {
  /**
   * The URL as node-postgres parses it (sslmode and other parameters kept), with the chosen
   * password in it: node-postgres lets a connection string's fields override separate options,
   * so the password cannot be passed beside it. Never shown: `target.display` is.
   */
  connectionString: string;
  target: PgTarget;
}

/**
 * Parses `postgres://user@host:5432/db?sslmode=require`. The password comes from `password` (the
 * data source's secure field); one written in the URL is only used when none is given, and is
 * never part of `target.display`, which messages and the health check show.
 */
export function parsePostgresUrl(url: string, password?: string): PgConnection {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new StoreError(
      'invalid_argument',
      'no PostgreSQL URL: set one in the data source settings (e.g. postgres://vigil@db:5432/vigil)'
    );
  }
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new StoreError(
      'invalid_argument',
      `the PostgreSQL URL is not a URL: write it as postgres://user@host:5432/database`
    );
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new StoreError(
      'invalid_argument',
      `the PostgreSQL URL must start with postgres:// (got ${u.protocol}//): write it as postgres://user@host:5432/database`
    );
  }
  const inUrl = u.password === '' ? undefined : decodeURIComponent(u.password);
  const user = decodeURIComponent(u.username);
  const host = u.searchParams.get('host') ?? (decodeURIComponent(u.hostname) || 'localhost');
  const port = Number(u.port || u.searchParams.get('port') || 5432);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || user;
  const display = `postgres://${user === '' ? '' : `${user}@`}${host}:${port}/${database}`;
  const chosen = password !== undefined && password !== '' ? password : inUrl;
  if (chosen !== undefined) {
    u.password = encodeURIComponent(chosen);
  }
  return { connectionString: u.toString(), target: { display, host, port, user, database } };
}

/** Whether a URL carries a password (settings refuse it: jsonData reaches the browser). */
export function urlHasPassword(url: string): boolean {
  try {
    return new URL(url.trim()).password !== '';
  } catch {
    return false;
  }
}
