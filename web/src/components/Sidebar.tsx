import { NavLink } from 'react-router-dom';
import { AREA_LIST, type Area } from '../navigation';
import { useWorkspace } from '../session/Workspace';
import { Icon } from './Icon';
import styles from './Sidebar.module.css';
import markUrl from '../assets/starling-mark.svg';

function NavItem({ area }: { area: Area }) {
  return (
    <li>
      <NavLink
        to={area.path}
        end={area.path === '/'}
        className={({ isActive }) => (isActive ? `${styles.link} ${styles.active}` : styles.link)}
        title={area.label}
      >
        <Icon name={area.icon} className={styles.icon} />
        <span className={styles.label}>{area.label}</span>
      </NavLink>
    </li>
  );
}

/** Left column: product name and the main navigation, one entry per area the person may open. */
export function Sidebar() {
  const { store, isStoreAdmin } = useWorkspace();
  const visible = AREA_LIST.filter((area) => area.storeAdminOnly !== true || store === null || isStoreAdmin);
  const primary = visible.filter((area) => area.group === 'primary');
  const secondary = visible.filter((area) => area.group === 'secondary');
  return (
    <aside className={styles.sidebar}>
      <div className={styles.brand}>
        <img className={styles.mark} src={markUrl} alt="" width={26} height={26} />
        <span className={styles.brandName}>Starling</span>
      </div>
      <nav className={styles.nav} aria-label="Main">
        <ul className={styles.list}>
          {primary.map((area) => (
            <NavItem key={area.path} area={area} />
          ))}
        </ul>
        <ul className={`${styles.list} ${styles.secondary}`}>
          {secondary.map((area) => (
            <NavItem key={area.path} area={area} />
          ))}
        </ul>
      </nav>
    </aside>
  );
}
