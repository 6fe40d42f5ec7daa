import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Banner } from '../components/Banner';
import { Button } from '../components/Button';
import { FullPageStatus } from '../components/FullPageStatus';
import { errorMessage } from '../lib/errors';
import { loginPath } from './paths';
import { useSessionContext } from './SessionContext';

/** Renders its children for a signed-in user; otherwise sends them to sign in, remembering where they were going. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state, retry } = useSessionContext();
  const location = useLocation();

  switch (state.status) {
    case 'loading':
      return <FullPageStatus busy label="Loading Starling…" />;
    case 'error':
      return (
        <FullPageStatus label="Starling could not be loaded">
          <Banner tone="error" action={<Button onClick={retry}>Try again</Button>}>
            {errorMessage(state.error)}
          </Banner>
        </FullPageStatus>
      );
    case 'signed-out': {
      const next = state.reason === 'signed-out' ? null : location.pathname + location.search + location.hash;
      return <Navigate to={loginPath(next, state.reason === 'expired')} replace />;
    }
    case 'signed-in':
      return children;
  }
}
