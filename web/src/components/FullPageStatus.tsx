import type { ReactNode } from 'react';
import markUrl from '../assets/starling-mark.svg';
import { Spinner } from './Spinner';
import styles from './FullPageStatus.module.css';

/** The whole window while the app starts (shown only if starting takes a moment), or when it cannot start. */
export function FullPageStatus({ label, busy = false, children }: { label: string; busy?: boolean; children?: ReactNode }) {
  return (
    <div className={busy ? `${styles.page} ${styles.delayed}` : styles.page} aria-busy={busy || undefined}>
      <title>Starling</title>
      <img className={styles.mark} src={markUrl} alt="" width={36} height={36} />
      <p className={styles.label} role="status">
        {busy && <Spinner size={14} />}
        {label}
      </p>
      {children !== undefined && <div className={styles.body}>{children}</div>}
    </div>
  );
}
