import { useId, type ReactNode } from 'react';
import styles from './Panel.module.css';

interface PanelProps {
  title: string;
  description?: ReactNode;
  /** Buttons on the right of the title ("Add new member"). */
  actions?: ReactNode;
  children?: ReactNode;
  /** A bar under the body, e.g. the Save button of a form. */
  footer?: ReactNode;
  /** The body has no padding (for tables that run edge to edge). */
  flush?: boolean;
  id?: string;
}

/** A titled card: one section of a settings page. */
export function Panel({ title, description, actions, children, footer, flush = false, id }: PanelProps) {
  const headingId = useId();
  return (
    <section className={styles.panel} id={id} aria-labelledby={headingId}>
      <div className={styles.header}>
        <div className={styles.heading}>
          <h2 className={styles.title} id={headingId}>
            {title}
          </h2>
          {description !== undefined && <div className={styles.description}>{description}</div>}
        </div>
        {actions !== undefined && <div className={styles.actions}>{actions}</div>}
      </div>
      {children !== undefined && <div className={flush ? styles.flush : styles.body}>{children}</div>}
      {footer !== undefined && <div className={styles.footer}>{footer}</div>}
    </section>
  );
}

/** Panels stacked with even spacing. */
export function PanelStack({ children }: { children: ReactNode }) {
  return <div className={styles.stack}>{children}</div>;
}
