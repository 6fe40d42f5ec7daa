import { ServerVersion } from './ServerVersion';
import { StoreSelector } from './StoreSelector';
import { UserMenu } from './UserMenu';
import styles from './TopBar.module.css';

/** Bar above the content: which organization and store are shown, which server answers, who is signed in. */
export function TopBar() {
  return (
    <header className={styles.topBar}>
      <StoreSelector />
      <div className={styles.end}>
        <ServerVersion />
        <UserMenu />
      </div>
    </header>
  );
}
