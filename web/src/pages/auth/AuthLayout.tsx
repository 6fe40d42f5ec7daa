import type { ReactNode } from 'react';
import markUrl from '../../assets/starling-mark.svg';
import styles from './AuthLayout.module.css';

interface AuthLayoutProps {
  /** Names the browser tab and heads the card. */
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  /** Links under the card ("Back to sign in"). */
  footer?: ReactNode;
}

/** The frame of the pages used before signing in: brand, one card, a footer line. */
export function AuthLayout({ title, subtitle, children, footer }: AuthLayoutProps) {
  return (
    <div className={styles.page}>
      <title>{`${title} · Starling`}</title>
      <main className={styles.column}>
        <div className={styles.brand}>
          <img className={styles.mark} src={markUrl} alt="" width={32} height={32} />
          <span className={styles.brandName}>Starling</span>
        </div>
        <section className={styles.card} aria-labelledby="auth-title">
          <h1 id="auth-title" className={styles.title}>
            {title}
          </h1>
          {subtitle !== undefined && <div className={styles.subtitle}>{subtitle}</div>}
          <div className={styles.body}>{children}</div>
        </section>
        {footer !== undefined && <div className={styles.footer}>{footer}</div>}
      </main>
    </div>
  );
}
