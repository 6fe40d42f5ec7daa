import { useEffect, useRef, useState } from 'react';
import { ApiError, ClientErrorCode, type EventStream } from '../../../api/client';
import { openIntegrationEvents } from '../../../api/contacts';
import type { LiveEntry } from '../../../api/contactTypes';

/** How many requests the live view shows (the server keeps the last 200 of each store). */
export const LIVE_LIMIT = 200;
/**
 * How many it keeps, so that a filter still finds the rarer requests (those with problems, one visitor's)
 * once a busy store's others have pushed them out of the latest 200.
 */
export const LIVE_KEPT = 2000;
/** Entries arriving this close together (the kept ones on connecting, a burst) are shown as one update. */
const BATCH_MS = 50;
/**
 * How long a dropped connection may take to come back before the view says so. The server ends each stream
 * every few minutes so that the browser reconnects (and is authorised again); that should not flash a warning.
 */
const RECONNECT_GRACE_MS = 5_000;
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

/**
 * The store's incoming requests, live, over one server-sent event stream (`GET …/integration/events`) held
 * open while `running` and the page is visible: first the requests the server still keeps, then each as it
 * arrives. The browser itself reconnects a dropped stream and resumes after the last request seen
 * (`Last-Event-ID`). Pausing (or hiding the tab) closes the stream; resuming opens a new one from the last
 * request seen (`?after=`), within what the server still keeps. A refused stream is retried with a growing
 * delay. `onEntries` hears of every new batch (oldest first).
 */
export function useLiveStream(
  storeId: number,
  running: boolean,
  onEntries: (entries: readonly LiveEntry[]) => void,
): LiveStream {
  const visible = useDocumentVisible();
  const active = running && visible;
  const [rows, setRows] = useState<LiveRow[]>([]);
  const [status, setStatus] = useState<{ state: 'connecting' | 'live' | 'retrying'; error: unknown }>({
    state: 'connecting',
    error: null,
  });
  /** The seq of the last request seen; `null` before the first (then the stream starts with all those kept). */
  const lastSeq = useRef<number | null>(null);
  const nextKey = useRef(1);
  const onEntriesRef = useRef(onEntries);
  onEntriesRef.current = onEntries;

  useEffect(() => {
    if (!active) return undefined;
    let stream: EventStream | null = null;
    let failures = 0;
    let pending: LiveEntry[] = [];
    let batchTimer: number | undefined;
    let graceTimer: number | undefined;
    let retryTimer: number | undefined;
    /** Opened, and not yet shown as live: that waits for the kept requests, which follow the opening. */
    let opened = false;

    const flush = () => {
      window.clearTimeout(batchTimer);
      batchTimer = undefined;
      if (opened) {
        opened = false;
        setStatus({ state: 'live', error: null });
      }
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      const fresh = batch.map((entry) => ({ ...entry, key: nextKey.current++ })).reverse();
      setRows((current) => [...fresh, ...current].slice(0, LIVE_KEPT));
      onEntriesRef.current(batch);
    };

    const connect = () => {
      setStatus((current) => (current.state === 'retrying' ? current : { state: 'connecting', error: null }));
      stream = openIntegrationEvents(storeId, lastSeq.current, {
        onOpen: () => {
          failures = 0;
          window.clearTimeout(graceTimer);
          graceTimer = undefined;
          // "Live" once the requests the server sends first (in the same write as the opening) are shown.
          opened = true;
          batchTimer ??= window.setTimeout(flush, BATCH_MS);
        },
        onEvent: (entry) => {
          lastSeq.current = entry.seq;
          pending.push(entry);
          batchTimer ??= window.setTimeout(flush, BATCH_MS);
        },
        onInterrupted: () => {
          graceTimer ??= window.setTimeout(() => {
            setStatus({
              state: 'retrying',
              error: new ApiError(0, ClientErrorCode.Network, 'The connection to the Starling server was lost.'),
            });
          }, RECONNECT_GRACE_MS);
        },
        onFailed: (error) => {
          stream = null;
          failures += 1;
          setStatus({ state: 'retrying', error });
          retryTimer = window.setTimeout(connect, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures - 1, 5)));
        },
      });
    };

    connect();
    return () => {
      stream?.close();
      window.clearTimeout(graceTimer);
      window.clearTimeout(retryTimer);
      flush();
    };
  }, [storeId, active]);

  const connection: LiveConnection = !running ? 'paused' : !visible ? 'hidden' : status.state;
  return { rows, connection, error: status.state === 'retrying' ? status.error : null };
}
