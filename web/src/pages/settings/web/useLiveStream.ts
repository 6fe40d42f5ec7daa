import { useEffect, useRef, useState } from 'react';
import { pollIntegrationLive } from '../../../api/contacts';
import type { LiveEntry } from '../../../api/contactTypes';

/** How many requests the live view keeps (the server keeps the last 200 of each store). */
export const LIVE_LIMIT = 200;
/** How long one poll may wait on the server for the next request (its maximum). */
const WAIT_SECONDS = 10;
const MAX_BACKOFF_MS = 30_000;

export interface LiveRow extends LiveEntry {
  /** Unique in this view, even if the server restarts and its sequence numbers begin again. */
  key: number;
}

export type LiveConnection = 'connecting' | 'live' | 'retrying' | 'paused' | 'hidden';

export interface LiveStream {
  /** Newest first. */
  rows: LiveRow[];
  connection: LiveConnection;
  /** The last failure while `retrying`. */
  error: unknown;
}

/** Whether the document is visible (not a background tab or a minimised window). */
export function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        window.clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * The store's incoming requests, live: the recent ones at once, then a long poll (`GET …/integration/live
 * ?after=&wait=10`) in a loop while `running` and the page is visible. Pausing (or hiding the tab) stops
 * polling; resuming catches up from the last request seen, within what the server still keeps. Failures are
 * retried with a growing delay. `onEntries` hears of every new batch (oldest first).
 */
export function useLiveStream(
  storeId: number,
  running: boolean,
  onEntries: (entries: readonly LiveEntry[]) => void,
): LiveStream {
  const visible = useDocumentVisible();
  const active = running && visible;
  const [rows, setRows] = useState<LiveRow[]>([]);
  const [polling, setPolling] = useState<{ state: 'connecting' | 'live' | 'retrying'; error: unknown }>({
    state: 'connecting',
    error: null,
  });
  const after = useRef(0);
  const primed = useRef(false);
  const nextKey = useRef(1);
  const onEntriesRef = useRef(onEntries);
  onEntriesRef.current = onEntries;

  useEffect(() => {
    if (!active) return undefined;
    const controller = new AbortController();
    const { signal } = controller;
    void (async () => {
      let failures = 0;
      while (!signal.aborted) {
        try {
          // The first call answers at once with what the server kept; the next ones wait for news.
          const page = await pollIntegrationLive(storeId, after.current, primed.current ? WAIT_SECONDS : 0, signal);
          if (signal.aborted) return;
          primed.current = true;
          failures = 0;
          // A `next` below ours means the server restarted: its numbering began again, and so do we.
          after.current = page.next;
          setPolling({ state: 'live', error: null });
          if (page.entries.length > 0) {
            const fresh = page.entries.map((entry) => ({ ...entry, key: nextKey.current++ })).reverse();
            setRows((current) => [...fresh, ...current].slice(0, LIVE_LIMIT));
            onEntriesRef.current(page.entries);
          }
        } catch (error) {
          if (signal.aborted) return;
          failures += 1;
          setPolling({ state: 'retrying', error });
          await sleep(Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures - 1, 5)), signal);
        }
      }
    })();
    return () => controller.abort();
  }, [storeId, active]);

  const connection: LiveConnection = !running ? 'paused' : !visible ? 'hidden' : polling.state;
  return { rows, connection, error: polling.state === 'retrying' ? polling.error : null };
}
