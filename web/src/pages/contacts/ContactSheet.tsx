import { useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { getContact, listContactActivities } from '../../api/contacts';
import type { Activity, Cart, Contact } from '../../api/contactTypes';
import { ActivityItem } from '../../components/ActivityItem';
import { Banner } from '../../components/Banner';
import { Button, LinkButton } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Select, type SelectOption } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { Panel } from '../../components/Panel';
import { RelativeTime } from '../../components/RelativeTime';
import { Spinner } from '../../components/Spinner';
import { Muted, Table } from '../../components/Table';
import { ACTIVITY_TYPES, isoFromMicros } from '../../lib/activities';
import { contactPath, contactTitle, fieldLabel, fieldText, personName, sortedFields } from '../../lib/contacts';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { formatQuantity, useMoney } from '../../lib/money';
import { useCursorList, useFocusOnMore } from '../../lib/useCursorList';
import { useResource } from '../../lib/useResource';
import { useCurrentStore } from '../../session/Workspace';
import { CartBadge } from './CartBadge';
import styles from './contacts.module.css';

const TIMELINE_PAGE = 30;

const ALL_TYPES = '';
const TYPE_OPTIONS: readonly SelectOption<string>[] = [
  { value: ALL_TYPES, label: 'All activity types' },
  ...Object.entries(ACTIVITY_TYPES).map(([type, info]) => ({ value: type, label: info.label })),
];

