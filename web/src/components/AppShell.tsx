import { Outlet } from 'react-router-dom';
import styles from './AppShell.module.css';
import { Sidebar } from './Sidebar';
import { TopBar } from './TopBar';

/** The frame around every page: sidebar navigation, top bar, and the routed page in the content area. */
export function AppShell() {
  return (
    <div className={styles.shell}>
      <a className={styles.skipLink} href="#main-content">
        Skip to content
      </a>
      <Sidebar />
      <div className={styles.column}>
        <TopBar />
        <main id="main-content" className={styles.main} tabIndex={-1}>
          <div className={styles.content}>
            <Outlet />
          </div>
        </main>
      </div>
    </div>
  );
}
