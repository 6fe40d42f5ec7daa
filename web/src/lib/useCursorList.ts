import { useCallback, useEffect, useRef, useState } from 'react';

/** One page of a list the API pages with cursors (`next_cursor`, `null` on the last page). */
export interface CursorPage<T> {
  items: T[];
  next: string | null;
}

export interface CursorList<T> {
  status: 'loading' | 'ready' | 'error';
  /** Every item loaded so far, in the API's order. */
  items: T[];
  /** Why the first page failed (`status: 'error'`). */
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  /** Why the last "load more" failed; the items already shown stay. */
  moreError: unknown;
  loadMore: () => void;
  /** Starts again from the first page (keeps showing the current items until it arrives). */
  reload: () => void;
}

interface State<T> {
  status: 'loading' | 'ready' | 'error';
  items: T[];
  next: string | null;
  error: unknown;
  loadingMore: boolean;
  moreError: unknown;
}

function initial<T>(): State<T> {
  return { status: 'loading', items: [], next: null, error: null, loadingMore: false, moreError: null };
}

/**
 * A list read page by page: the first page loads on mount and whenever `deps` change (the query), further
 * pages on `loadMore`. Answers to a query that is no longer current are dropped. `deps` must name
 * everything `load` reads (like `useEffect`).
 */
export function useCursorList<T>(
  load: (cursor: string | null, signal: AbortSignal) => Promise<CursorPage<T>>,
  deps: readonly unknown[],
): CursorList<T> {
  const [state, setState] = useState<State<T>>(initial);
  const [version, setVersion] = useState(0);
  // The query generation: a "load more" started for an older query must not append to a newer one.
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const moreController = useRef<AbortController | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;

  useEffect(() => {
    const current = ++generation.current;
    moreController.current?.abort();
    const controller = new AbortController();
    // Keep showing the items until the new first page arrives, but never offer their next page.
    setState((previous) => ({ ...previous, next: null, loadingMore: false, moreError: null }));
    loadRef.current(null, controller.signal).then(
      (page) => {
        if (controller.signal.aborted || current !== generation.current) return;
        setState({ status: 'ready', items: page.items, next: page.next, error: null, loadingMore: false, moreError: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted || current !== generation.current) return;
        setState({ ...initial<T>(), status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [...deps, version]);

  useEffect(() => () => moreController.current?.abort(), []);

  const loadMore = useCallback(() => {
    const previous = stateRef.current;
    if (previous.next === null || previous.loadingMore || previous.status !== 'ready') return;
    const current = generation.current;
    const controller = new AbortController();
    moreController.current = controller;
    setState((now) => ({ ...now, loadingMore: true, moreError: null }));
    loadRef.current(previous.next, controller.signal).then(
      (page) => {
        if (controller.signal.aborted || current !== generation.current) return;
        setState((now) => ({ ...now, items: [...now.items, ...page.items], next: page.next, loadingMore: false }));
      },
      (error: unknown) => {
        if (controller.signal.aborted || current !== generation.current) return;
        setState((now) => ({ ...now, loadingMore: false, moreError: error }));
      },
    );
  }, []);

  const reload = useCallback(() => setVersion((v) => v + 1), []);

  return {
    status: state.status,
    items: state.items,
    error: state.error,
    hasMore: state.next !== null,
    loadingMore: state.loadingMore,
    moreError: state.moreError,
    loadMore,
    reload,
  };
}

/**
 * Keeps a keyboard user's place when a list grows: call `mark()` as "Load more" is clicked, and the first
 * new item takes the focus when it arrives (on the last page the button itself disappears, which would
 * drop the focus to the page). `itemRef(index)` goes on each item's focusable element.
 */
export function useFocusOnMore(count: number): {
  mark: () => void;
  itemRef: (index: number) => (element: HTMLElement | null) => void;
} {
  const from = useRef<number | null>(null);
  const elements = useRef<(HTMLElement | null)[]>([]);
  useEffect(() => {
    if (from.current !== null && count > from.current) {
      elements.current[from.current]?.focus();
      from.current = null;
    }
  }, [count]);
  const mark = useCallback(() => {
    from.current = count;
  }, [count]);
  const itemRef = useCallback(
    (index: number) => (element: HTMLElement | null) => {
      elements.current[index] = element;
    },
    [],
  );
  return { mark, itemRef };
}
