import { ServerVersion } from './ServerVersion';
import { StoreSelector } from './StoreSelector';
import styles from './TopBar.module.css';

/** Bar above the content: which organization and store are shown, and which server answers. */
export function TopBar() {
  return (
    <header className={styles.topBar}>
      <StoreSelector />
      <div className={styles.end}>
        <ServerVersion />
      </div>
    </header>
  );
}
