import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import styles from './Banner.module.css';

type Tone = 'error' | 'warning' | 'info' | 'success';

const ICON: Record<Tone, IconName> = { error: 'alert', warning: 'alert', info: 'info', success: 'checkCircle' };

interface BannerProps {
  tone?: Tone;
  title?: string;
  children?: ReactNode;
  /** A button or link at the end (e.g. "Try again"). */
  action?: ReactNode;
}

/** A message across a form or a page. Errors are announced to screen readers as they appear. */
export function Banner({ tone = 'info', title, children, action }: BannerProps) {
  return (
    <div className={`${styles.banner} ${styles[tone]}`} role={tone === 'error' ? 'alert' : 'status'}>
      <Icon name={ICON[tone]} size={18} className={styles.icon} />
      <div className={styles.body}>
        {title !== undefined && <p className={styles.title}>{title}</p>}
        {children !== undefined && <div className={styles.text}>{children}</div>}
      </div>
      {action !== undefined && <div className={styles.action}>{action}</div>}
    </div>
  );
}
