import { Link } from 'react-router-dom';
import type { Activity } from '../api/contactTypes';
import { activityIcon, activityLabel, activitySummary, hasData, mergedContactId } from '../lib/activities';
import { contactPath, contactTitle } from '../lib/contacts';
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
 * `showContact`, a link to the contact it belongs to: `contact` when given (named by its email, the
 * contact as it is now), else the activity's own contact id when the answer says it.
 */
export function ActivityItem({
  activity,
  showContact = false,
  contact,
}: {
  activity: Activity;
  showContact?: boolean;
  contact?: { id: number; email: string | null; external_id?: string | null } | undefined;
}) {
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
          {showContact && contact !== undefined && (
            <>
              <span aria-hidden="true">·</span>
              <Link to={contactPath(contact.id)} data-testid="activity-contact">
                {contactTitle(contact)}
              </Link>
            </>
          )}
          {showContact && contact === undefined && activity.contact_id !== null && (
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
