import { useEffect, useMemo } from 'react';
import { migrateQuery } from '../../../query/migration';
import type { QueryDefaults, VigilQuery } from '../../../query/types';

/**
 * The query in the current schema. Old shapes are brought to it once, as the editor opens them, and
 * saved through save; a query already current is never rewritten.
 */
export function useMigratedQuery(
  query: VigilQuery,
  defaults: QueryDefaults | undefined,
  save: (migrated: VigilQuery) => void
): VigilQuery {
  const q = useMemo(() => migrateQuery(query, defaults), [query, defaults]);
  const needsMigration = useMemo(() => canonical(q) !== canonical(query), [q, query]);
  useEffect(() => {
    if (needsMigration) {
      save(q);
    }
    // Only when the stored shape differs; the caller's callbacks change identity every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [needsMigration]);
  return q;
}

/** JSON with sorted keys: two queries that differ only in key order are the same query. */
function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v
  );
}
