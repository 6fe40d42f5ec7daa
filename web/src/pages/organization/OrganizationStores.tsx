import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { listOrganizationStores } from '../../api/organizations';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { CreateStoreDialog } from '../../components/CreateStoreDialog';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { Panel } from '../../components/Panel';
import { Spinner } from '../../components/Spinner';
import { Muted, Table } from '../../components/Table';
import { useToast } from '../../components/Toasts';
import { errorMessage } from '../../lib/errors';
import { roleLabel } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useSession, useSessionContext } from '../../session/SessionContext';
import { useWorkspace } from '../../session/Workspace';
import styles from './OrganizationPage.module.css';

/** The stores of the organization, opening one, and "Create store" (`?create=1` opens the dialog). */
export function OrganizationStores({
  organizationId,
  organizationName,
  canManage,
}: {
  organizationId: number;
  organizationName: string;
  canManage: boolean;
}) {
  const session = useSession();
  const { refresh } = useSessionContext();
  const { selectStore, store: currentStore } = useWorkspace();
  const navigate = useNavigate();
  const notify = useToast();
  const [params, setParams] = useSearchParams();
  const { state, reload } = useResource((signal) => listOrganizationStores(organizationId, signal), [organizationId]);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    if (params.get('create') !== '1') return;
    if (canManage) setCreating(true);
    setParams({}, { replace: true });
  }, [params, setParams, canManage]);

  /** Stores of the organization the user can open (from the session, which knows the effective role). */
  const openable = new Map(
    (session.organizations.find((o) => o.id === organizationId)?.stores ?? []).map((s) => [s.id, s]),
  );

  const open = (storeId: number, path: string) => {
    selectStore(storeId);
    navigate(path);
  };

  return (
    <Panel
      title="Stores"
      description={`Each store is one online shop with its own contacts, catalog, workflows and settings.`}
      flush
      actions={
        canManage ? (
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            Create store
          </Button>
        ) : undefined
      }
    >
      {state.status === 'loading' && (
        <p className={styles.status} role="status">
          <Spinner /> Loading stores…
        </p>
      )}
      {state.status === 'error' && (
        <div className={styles.padded}>
          <Banner tone="error" action={<Button size="sm" onClick={reload}>Try again</Button>}>
            {errorMessage(state.error)}
          </Banner>
        </div>
      )}
      {state.status === 'ready' && state.data.length === 0 && (
        <EmptyState
          variant="inline"
          icon="store"
          title="No stores yet"
          actions={
            canManage ? (
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
                Create store
              </Button>
            ) : undefined
          }
        >
          {canManage ? 'Create the store of your online shop to start.' : 'No store has been created in this organization yet.'}
        </EmptyState>
      )}
      {state.status === 'ready' && state.data.length > 0 && (
        <Table label="Stores">
          <thead>
            <tr>
              <th scope="col">Store</th>
              <th scope="col">Site</th>
              <th scope="col">Your role</th>
              <th scope="col" data-align="end">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {state.data.map((store) => {
              const mine = openable.get(store.id);
              return (
                <tr key={store.id}>
                  <td>
                    <span className={styles.storeName}>
                      <span className={styles.storeIcon} aria-hidden="true">
                        <Icon name="store" size={15} />
                      </span>
                      {store.name}
                      {currentStore?.id === store.id && <Muted>(current)</Muted>}
                    </span>
                  </td>
                  <td className={styles.site}>{store.site_url}</td>
                  <td>{mine !== undefined ? roleLabel(mine.role) : <Muted>No access</Muted>}</td>
                  <td data-align="end">
                    {mine !== undefined && (
                      <span className={styles.actions}>
                        <Button size="sm" onClick={() => open(store.id, '/')} aria-label={`Open ${store.name}`}>
                          Open
                        </Button>
                        {mine.role === 'administrator' && (
                          <Button
                            size="sm"
                            icon="settings"
                            onClick={() => open(store.id, '/settings')}
                            aria-label={`Configuration of ${store.name}`}
                          >
                            Configuration
                          </Button>
                        )}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      <CreateStoreDialog
        open={creating}
        organizationId={organizationId}
        organizationName={organizationName}
        onClose={() => setCreating(false)}
        onCreated={async (store) => {
          await refresh();
          selectStore(store.id);
          setCreating(false);
          reload();
          notify(`Store “${store.name}” created. It is now the current store.`);
        }}
      />
    </Panel>
  );
}
