import type { QueryError, QueryValidation } from '../../../query/validate';
import type { ErrorFor } from './fieldProps';

/**
 * Splits validation errors into those shown at a field (a field owns its nested paths: options.x,
 * thresholds[0].score) and the general ones no field owns, shown once above the form.
 */
export function fieldErrors(validation: QueryValidation): { errorFor: ErrorFor; general: QueryError[] } {
  const errors: QueryError[] = validation.ok ? [] : validation.errors;
  const errorFor: ErrorFor = (field) =>
    errors
      .filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`))
      .map((e) => e.message)
      .join('; ') || undefined;
  const general = errors.filter((e) => e.field === '' || e.field === 'schemaVersion' || e.field === 'queryType');
  return { errorFor, general };
}