/** `/contacts/:contactId`: a contact's profile, current cart and activity timeline. */
export function ContactSheet() {
  const store = useCurrentStore();
  const { contactId: param } = useParams();
  const contactId = /^\d+$/.test(param ?? '') ? Number(param) : null;
  const { state, reload } = useResource(
    (signal) =>
      contactId === null ? Promise.reject(new ApiError(404, 'not_found', 'No such contact.')) : getContact(store.id, contactId, signal),
    [store.id, contactId],
  );

  if (state.status === 'loading') {
    return (
      <>
        <PageHeader title="Contact" />
        <p className={styles.status} role="status">
          <Spinner /> Loading the contact…
        </p>
      </>
    );
  }
  if (state.status === 'error') {
    const missing = state.error instanceof ApiError && state.error.status === 404;
    return (
      <>
        <PageHeader title={missing ? 'Contact not found' : 'Contact'} actions={<BackToList />} />
        {missing ? (
          <EmptyState icon="contacts" title={`There is no contact ${param ?? ''} in ${store.name}`} actions={<BackToList />}>
            It may belong to another store, or the link may be mistyped.
          </EmptyState>
        ) : (
          <Banner tone="error" title="The contact could not be loaded" action={<Button onClick={reload}>Try again</Button>}>
            {errorMessage(state.error)}
          </Banner>
        )}
      </>
    );
  }

  const contact = state.data;
  const name = personName(contact.fields);
  return (
    <>
      <PageHeader
        title={contactTitle(contact)}
        description={[
          name !== '' ? name : null,
          `Contact #${contact.id}`,
          contact.anonymous ? 'anonymous' : null,
          `first seen ${formatDateTime(contact.created_at)}`,
        ]
          .filter((part) => part !== null)
          .join(' · ')}
        actions={<BackToList />}
      />
      {contact.merged_into !== null && (
        <div className={styles.notice}>
          <Banner
            tone="info"
            title={`Merged into contact #${contact.merged_into}`}
            action={<LinkButton to={contactPath(contact.merged_into)}>Open contact #{contact.merged_into}</LinkButton>}
          >
            This anonymous visitor signed in as a known customer. Its history now belongs to contact #
            {contact.merged_into}, where it continues.
          </Banner>
        </div>
      )}
      <div className={styles.sheet}>
        <div className={styles.side}>
          <ProfilePanel contact={contact} />
          <CartPanel cart={contact.cart} />
        </div>
        <div className={styles.main}>
          <Timeline contact={contact} onRefresh={reload} />
        </div>
      </div>
    </>
  );
}

function BackToList() {
  return (
    <LinkButton to="/contacts" icon="arrowLeft">
      All contacts
    </LinkButton>
  );
}

function ProfilePanel({ contact }: { contact: Contact }) {
  const fields = sortedFields(contact.fields);
  return (
    <Panel title="Profile" description="What the shop told Starling about this contact.">
      <dl className={styles.facts} aria-label="Profile">
        <div>
          <dt>Email</dt>
          <dd>
            {contact.email ??
              (contact.external_id !== null ? (
                <Muted>None (known by customer ID {contact.external_id})</Muted>
              ) : (
                <Muted>None yet (anonymous)</Muted>
              ))}
          </dd>
        </div>
        {fields.map(([key, value]) => (
          <div key={key}>
            <dt title={key}>{fieldLabel(key)}</dt>
            <dd>{fieldText(value) === '' ? <Muted>—</Muted> : fieldText(value)}</dd>
          </div>
        ))}
        <div>
          <dt>Activities</dt>
          <dd>{contact.activity_count.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <RelativeTime iso={contact.created_at} />
          </dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>
            <RelativeTime iso={contact.updated_at} />
          </dd>
        </div>
      </dl>
      <div>
        <h3 className={styles.subheading}>Trackers</h3>
        <p className="muted-note">The browsers this contact was seen in (the tracking script keeps one per browser).</p>
        {contact.tracker_ids.length === 0 ? (
          <p className={styles.none}>
            <Muted>
              {contact.merged_into !== null
                ? `Its trackers moved to contact #${contact.merged_into} with the merge.`
                : 'No tracker: this contact came through the API only.'}
            </Muted>
          </p>
        ) : (
          <ul className={styles.trackers} aria-label="Trackers">
            {contact.tracker_ids.map((tracker) => (
              <li key={tracker}>
                <code>{tracker}</code>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h3 className={styles.subheading}>Web push</h3>
        {contact.push_subscriptions.length === 0 ? (
          <p className={styles.none}>
            <Muted>Not subscribed: none of this contact's browsers has allowed notifications from the shop.</Muted>
          </p>
        ) : (
          <ul className={styles.trackers} aria-label="Push subscriptions">
            {contact.push_subscriptions.map((subscription, index) => (
              <li key={index}>
                <code>{subscription.service}</code> subscribed <RelativeTime iso={subscription.subscribed_at} />, last seen{' '}
                <RelativeTime iso={subscription.last_seen_at} />
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}

function CartPanel({ cart }: { cart: Cart | null }) {
  const money = useMoney();
  return (
    <Panel
      title="Current cart"
      description={cart === null ? 'This contact has not put anything in a cart.' : undefined}
      actions={cart !== null ? <CartBadge state={cart.state} /> : undefined}
      flush={cart !== null}
    >
      {cart !== null && (
        <div className={styles.cart}>
          <p className={styles.cartMeta}>
            <span>
              Cart <code>{cart.cartId}</code>
            </span>
            {cart.updatedAtUs !== null && (
              <Muted>
                updated <RelativeTime iso={isoFromMicros(cart.updatedAtUs)} />
              </Muted>
            )}
          </p>
          {cart.products.length === 0 ? (
            <p className={styles.padded}>
              <Muted>The cart is empty.</Muted>
            </p>
          ) : (
            <Table label="Cart products">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col" data-align="end">
                    Qty
                  </th>
                  <th scope="col" data-align="end">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {cart.products.map((line, index) => (
                  <tr key={`${line.product.productId}-${index}`}>
                    <td>
                      <div className={styles.product}>
                        {line.product.url !== '' ? (
                          <a href={line.product.url} target="_blank" rel="noreferrer">
                            {line.product.name}
                          </a>
                        ) : (
                          line.product.name
                        )}
                        <Muted>
                          {line.product.productId} · {money(line.price)} each
                        </Muted>
                      </div>
                    </td>
                    <td data-align="end">{formatQuantity(line.quantity)}</td>
                    <td data-align="end">{money(line.price * line.quantity)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td data-align="end">{formatQuantity(cart.totalQuantity)}</td>
                  <td data-align="end" data-testid="cart-total">
                    {money(cart.totalPrice)}
                  </td>
                </tr>
              </tfoot>
            </Table>
          )}
        </div>
      )}
    </Panel>
  );
}

function Timeline({ contact, onRefresh }: { contact: Contact; onRefresh: () => void }) {
  const store = useCurrentStore();
  const [params, setParams] = useSearchParams();
  const type = params.get('type') ?? ALL_TYPES;
  const options = TYPE_OPTIONS.some((o) => o.value === type) ? TYPE_OPTIONS : [...TYPE_OPTIONS, { value: type, label: type }];
  const list = useCursorList<Activity>(
    async (cursor, signal) => {
      const page = await listContactActivities(store.id, contact.id, { type, cursor, limit: TIMELINE_PAGE }, signal);
      return { items: page.activities, next: page.next_cursor };
    },
    [store.id, contact.id, type],
  );
  const more = useFocusOnMore(list.items.length);


  return (
    <Panel
      title="Activity timeline"
      description="Everything this contact did, newest first, with what Starling derived from it."
      flush
      actions={
        <>
          <Select
            compact
            aria-label="Activity type"
            value={type}
            options={options}
            onChange={(value) => setParams(value === ALL_TYPES ? {} : { type: value }, { replace: true })}
          />
          <Button
            size="sm"
            icon="refresh"
            onClick={() => {
              onRefresh();
              list.reload();
            }}
          >
            Refresh
          </Button>
        </>
      }
    >
      {list.status === 'loading' && (
        <p className={styles.status} role="status">
          <Spinner /> Loading activity…
        </p>
      )}
      {list.status === 'error' && (
        <div className={styles.padded}>
          <Banner tone="error" action={<Button size="sm" onClick={list.reload}>Try again</Button>}>
            {errorMessage(list.error)}
          </Banner>
        </div>
      )}
      {list.status === 'ready' && list.items.length === 0 && (
        <EmptyState variant="inline" icon="activity" title={type === ALL_TYPES ? 'No activity yet' : 'No activity of this type'}>
          {type === ALL_TYPES
            ? contact.merged_into !== null
              ? 'Its activity moved to the contact it was merged into.'
              : 'Events the shop sends for this contact will be listed here.'
            : 'Choose another type, or all types.'}
        </EmptyState>
      )}
      {list.items.length > 0 && (
        <>
          <ol className={styles.timeline} aria-label="Activity timeline">
            {list.items.map((activity, index) => (
              <li key={activity.id} ref={more.itemRef(index)} tabIndex={-1}>
                <ActivityItem activity={activity} />
              </li>
            ))}
          </ol>
          <div className={styles.more}>
            {list.moreError !== null && <Banner tone="error">{errorMessage(list.moreError)}</Banner>}
            {list.hasMore ? (
              <Button
                onClick={() => {
                  more.mark();
                  list.loadMore();
                }}
                loading={list.loadingMore}
              >
                Load more
              </Button>
            ) : (
              <Muted>That is the beginning of this contact’s history.</Muted>
            )}
          </div>
        </>
      )}
    </Panel>
  );
}

