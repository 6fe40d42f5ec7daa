import { useState } from 'react';
import { Outlet, useNavigate } from 'react-router-dom';
import { Button } from '../components/Button';
import { CreateOrganizationDialog } from '../components/CreateOrganizationDialog';
import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { useSessionContext } from './SessionContext';
import { useWorkspace } from './Workspace';

/**
 * The pages that work on one store. When there is a current store they render, keyed by its id, so that
 * switching stores starts every page afresh; otherwise a friendly way to get a first store.
 */
export function RequireStore() {
  const { store } = useWorkspace();
  if (store === null) return <NoStore />;
  return <Outlet key={store.id} />;
}

function NoStore() {
  const { organization, isOrgAdmin, selectOrganization } = useWorkspace();
  const { refresh } = useSessionContext();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

  const createOrganization = (
    <CreateOrganizationDialog
      open={creating}
      onClose={() => setCreating(false)}
      onCreated={async (created) => {
        await refresh();
        selectOrganization(created.id);
        setCreating(false);
        navigate(`/organizations/${created.id}/stores?create=1`);
      }}
    />
  );

  if (organization === null) {
    return (
      <>
        <PageHeader title="Welcome to Starling" />
        <EmptyState
          icon="building"
          title="Start with your organization"
          actions={
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              Create organization
            </Button>
          }
        >
          An organization holds your stores and your team. Create yours, then add the store of your online
          shop. If a colleague already uses Starling, ask them to invite you instead.
        </EmptyState>
        {createOrganization}
      </>
    );
  }

  return (
    <>
      <PageHeader title={organization.name} />
      {isOrgAdmin ? (
        <EmptyState
          icon="store"
          title="Add your first store"
          actions={
            <Button variant="primary" icon="plus" onClick={() => navigate(`/organizations/${organization.id}/stores?create=1`)}>
              Create store
            </Button>
          }
        >
          A store is one online shop: its contacts, catalog, workflows and settings. Create one to start
          collecting events and building workflows.
        </EmptyState>
      ) : (
        <EmptyState icon="store" title="No store to open yet">
          You are a member of {organization.name}, but no store has been shared with you. Ask one of its
          administrators to add you to a store.
        </EmptyState>
      )}
    </>
  );
}
