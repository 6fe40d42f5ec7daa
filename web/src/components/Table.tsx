import type { ReactNode } from 'react';
import styles from './Table.module.css';

/**
 * A data table inside a panel. Write `<thead>`/`<tbody>` as usual; cells with `data-align="end"` are
 * right-aligned (actions, numbers).
 */
export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={styles.wrap}>
      <table className={styles.table} aria-label={label}>
        {children}
      </table>
    </div>
  );
}

/** The name and email of a person, stacked, for the first column of member tables. */
export function PersonCell({ name, email, tag }: { name: string; email: string; tag?: ReactNode }) {
  return (
    <div className={styles.person}>
      <span className={styles.personName}>
        {name.trim() === '' ? email : name}
        {tag}
      </span>
      {name.trim() !== '' && <span className={styles.personEmail}>{email}</span>}
    </div>
  );
}

/** Small grey text under or beside a cell's main value. */
export function Muted({ children }: { children: ReactNode }) {
  return <span className={styles.muted}>{children}</span>;
}
