// Small helpers that never throw: storage may be disabled (private modes, sandboxed frames), and the
// script must never break the host page.

const PREFIX = '[starling] ';

export function warn(message: string): void {
  try {
    console.warn(PREFIX + message);
  } catch {
    // no console: nothing to do
  }
}

type StorageKind = 'localStorage' | 'sessionStorage';

export function load(kind: StorageKind, key: string): string | null {
  try {
    return window[kind].getItem(key);
  } catch {
    return null;
  }
}

export function save(kind: StorageKind, key: string, value: string | null): void {
  try {
    if (value === null) window[kind].removeItem(key);
    else window[kind].setItem(key, value);
  } catch {
    // storage full or disabled: the script works without it, only less well
  }
}

/** Fires `name` on `document` with `detail`; listeners' exceptions do not reach the caller. */
export function fire<T>(name: string, detail: T): T {
  try {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  } catch {
    // CustomEvent unsupported: the API still works
  }
  return detail;
}

/** JSON with object keys sorted, so that two equal values give the same text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** A deep copy through JSON: drops functions and undefined, so later changes by the caller do not leak in. */
export function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `*` matches any characters; everything else is literal; the whole text must match. */
export function globMatch(pattern: string, text: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(text);
}
