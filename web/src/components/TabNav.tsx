import { NavLink } from 'react-router-dom';
import { Icon, type IconName } from './Icon';
import styles from './TabNav.module.css';

export interface TabItem {
  /** Path relative to the current route, or absolute. */
  to: string;
  label: string;
  icon?: IconName;
  /** Active only on this exact path (for the first tab, whose path is the page's own). */
  end?: boolean;
}

/** Tabs that are links: each tab has its own URL, so a reload or a shared link opens the same tab. */
export function TabNav({ items, label }: { items: readonly TabItem[]; label: string }) {
  return (
    <nav className={styles.tabs} aria-label={label}>
      <ul className={styles.list}>
        {items.map((item) => (
          <li key={item.to}>
            <NavLink
              to={item.to}
              end={item.end ?? false}
              className={({ isActive }) => (isActive ? `${styles.tab} ${styles.active}` : styles.tab)}
            >
              {item.icon !== undefined && <Icon name={item.icon} size={16} className={styles.icon} />}
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
