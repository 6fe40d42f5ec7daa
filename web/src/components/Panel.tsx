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
  /** The title's heading level: 2 by default, 3 for panels inside a titled section. */
  level?: 2 | 3;
}

/** A titled card: one section of a settings page. */
export function Panel({ title, description, actions, children, footer, flush = false, id, level = 2 }: PanelProps) {
  const headingId = useId();
  const Heading = level === 3 ? 'h3' : 'h2';
  return (
    <section className={styles.panel} id={id} aria-labelledby={headingId}>
      <div className={styles.header}>
        <div className={styles.heading}>
          <Heading className={styles.title} id={headingId}>
            {title}
          </Heading>
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
