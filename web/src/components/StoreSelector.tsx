import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from './Icon';
import styles from './StoreSelector.module.css';

/** An organization or store as the selector shows it. */
interface Choice {
  name: string;
}

// Placeholder until accounts exist: one organization with one store. A later issue loads the signed-in
// member's organizations and stores from the API and makes the choice switch the whole UI.
const ORGANIZATION: Choice = { name: 'Demo organization' };
const STORE: Choice = { name: 'Demo store' };

const ACCOUNTS_NOTE = 'Organizations and stores arrive with accounts.';

function initial(name: string): string {
  return name.trim().charAt(0).toUpperCase();
}

/** Shows which organization and store the UI is working on, and (later) switches between them. */
export function StoreSelector() {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return undefined;
    const onPointerDown = (event: PointerEvent) => {
      if (event.target instanceof Node && rootRef.current?.contains(event.target) !== true) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

  return (
    <div className={styles.root} ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={styles.trigger}
        aria-expanded={open}
        aria-controls={panelId}
        title={ACCOUNTS_NOTE}
        onClick={() => setOpen((value) => !value)}
      >
        <span className={styles.avatar} aria-hidden="true">
          {initial(ORGANIZATION.name)}
        </span>
        <span className={styles.path}>
          <span className={styles.organization}>{ORGANIZATION.name}</span>
          <span className={styles.separator} aria-hidden="true">
            ›
          </span>
          <span className={styles.store}>{STORE.name}</span>
        </span>
        <Icon name="chevronUpDown" size={16} className={styles.chevron} />
      </button>

      {open && (
        <div id={panelId} className={styles.panel} role="group" aria-label="Organization and store">
          <p className={styles.heading}>Organization</p>
          <div className={styles.option} aria-current="true">
            <span className={styles.avatar} aria-hidden="true">
              {initial(ORGANIZATION.name)}
            </span>
            <span className={styles.optionName}>{ORGANIZATION.name}</span>
            <Icon name="check" size={16} className={styles.check} />
          </div>
          <p className={styles.heading}>Store</p>
          <div className={styles.option} aria-current="true">
            <span className={styles.storeIcon} aria-hidden="true">
              <Icon name="store" size={14} />
            </span>
            <span className={styles.optionName}>{STORE.name}</span>
            <Icon name="check" size={16} className={styles.check} />
          </div>
          <p className={styles.note}>{ACCOUNTS_NOTE} Until then, Starling works on this demo store.</p>
        </div>
      )}
    </div>
  );
}
