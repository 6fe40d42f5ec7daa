import type { Area } from '../navigation';
import { Icon } from './Icon';
import { PageHeader } from './PageHeader';
import styles from './AreaPlaceholder.module.css';

/** The page of an area that is not built yet: its title and what it will hold, and no invented data. */
export function AreaPlaceholder({ area }: { area: Area }) {
  return (
    <>
      <PageHeader title={area.label} description={area.description} />
      <section className={styles.panel} aria-label={`${area.label} status`}>
        <span className={styles.badge} aria-hidden="true">
          <Icon name={area.icon} size={22} />
        </span>
        <h2 className={styles.title}>Not built yet</h2>
        <p className={styles.text}>
          {area.label} is on the way. This page will fill in as the feature lands in Starling.
        </p>
      </section>
    </>
  );
}
