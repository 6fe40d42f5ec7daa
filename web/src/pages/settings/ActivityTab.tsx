import { useCallback } from 'react';
import { getStoreAuditLog } from '../../api/stores';
import { AuditLog } from '../../components/AuditLog';
import { useCurrentStore } from '../../session/Workspace';

/** Who changed what in the store's settings, members and keys. */
export function ActivityTab() {
  const store = useCurrentStore();
  const load = useCallback(
    (cursor: string | null, signal?: AbortSignal) => getStoreAuditLog(store.id, cursor, signal),
    [store.id],
  );
  return (
    <AuditLog
      description={`Changes to ${store.name}: settings, members, invitations, API keys and excluded IPs, newest first.`}
      load={load}
      selfTarget={String(store.id)}
    />
  );
}
