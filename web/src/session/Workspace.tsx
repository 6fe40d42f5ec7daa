import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Session, SessionOrganization, SessionStore } from '../api/types';
import { useSession } from './SessionContext';

/**
 * The organization and store the UI works on. Chosen in the store selector and kept in localStorage per
 * user, so a reload (or a new tab) opens the same store. Derived from the session on every render, so a
 * store the user lost access to is never shown: the first store they can open is used instead.
 */
export interface Workspace {
  organization: SessionOrganization | null;
  store: SessionStore | null;
  /** Administrator of the current store (sees and edits its settings). */
  isStoreAdmin: boolean;
  /** Owner or administrator of the current organization. */
  isOrgAdmin: boolean;
  selectStore: (storeId: number) => void;
  selectOrganization: (organizationId: number) => void;
}

interface Saved {
  organizationId: number | null;
  storeId: number | null;
}

const storageKey = (userId: number) => `starling.workspace.${userId}`;

function readSaved(userId: number): Saved {
  try {
    const raw = window.localStorage.getItem(storageKey(userId));
    if (raw === null) return { organizationId: null, storeId: null };
    const parsed = JSON.parse(raw) as { organizationId?: unknown; storeId?: unknown };
    return {
      organizationId: typeof parsed.organizationId === 'number' ? parsed.organizationId : null,
      storeId: typeof parsed.storeId === 'number' ? parsed.storeId : null,
    };
  } catch {
    return { organizationId: null, storeId: null };
  }
}

function writeSaved(userId: number, saved: Saved): void {
  try {
    window.localStorage.setItem(storageKey(userId), JSON.stringify(saved));
  } catch {
    // Storage full or disabled: the choice lasts until the next reload.
  }
}

/** Makes `storeId` the store the UI opens next for this user (e.g. the store an invitation was for). */
export function rememberStore(userId: number, organizationId: number, storeId: number | null): void {
  writeSaved(userId, { organizationId, storeId });
}

export function isOrgAdminRole(role: SessionOrganization['role']): boolean {
  return role === 'owner' || role === 'administrator';
}

/** Resolves a saved choice against what the session allows. */
export function resolveWorkspace(
  session: Session,
  saved: Saved,
): { organization: SessionOrganization | null; store: SessionStore | null } {
  const orgs = session.organizations;
  for (const organization of orgs) {
    const store = organization.stores.find((s) => s.id === saved.storeId);
    if (store !== undefined) return { organization, store };
  }
  const savedOrg = orgs.find((o) => o.id === saved.organizationId);
  if (savedOrg !== undefined) return { organization: savedOrg, store: savedOrg.stores[0] ?? null };
  const withStore = orgs.find((o) => o.stores.length > 0);
  if (withStore !== undefined) return { organization: withStore, store: withStore.stores[0] ?? null };
  return { organization: orgs[0] ?? null, store: null };
}

const WorkspaceContext = createContext<Workspace | null>(null);

export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const userId = session.user.id;
  const [saved, setSaved] = useState<Saved>(() => readSaved(userId));

  const save = useCallback(
    (next: Saved) => {
      setSaved(next);
      writeSaved(userId, next);
    },
    [userId],
  );

  const selectStore = useCallback(
    (storeId: number) => {
      const organization = session.organizations.find((o) => o.stores.some((s) => s.id === storeId));
      save({ organizationId: organization?.id ?? null, storeId });
    },
    [session, save],
  );

  const selectOrganization = useCallback(
    (organizationId: number) => {
      const organization = session.organizations.find((o) => o.id === organizationId);
      save({ organizationId, storeId: organization?.stores[0]?.id ?? null });
    },
    [session, save],
  );

  const value = useMemo<Workspace>(() => {
    const { organization, store } = resolveWorkspace(session, saved);
    return {
      organization,
      store,
      isStoreAdmin: store?.role === 'administrator',
      isOrgAdmin: organization !== null && isOrgAdminRole(organization.role),
      selectStore,
      selectOrganization,
    };
  }, [session, saved, selectStore, selectOrganization]);

  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): Workspace {
  const value = useContext(WorkspaceContext);
  if (value === null) throw new Error('useWorkspace must be used inside <WorkspaceProvider>');
  return value;
}

/** The current store; only inside `RequireStore`. */
export function useCurrentStore(): SessionStore & { organizationId: number } {
  const { store, organization } = useWorkspace();
  if (store === null || organization === null) throw new Error('useCurrentStore must be used inside <RequireStore>');
  return { ...store, organizationId: organization.id };
}
