import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { listContacts } from '../../api/contacts';
import type { Contact } from '../../api/contactTypes';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { Panel } from '../../components/Panel';
import { RelativeTime } from '../../components/RelativeTime';
import { Spinner } from '../../components/Spinner';
import { Muted, Table } from '../../components/Table';
import { contactPath, contactTitle, personName } from '../../lib/contacts';
import { errorMessage } from '../../lib/errors';
import { useMoney } from '../../lib/money';
import { useCursorList, useFocusOnMore } from '../../lib/useCursorList';
import { AREAS } from '../../navigation';
import { useCurrentStore, useWorkspace } from '../../session/Workspace';
import { CartBadge } from './CartBadge';
import fieldStyles from '../../components/Field.module.css';
import styles from './contacts.module.css';

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;

/** What to search for when the text typed is a name as the list shows it: "Customer 4711" → "4711", "Anonymous #5" → "#5". */
function searchTerm(q: string): string {
  return q.replace(/^(customer|anonymous)\s+/i, '');
}

/** The contacts of the store, newest first, searched by a fragment of their email. */
export function ContactList() {
  const store = useCurrentStore();
  const { isStoreAdmin } = useWorkspace();
  const money = useMoney();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [typed, setTyped] = useState(q);

  // The URL holds the search, so a reload or a shared link shows the same list; typing waits a moment.
  useEffect(() => {
    const trimmed = typed.trim();
    if (trimmed === q) return undefined;
    const timer = window.setTimeout(() => setParams(trimmed === '' ? {} : { q: trimmed }, { replace: true }), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [typed, q, setParams]);

  const list = useCursorList<Contact>(
    async (cursor, signal) => {
      const page = await listContacts(store.id, { q: searchTerm(q), cursor, limit: PAGE_SIZE }, signal);
      return { items: page.contacts, next: page.next_cursor };
    },
    [store.id, q],
  );
  const more = useFocusOnMore(list.items.length);


  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = typed.trim();
    if (trimmed !== q) setParams(trimmed === '' ? {} : { q: trimmed }, { replace: true });
  };

  return (
    <>
      <PageHeader
        title={AREAS.contacts.label}
        description="Everyone your shop has seen: anonymous visitors and identified customers, with their activity and cart."
      />
      <Panel
        title="All contacts"
        description="Newest first. Anonymous visitors become identified contacts when they sign in or give their email."
        flush
        actions={
          <form role="search" className={styles.search} onSubmit={submit} aria-label="Search contacts">
            <Icon name="search" size={16} className={fieldStyles.searchIcon} />
            <input
              className={`${fieldStyles.input} ${fieldStyles.withLeadingIcon}`}
              type="search"
              aria-label="Search by email or customer ID"
              placeholder="Search by email or customer ID"
              value={typed}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setTyped(e.target.value)}
            />
          </form>
        }
      >
        {list.status === 'loading' && (
          <p className={styles.status} role="status">
            <Spinner /> Loading contacts…
          </p>
        )}
        {list.status === 'error' && (
          <div className={styles.padded}>
            <Banner tone="error" title="The contacts could not be loaded" action={<Button size="sm" onClick={list.reload}>Try again</Button>}>
              {errorMessage(list.error)}
            </Banner>
          </div>
        )}
        {list.status === 'ready' && list.items.length === 0 && q !== '' && (
          <EmptyState variant="inline" icon="search" title="No contact matches">
            No contact’s email or customer ID contains “{q}”. Anonymous visitors have neither, so a search never finds them.
          </EmptyState>
        )}
        {list.status === 'ready' && list.items.length === 0 && q === '' && (
          <EmptyState variant="inline" icon="contacts" title="No contacts yet">
            Contacts appear as soon as your shop sends its first events.{' '}
            {isStoreAdmin ? (
              <>
                Install the tracking script from <Link to="/settings/channels">Store settings › Channels › Web</Link>.
              </>
            ) : (
              'An administrator of the store installs the tracking script.'
            )}
          </EmptyState>
        )}
        {list.items.length > 0 && (
          <>
            <Table label="Contacts">
              <thead>
                <tr>
                  <th scope="col">Contact</th>
                  <th scope="col">Name</th>
                  <th scope="col" data-align="end">
                    Activities
                  </th>
                  <th scope="col">Cart</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((contact, index) => {
                  const name = personName(contact.fields);
                  return (
                    <tr key={contact.id}>
                      <td>
                        <Link className={styles.contactLink} to={contactPath(contact.id)} ref={more.itemRef(index)}>
                          <Icon name={contact.anonymous ? 'user' : 'userCheck'} size={16} />
                          {contactTitle(contact)}
                        </Link>
                      </td>
                      <td>{name === '' ? <Muted>—</Muted> : name}</td>
                      <td data-align="end">{contact.activity_count.toLocaleString()}</td>
                      <td>
                        {contact.cart === null ? (
                          <Muted>No cart</Muted>
                        ) : (
                          <span className={styles.cartCell}>
                            <CartBadge state={contact.cart.state} />
                            {contact.cart.state !== 'empty' && <Muted>{money(contact.cart.totalPrice)}</Muted>}
                          </span>
                        )}
                      </td>
                      <td>
                        <RelativeTime iso={contact.created_at} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
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
                <Muted>
                  {list.items.length === 1 ? 'That is the only contact' : `That is all ${list.items.length} contacts`}
                  {q !== '' ? ` whose email or customer ID contains “${q}”.` : '.'}
                </Muted>
              )}
            </div>
          </>
        )}
      </Panel>
    </>
  );
}
