import type { ReactNode } from 'react';
import type { Integration } from '../../../api/contactTypes';
import { ActivityItem } from '../../../components/ActivityItem';
import { Badge } from '../../../components/Badge';
import { Banner } from '../../../components/Banner';
import { Button } from '../../../components/Button';
import { Icon } from '../../../components/Icon';
import { Panel } from '../../../components/Panel';
import { ServerMessage } from '../../../components/ServerMessage';
import { Spinner } from '../../../components/Spinner';
import { errorMessage } from '../../../lib/errors';
import type { Resource } from '../../../lib/useResource';
import styles from './web.module.css';

/** What to add to the shop for each item, while it has not been seen. */
const HOW: Record<string, ReactNode> = {
  page_visit: (
    <>
      Sent on every page as soon as the script is installed: paste the snippet above into your shop’s page
      template.
    </>
  ),
  product_visit: (
    <>
      Add a hidden <code>cn_product_visited</code> element on product pages (product id, name, URL and unit price).
    </>
  ),
  cart: (
    <>
      Add a <code>cn_cart</code> element with the full cart on every page; Starling compares carts and records what
      was added and removed.
    </>
  ),
  purchase: (
    <>
      Add a <code>cn_purchase</code> element on the order confirmation page, or send purchases to{' '}
      <code>POST /api/v1/purchases</code>.
    </>
  ),
  login_register: (
    <>
      Add a <code>cn_login</code> or <code>cn_register</code> marker after sign-in and sign-up, with{' '}
      <code>cn_client_info</code> carrying the customer’s email.
    </>
  ),
  newsletter: (
    <>
      Add a <code>cn_newsletter_subscribe</code> element (with the email) on the page shown after someone subscribes.
    </>
  ),
};

/** The event types a complete integration sends, each marked seen or not with its latest example. */
export function ChecklistPanel({
  state,
  onRefresh,
}: {
  state: Resource<Pick<Integration, 'checklist' | 'dropped'>>;
  onRefresh: () => void;
}) {
  const items = state.status === 'ready' ? state.data.checklist : [];
  const seen = items.filter((item) => item.seen).length;
  const flagged = items.filter((item) => item.warning !== null).length;
  return (
    <Panel
      level={3}
      title="Integration checklist"
      description={
        state.status === 'ready'
          ? `${seen} of ${items.length} event types seen${flagged > 0 ? `, ${flagged} ${flagged === 1 ? 'needs' : 'need'} a look` : ''}. A complete integration sends them all; each is checked off when the first one arrives.`
          : 'The event types a complete integration sends, checked off when the first one arrives.'
      }
      flush
      actions={
        <Button size="sm" icon="refresh" onClick={onRefresh} disabled={state.status === 'loading'}>
          Refresh
        </Button>
      }
    >
      {state.status === 'loading' && (
        <p className={styles.status} role="status">
          <Spinner /> Loading the checklist…
        </p>
      )}
      {state.status === 'error' && (
        <div className={styles.padded}>
          <Banner tone="error" action={<Button size="sm" onClick={onRefresh}>Try again</Button>}>
            {errorMessage(state.error)}
          </Banner>
        </div>
      )}
      {items.length > 0 && (
        <ul className={styles.checklist} aria-label="Integration checklist">
          {items.map((item) => (
            <li key={item.key} data-testid="checklist-item" data-key={item.key} data-seen={item.seen}>
              <div className={styles.checkHead}>
                <span
                  className={item.warning !== null ? styles.checkWarning : item.seen ? styles.checkSeen : styles.checkMissing}
                  aria-hidden="true"
                >
                  <Icon name={item.warning !== null ? 'alert' : item.seen ? 'checkCircle' : 'circle'} size={20} />
                </span>
                <div className={styles.checkText}>
                  <p className={styles.checkLabel}>{item.label}</p>
                  <p className={styles.checkTypes}>
                    {item.types.map((type) => (
                      <code key={type}>{type}</code>
                    ))}
                  </p>
                </div>
                {item.warning !== null ? (
                  <Badge tone="warning">Needs a look</Badge>
                ) : item.seen ? (
                  <Badge tone="success">Seen</Badge>
                ) : (
                  <Badge>Not seen yet</Badge>
                )}
              </div>
              {item.last !== null ? (
                <div className={styles.example}>
                  {item.warning !== null && (
                    <Banner tone="warning" title="Check this example">
                      <ServerMessage text={item.warning} />
                    </Banner>
                  )}
                  <p className={styles.exampleLabel}>Latest example</p>
                  <ActivityItem activity={item.last} showContact contact={item.contact ?? undefined} />
                </div>
              ) : (
                <p className={styles.how}>{HOW[item.key] ?? 'Not received yet.'}</p>
              )}
            </li>
          ))}
        </ul>
      )}
      {state.status === 'ready' && <DroppedSummary dropped={state.data.dropped} />}
    </Panel>
  );
}

/** What the store's exclusions kept out since the server started (excluded IPs, known bots). */
function DroppedSummary({ dropped }: { dropped: Integration['dropped'] }) {
  const requests = (n: number) => `${n} ${n === 1 ? 'request' : 'requests'}`;
  return (
    <p className={`${styles.how} ${styles.padded}`} data-testid="dropped-summary">
      {dropped.excluded_ip + dropped.bot === 0
        ? 'No request was dropped since the server started (requests from excluded IPs and known bots are answered but not stored).'
        : `Answered but not stored since the server started: ${requests(dropped.excluded_ip)} from excluded IPs, ${requests(dropped.bot)} from known bots.`}
    </p>
  );
}
