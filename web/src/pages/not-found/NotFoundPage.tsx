import { Link, useLocation } from 'react-router-dom';
import { Icon } from '../../components/Icon';
import styles from './NotFoundPage.module.css';

/** Any UI path that matches no area. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <section className={styles.page}>
      <title>Page not found · Starling</title>
      <span className={styles.badge} aria-hidden="true">
        <Icon name="compass" size={22} />
      </span>
      <p className={styles.code}>404</p>
      <h1 className={styles.title}>Page not found</h1>
      <p className={styles.text}>
        Nothing lives at <code className={styles.path}>{pathname}</code>. It may have moved, or the link may be
        mistyped.
      </p>
      <Link className={styles.home} to="/">
        Back to the dashboard
      </Link>
    </section>
  );
}
