import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { getSession, logout } from '../api/auth';
import { setCsrfToken, setUnauthenticatedHandler } from '../api/client';
import type { Session } from '../api/types';

/**
 * Who is signed in. Loaded once at start (`GET /api/v1/session`), replaced on sign-in and after changes that
 * alter the user's organizations or stores (`refresh`), cleared on sign-out and on any 401 answer.
 */
export type SessionState =
  | { status: 'loading' }
  /** `expired`: a request was answered 401 while the UI thought it was signed in. */
  | { status: 'signed-out'; reason: 'initial' | 'signed-out' | 'expired' }
  | { status: 'signed-in'; session: Session }
  /** The session could not be loaded at all (server unreachable…). */
  | { status: 'error'; error: unknown };

interface SessionContextValue {
  state: SessionState;
  /** Adopts the session returned by sign-in or by accepting an invitation. */
  signedIn: (session: Session) => void;
  /** Loads the session again (after creating an organization or a store, or changing memberships). */
  refresh: () => Promise<void>;
  /** Ends the session on the server, then locally (locally even when the server cannot be reached). */
  signOut: () => Promise<void>;
  /** Retries loading after an error. */
  retry: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    getSession(controller.signal).then(
      (session) => {
        if (controller.signal.aborted) return;
        setState(session === null ? { status: 'signed-out', reason: 'initial' } : { status: 'signed-in', session });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setState((current) =>
        current.status === 'signed-in' ? { status: 'signed-out', reason: 'expired' } : current,
      );
    });
    return () => setUnauthenticatedHandler(null);
  }, []);

  const signedIn = useCallback((session: Session) => setState({ status: 'signed-in', session }), []);

  const refresh = useCallback(async () => {
    const session = await getSession();
    setState(session === null ? { status: 'signed-out', reason: 'expired' } : { status: 'signed-in', session });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } finally {
      setCsrfToken(null);
      setState({ status: 'signed-out', reason: 'signed-out' });
    }
  }, []);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(
    () => ({ state, signedIn, refresh, signOut, retry }),
    [state, signedIn, refresh, signOut, retry],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSessionContext must be used inside <SessionProvider>');
  return value;
}

/** The signed-in session; only inside `RequireSession`. */
export function useSession(): Session {
  const { state } = useSessionContext();
  if (state.status !== 'signed-in') throw new Error('useSession must be used inside <RequireSession>');
  return state.session;
}
