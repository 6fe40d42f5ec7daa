import { ApiError, ClientErrorCode } from '../api/client';

/** A sentence for a person, from anything a request or an action threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === ClientErrorCode.Network) return 'Starling could not be reached. Check your connection and try again.';
    if (error.status === 429) {
      const wait = error.retryAfterSeconds;
      return wait !== undefined && wait > 0
        ? `${error.message} Try again in ${formatWait(wait)}.`
        : error.message;
    }
    return error.message;
  }
  return 'Something went wrong. Try again, and reload the page if it keeps happening.';
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** The errors of a form: messages tied to its fields, and the rest for a banner above it. */
export interface FormErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  banner: string | null;
  /** For a list field, the position (from 0) of the element the error is about (`include_urls[2]` → 2). */
  items?: Partial<Record<F, number>>;
}

export const NO_ERRORS = { fields: {}, banner: null } as const satisfies FormErrors<never>;

/**
 * Sorts a failure into a field error when the API named one of `fields` (`error.field`), otherwise into the
 * banner. Nested API fields match by their full dotted path (`address.city`) or, when unique, by their
 * last part, so `cart_abandonment_minutes` and `ecommerce.cart_abandonment_minutes` both land on the input.
 */
export function formErrors<F extends string>(error: unknown, fields: readonly F[]): FormErrors<F> {
  if (error instanceof ApiError && error.field !== undefined) {
    const target = matchField(error.field, fields);
    if (target !== undefined) {
      const errors: FormErrors<F> = {
        fields: { [target.field]: fieldMessage(error.message) } as Partial<Record<F, string>>,
        banner: null,
      };
      if (target.index !== undefined) errors.items = { [target.field]: target.index } as Partial<Record<F, number>>;
      return errors;
    }
  }
  return { fields: {}, banner: errorMessage(error) };
}

/** "field `ip`: host bits set" → "Host bits set": beside the input, naming the field again is noise. */
function fieldMessage(message: string): string {
  const rest = message.replace(/^field `[^`]*`:\s*/, '');
  return rest === '' ? message : rest.charAt(0).toUpperCase() + rest.slice(1);
}

function matchField<F extends string>(apiField: string, fields: readonly F[]): { field: F; index?: number } | undefined {
  const exact = fields.find((f) => f === apiField);
  if (exact !== undefined) return { field: exact };
  // An element of a list field: `authorized_domains[2]` or `authorized_domains.2`.
  for (const f of fields) {
    const element = new RegExp(`^${f.replaceAll('.', '\\.')}(?:\\[(\\d+)\\]|\\.(\\d+))`).exec(apiField);
    if (element !== null) return { field: f, index: Number(element[1] ?? element[2]) };
  }
  const last = (name: string) => name.slice(name.lastIndexOf('.') + 1);
  const candidates = fields.filter((f) => last(f) === last(apiField));
  return candidates.length === 1 && candidates[0] !== undefined ? { field: candidates[0] } : undefined;
}
