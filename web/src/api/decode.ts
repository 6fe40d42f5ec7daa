/**
 * Small decoders that turn parsed JSON into typed values. A decoder returns `undefined` when the shape is
 * wrong, so a server answer that breaks the contract fails loudly in `request` instead of deep in a page.
 *
 * Optional or nullable fields decode to `null` (never `undefined`), so "missing" and "wrong" stay distinct.
 */

/** Turns parsed JSON into a typed value, or returns `undefined` when the shape is wrong. */
export type Decoder<T> = (value: unknown) => T | undefined;

/** The type a decoder produces. */
export type Decoded<D> = D extends Decoder<infer T> ? T : never;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const str: Decoder<string> = (value) => (typeof value === 'string' ? value : undefined);

export const int: Decoder<number> = (value) =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined;

/** Any finite number (JSON has no separate integer type: prices, quantities, shares). */
export const num: Decoder<number> = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

export const bool: Decoder<boolean> = (value) => (typeof value === 'boolean' ? value : undefined);

/** Any JSON value; a missing value becomes `null`. */
export const json: Decoder<unknown> = (value) => (value === undefined ? null : value);

/** Accepts any answer (typically the empty body of a 204) and yields `null`. */
export const nothing: Decoder<null> = () => null;

/** `null` or a missing field decode to `null`; anything else must satisfy `decoder`. */
export function nullable<T>(decoder: Decoder<T>): Decoder<T | null> {
  return (value) => (value === undefined || value === null ? null : decoder(value));
}

/** A missing field decodes to `fallback`; a present one must satisfy `decoder`. */
export function withDefault<T>(decoder: Decoder<T>, fallback: T): Decoder<T> {
  return (value) => (value === undefined || value === null ? fallback : decoder(value));
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly string[]>(values: T): Decoder<T[number]> {
  return (value) =>
    typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T[number]) : undefined;
}

/** Either of two decoders (tried in order). */
export function either<A, B>(first: Decoder<A>, second: Decoder<B>): Decoder<A | B> {
  return (value) => {
    const a = first(value);
    return a !== undefined ? a : second(value);
  };
}

export function arrayOf<T>(decoder: Decoder<T>): Decoder<T[]> {
  return (value) => {
    if (!Array.isArray(value)) return undefined;
    const out: T[] = [];
    for (const item of value) {
      const decoded = decoder(item);
      if (decoded === undefined) return undefined;
      out.push(decoded);
    }
    return out;
  };
}

type Shape = Record<string, Decoder<unknown>>;
type ObjectOf<S extends Shape> = { -readonly [K in keyof S]: Decoded<S[K]> };

/** An object with (at least) the given fields; unknown fields are ignored. */
export function object<S extends Shape>(shape: S): Decoder<ObjectOf<S>> {
  return (value) => {
    if (!isRecord(value)) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) {
      const decoded = shape[key]!(value[key]);
      if (decoded === undefined) return undefined;
      out[key] = decoded;
    }
    return out as ObjectOf<S>;
  };
}

/** An object used as a map: every value must satisfy `decoder` (e.g. a contact's fields). */
export function recordOf<T>(decoder: Decoder<T>): Decoder<Record<string, T>> {
  return (value) => {
    if (!isRecord(value)) return undefined;
    const out: Record<string, T> = {};
    for (const [key, item] of Object.entries(value)) {
      const decoded = decoder(item);
      if (decoded === undefined) return undefined;
      out[key] = decoded;
    }
    return out;
  };
}

/** Applies `decoder`, then maps its result. */
export function map<A, B>(decoder: Decoder<A>, f: (value: A) => B): Decoder<B> {
  return (value) => {
    const decoded = decoder(value);
    return decoded === undefined ? undefined : f(decoded);
  };
}

/** The value of one field of an object, e.g. `{"stores":[…]}` → `[…]`. */
export function field<T>(name: string, decoder: Decoder<T>): Decoder<T> {
  return (value) => (isRecord(value) ? decoder(value[name]) : undefined);
}
