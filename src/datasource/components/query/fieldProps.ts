import type { VigilQuery } from '../../../query/types';

/** Label width shared by the query editor's rows, so their fields line up. */
export const LABEL_WIDTH = 20;

/** Saves the query; run also re-runs it (fields that commit on blur or on a pick). */
export type ChangeQuery = (next: VigilQuery, run?: boolean) => void;

/** The message to show at a field (joined when several), or undefined when it is valid. */
export type ErrorFor = (field: string) => string | undefined;

/** What every group of query fields receives. */
export interface QueryFieldProps<Q extends VigilQuery = VigilQuery> {
  q: Q;
  change: ChangeQuery;
  errorFor: ErrorFor;
}
