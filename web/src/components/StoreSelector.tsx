import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { SessionOrganization } from '../api/types';
import { roleLabel } from '../lib/format';
import { usePopover } from '../lib/usePopover';
import { useSession, useSessionContext } from '../session/SessionContext';
import { isOrgAdminRole, useWorkspace } from '../session/Workspace';
import { CreateOrganizationDialog } from './CreateOrganizationDialog';
import { Icon } from './Icon';
import styles from './StoreSelector.module.css';

function initial(name: string): string {
  return name.trim().charAt(0).toUpperCase() || '?';
}

/**
 * The organization and store the UI works on. The panel lists the user's organizations and, for the one
 * pointed at, its stores: picking a store switches the whole UI. Store administrators get a Configuration
 * button beside each store (the store administrator); organization owners and administrators get a link to
 * the organization administrator and can create stores.
 */
export function StoreSelector() {
  const session = useSession();
  const { refresh } = useSessionContext();
  const workspace = useWorkspace();
  const navigate = useNavigate();
  const { open, close, toggle, rootRef, buttonRef, panelId } = usePopover();
  const [browsedId, setBrowsedId] = useState<number | null>(null);
  const [creatingOrganization, setCreatingOrganization] = useState(false);

  const organizations = session.organizations;
  const browsed: SessionOrganization | null =
    organizations.find((o) => o.id === browsedId) ?? workspace.organization ?? organizations[0] ?? null;

  const openPanel = () => {
    setBrowsedId(workspace.organization?.id ?? null);
    toggle();
  };

  const pickStore = (storeId: number) => {
    workspace.selectStore(storeId);
    close();
    buttonRef.current?.focus();
  };

  const configure = (storeId: number) => {
    workspace.selectStore(storeId);
    close();
    navigate('/settings');
  };

  const label =
    workspace.organization === null
      ? 'No organization'
      : workspace.store === null
        ? workspace.organization.name
        : `${workspace.organization.name} › ${workspace.store.name}`;

  return (
    <div className={styles.root} ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={styles.trigger}
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`${label}: switch organization or store`}
        onClick={openPanel}
      >
        <span className={styles.avatar} aria-hidden="true">
          {initial(workspace.organization?.name ?? 'S')}
        </span>
        <span className={styles.path}>
          {workspace.organization === null ? (
            <span className={styles.store}>Choose a store</span>
          ) : (
            <>
              <span className={styles.organization}>{workspace.organization.name}</span>
              <span className={styles.separator} aria-hidden="true">
                ›
              </span>
              <span className={styles.store}>{workspace.store?.name ?? 'No store yet'}</span>
            </>
          )}
        </span>
        <Icon name="chevronUpDown" size={16} className={styles.chevron} />
      </button>

      {open && (
        <div id={panelId} className={styles.panel} role="group" aria-label="Organizations and stores">
          <div className={styles.column}>
            <p className={styles.heading}>Organizations</p>
            <ul className={styles.list}>
              {organizations.map((organization) => (
                <li key={organization.id}>
                  <button
                    type="button"
                    className={styles.option}
                    aria-pressed={organization.id === browsed?.id}
                    onClick={() => setBrowsedId(organization.id)}
                    onMouseEnter={() => setBrowsedId(organization.id)}
                  >
                    <span className={styles.avatar} aria-hidden="true">
                      {initial(organization.name)}
                    </span>
                    <span className={styles.optionText}>
                      <span className={styles.optionName}>{organization.name}</span>
                      <span className={styles.optionMeta}>
                        {organization.stores.length === 1 ? '1 store' : `${organization.stores.length} stores`}
                      </span>
                    </span>
                    <Icon name="chevronRight" size={14} className={styles.chevronRight} />
                  </button>
                </li>
              ))}
            </ul>
            {organizations.length === 0 && <p className={styles.empty}>You are not in any organization yet.</p>}
            <button
              type="button"
              className={styles.footerAction}
              onClick={() => {
                close();
                setCreatingOrganization(true);
              }}
            >
              <Icon name="plus" size={15} />
              New organization
            </button>
          </div>

          {browsed !== null && (
            <div className={styles.column}>
              <p className={styles.heading}>Stores in {browsed.name}</p>
              {browsed.stores.length === 0 ? (
                <p className={styles.empty}>
                  {isOrgAdminRole(browsed.role)
                    ? 'No stores yet. Create the first one.'
                    : 'You have no store in this organization yet. Ask one of its administrators for access.'}
                </p>
              ) : (
                <ul className={styles.list}>
                  {browsed.stores.map((store) => {
                    const current = store.id === workspace.store?.id;
                    return (
                      <li key={store.id} className={styles.storeRow}>
                        <button
                          type="button"
                          className={styles.option}
                          aria-current={current || undefined}
                          onClick={() => pickStore(store.id)}
                        >
                          <span className={styles.storeIcon} aria-hidden="true">
                            <Icon name="store" size={14} />
                          </span>
                          <span className={styles.optionText}>
                            <span className={styles.optionName}>{store.name}</span>
                            <span className={styles.optionMeta}>{roleLabel(store.role)}</span>
                          </span>
                          {current && <Icon name="check" size={16} className={styles.check} />}
                        </button>
                        {store.role === 'administrator' && (
                          <button
                            type="button"
                            className={styles.configure}
                            title="Configuration"
                            aria-label={`Configuration of ${store.name}`}
                            onClick={() => configure(store.id)}
                          >
                            <Icon name="settings" size={16} />
                          </button>
                        )}
                      </li>
                    );
                  })}
                </ul>
              )}
              {isOrgAdminRole(browsed.role) && (
                <div className={styles.footerLinks}>
                  <Link className={styles.footerAction} to={`/organizations/${browsed.id}/stores?create=1`} onClick={close}>
                    <Icon name="plus" size={15} />
                    Create store
                  </Link>
                  <Link className={styles.footerAction} to={`/organizations/${browsed.id}`} onClick={close}>
                    <Icon name="building" size={15} />
                    Organization settings
                  </Link>
                </div>
              )}
            </div>
          )}
        </div>
      )}

      <CreateOrganizationDialog
        open={creatingOrganization}
        onClose={() => setCreatingOrganization(false)}
        onCreated={async (organization) => {
          await refresh();
          workspace.selectOrganization(organization.id);
          setCreatingOrganization(false);
          navigate(`/organizations/${organization.id}/stores?create=1`);
        }}
      />
    </div>
  );
}
