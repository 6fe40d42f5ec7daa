import { useState } from 'react';
import { getScopeCatalog, listApiKeys, revokeApiKey } from '../../api/stores';
import type { ApiKey } from '../../api/types';
import { actorLabel } from '../../components/AuditLog';
import { Badge } from '../../components/Badge';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { Panel } from '../../components/Panel';
import { RelativeTime } from '../../components/RelativeTime';
import { Spinner } from '../../components/Spinner';
import { Muted, Table } from '../../components/Table';
import { useToast } from '../../components/Toasts';
import { errorMessage } from '../../lib/errors';
import { useResource } from '../../lib/useResource';
import { useCurrentStore } from '../../session/Workspace';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';
import { accessByResource, DEFAULT_RESOURCES, isFullAccess, resourceLabel } from './scopes';
import styles from './ApiKeysPanel.module.css';

function ScopeSummary({ scopes, resources }: { scopes: readonly string[]; resources: readonly string[] }) {
  if (isFullAccess(scopes, resources)) return <span className={styles.chip}>All resources · read & write</span>;
  const granted = [...accessByResource(scopes, resources)].filter(([, access]) => access !== 'none');
  if (granted.length === 0) return <Muted>None</Muted>;
  return (
    <ul className={styles.chips} aria-label="Scopes">
      {granted.map(([resource, access]) => (
        <li key={resource} className={styles.chip}>
          {resourceLabel(resource)} <span className={styles.access}>{access === 'write' ? 'read & write' : 'read'}</span>
        </li>
      ))}
    </ul>
  );
}

/** API keys of the store: list, create (the secret is shown once), revoke. */
export function ApiKeysPanel() {
  const store = useCurrentStore();
  const notify = useToast();
  const keys = useResource((signal) => listApiKeys(store.id, signal), [store.id]);
  const catalog = useResource((signal) => getScopeCatalog(signal), []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const resources: readonly string[] = catalog.state.status === 'ready' ? catalog.state.data.resources : DEFAULT_RESOURCES;
  const { state } = keys;

  return (
    <Panel
      title="API keys"
      description={
        <>
          Keys let your systems call the Starling API for this store, each limited to the resources you choose. Send
          a key as <code>Authorization: apiKey &#123;id&#125;:&#123;secret&#125;</code>.
        </>
      }
      flush
      actions={
        <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
          Create new API key
        </Button>
      }
    >
      {state.status === 'loading' && (
        <p className={styles.status} role="status">
          <Spinner /> Loading API keys…
        </p>
      )}
      {state.status === 'error' && (
        <div className={styles.padded}>
          <Banner tone="error" action={<Button size="sm" onClick={keys.reload}>Try again</Button>}>
            {errorMessage(state.error)}
          </Banner>
        </div>
      )}
      {state.status === 'ready' && state.data.length === 0 && (
        <EmptyState variant="inline" icon="key" title="No API keys yet">
          Create a key for each system that talks to Starling, so you can revoke one without disturbing the others.
        </EmptyState>
      )}
      {state.status === 'ready' && state.data.length > 0 && (
        <Table label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created by</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col" data-align="end">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {state.data.map((key) => (
              <tr key={key.id}>
                <td>
                  <div className={styles.name}>
                    <span className={styles.keyName}>{key.name}</span>
                    <code className={styles.keyId}>{key.id}</code>
                  </div>
                </td>
                <td className={styles.scopes}>
                  <ScopeSummary scopes={key.scopes} resources={resources} />
                </td>
                <td className={styles.creator}>{actorLabel(key.created_by)}</td>
                <td>
                  <RelativeTime iso={key.created_at} />
                </td>
                <td>
                  <RelativeTime iso={key.last_used_at} never="Never" />
                </td>
                <td>
                  {key.revoked_at === null ? (
                    <Badge tone="success">Active</Badge>
                  ) : (
                    <span title={`Revoked ${new Date(key.revoked_at).toLocaleString()}`}>
                      <Badge tone="danger">Revoked</Badge>
                    </span>
                  )}
                </td>
                <td data-align="end">
                  {key.revoked_at === null && (
                    <Button size="sm" variant="ghost" aria-label={`Revoke API key ${key.name}`} onClick={() => setRevoking(key)}>
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <CreateApiKeyDialog
        open={creating}
        resources={resources}
        onCreated={(key) => keys.setData((list) => [key, ...list])}
        onClose={() => setCreating(false)}
      />
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke API key?"
        confirmLabel="Revoke key"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (revoking === null) return;
          const id = revoking.id;
          await revokeApiKey(store.id, id);
          const now = new Date().toISOString();
          keys.setData((list) => list.map((k) => (k.id === id ? { ...k, revoked_at: k.revoked_at ?? now } : k)));
          notify(`API key “${revoking.name}” revoked.`);
          keys.reload();
        }}
      >
        Requests made with <strong>{revoking?.name}</strong> (<code>{revoking?.id}</code>) will be refused at once.
        This cannot be undone.
      </ConfirmDialog>
    </Panel>
  );
}
