import { Link } from 'react-router-dom';
import type { Activity } from '../api/contactTypes';
import { activityIcon, activityLabel, activitySummary, hasData, mergedContactId } from '../lib/activities';
import { contactPath } from '../lib/contacts';
import { formatDateTimeSeconds, formatRelative } from '../lib/format';
import { useMoney } from '../lib/money';
import { Icon } from './Icon';
import { RawData } from './RawData';
import styles from './ActivityItem.module.css';

/** The icon of an event type in its tinted square. */
export function ActivityIcon({ type }: { type: string }) {
  return (
    <span className={styles.icon} data-type={type} aria-hidden="true">
      <Icon name={activityIcon(type)} size={16} />
    </span>
  );
}

/**
 * One activity: its icon, a one-line summary, its type and time, and its data folded away. With
 * `showContact`, a link to the contact it belongs to (when the answer says which).
 */
export function ActivityItem({ activity, showContact = false }: { activity: Activity; showContact?: boolean }) {
  const money = useMoney();
  const merged = mergedContactId(activity.type, activity.data);
  return (
    <div className={styles.item} data-testid="activity" data-type={activity.type}>
      <ActivityIcon type={activity.type} />
      <div className={styles.body}>
        <p className={styles.summary}>{activitySummary(activity.type, activity.data, money)}</p>
        <p className={styles.meta}>
          <code className={styles.type} title={activityLabel(activity.type)}>
            {activity.type}
          </code>
          <span aria-hidden="true">·</span>
          <time dateTime={activity.occurred_at} title={formatRelative(activity.occurred_at)}>
            {formatDateTimeSeconds(activity.occurred_at)}
          </time>
          {showContact && activity.contact_id !== null && (
            <>
              <span aria-hidden="true">·</span>
              <Link to={contactPath(activity.contact_id)}>Contact #{activity.contact_id}</Link>
            </>
          )}
          {merged !== null && (
            <>
              <span aria-hidden="true">·</span>
              <Link to={contactPath(merged)}>Anonymous contact #{merged}</Link>
            </>
          )}
        </p>
        {hasData(activity.data) && <RawData data={activity.data} />}
      </div>
    </div>
  );
}
