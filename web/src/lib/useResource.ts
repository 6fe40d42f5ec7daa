import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from 'react';

export type Resource<T> =
  | { status: 'loading'; data: null; error: null }
  | { status: 'ready'; data: T; error: null }
  | { status: 'error'; data: null; error: unknown };

export interface ResourceHandle<T> {
  state: Resource<T>;
  /** Loads again (keeps showing the current data until the answer arrives). */
  reload: () => void;
  /** Replaces the data after a change the page made itself (no request). */
  setData: Dispatch<SetStateAction<T>>;
}

/**
 * Loads `load(signal)` when the component mounts and whenever `deps` change; aborts the request that is no
 * longer wanted. `deps` must name everything `load` reads (like `useEffect`).
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): ResourceHandle<T> {
  const [state, setState] = useState<Resource<T>>({ status: 'loading', data: null, error: null });
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data, error: null });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', data: null, error });
      },
    );
    return () => controller.abort();
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);

  const setData = useCallback<Dispatch<SetStateAction<T>>>((action) => {
    setState((current) => {
      if (current.status !== 'ready') return current;
      const data = typeof action === 'function' ? (action as (previous: T) => T)(current.data) : action;
      return { status: 'ready', data, error: null };
    });
  }, []);

  return { state, reload, setData };
}
