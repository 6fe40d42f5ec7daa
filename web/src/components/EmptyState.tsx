import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import styles from './EmptyState.module.css';

interface EmptyStateProps {
  icon: IconName;
  title: string;
  children?: ReactNode;
  /** Buttons or links under the text. */
  actions?: ReactNode;
  /** `inline`: inside a card or table, smaller and without a border. */
  variant?: 'page' | 'inline';
}

/** What a page or a list shows when there is nothing (yet), and what to do about it. */
export function EmptyState({ icon, title, children, actions, variant = 'page' }: EmptyStateProps) {
  return (
    <div className={`${styles.empty} ${styles[variant]}`}>
      <span className={styles.badge} aria-hidden="true">
        <Icon name={icon} size={variant === 'page' ? 22 : 18} />
      </span>
      <p className={styles.title}>{title}</p>
      {children !== undefined && <div className={styles.text}>{children}</div>}
      {actions !== undefined && <div className={styles.actions}>{actions}</div>}
    </div>
  );
}
