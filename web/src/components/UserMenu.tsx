import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { initials } from '../lib/format';
import { usePopover } from '../lib/usePopover';
import { useSession, useSessionContext } from '../session/SessionContext';
import { useWorkspace } from '../session/Workspace';
import { Icon } from './Icon';
import { Spinner } from './Spinner';
import { useToast } from './Toasts';
import styles from './UserMenu.module.css';

/** The signed-in person in the top bar: their account, their organization, and signing out. */
export function UserMenu() {
  const { user } = useSession();
  const { signOut } = useSessionContext();
  const { organization, isOrgAdmin } = useWorkspace();
  const navigate = useNavigate();
  const notify = useToast();
  const { open, close, toggle, rootRef, buttonRef, panelId } = usePopover();
  const [signingOut, setSigningOut] = useState(false);
  const displayName = user.name.trim() === '' ? user.email : user.name;

  const onSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } catch {
      notify('Signed out on this device. The server could not be reached to end the session.', 'info');
    }
    navigate('/login', { replace: true });
  };

  return (
    <div className={styles.root} ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={styles.trigger}
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Account menu for ${displayName}`}
        onClick={toggle}
      >
        <span className={styles.avatar} aria-hidden="true">
          {initials(displayName)}
        </span>
        <span className={styles.name}>{displayName}</span>
        <Icon name="chevronDown" size={14} className={styles.chevron} />
      </button>
      {open && (
        <div id={panelId} className={styles.panel} role="group" aria-label="Account">
          <div className={styles.identity}>
            <span className={`${styles.avatar} ${styles.large}`} aria-hidden="true">
              {initials(displayName)}
            </span>
            <span className={styles.identityText}>
              <span className={styles.identityName}>{displayName}</span>
              <span className={styles.identityEmail}>{user.email}</span>
            </span>
          </div>
          <Link className={styles.item} to="/account" onClick={close}>
            <Icon name="user" size={16} />
            Your account
          </Link>
          {organization !== null && isOrgAdmin && (
            <Link className={styles.item} to={`/organizations/${organization.id}`} onClick={close}>
              <Icon name="building" size={16} />
              Organization settings
            </Link>
          )}
          <div className={styles.separator} />
          <button type="button" className={styles.item} onClick={() => void onSignOut()} disabled={signingOut}>
            {signingOut ? <Spinner size={14} /> : <Icon name="logout" size={16} />}
            Sign out
          </button>
        </div>
      )}
    </div>
  );
}
