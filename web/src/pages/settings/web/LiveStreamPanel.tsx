import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { EventError, LiveEntry } from '../../../api/contactTypes';
import { Badge, type BadgeTone } from '../../../components/Badge';
import { Banner } from '../../../components/Banner';
import { Button } from '../../../components/Button';
import { EmptyState } from '../../../components/EmptyState';
import { Icon } from '../../../components/Icon';
import { Panel } from '../../../components/Panel';
import { ServerMessage } from '../../../components/ServerMessage';
import { activityLabel } from '../../../lib/activities';
import { contactPath, contactTitle } from '../../../lib/contacts';
import { errorMessage } from '../../../lib/errors';
import { formatDateTimeSeconds, formatTime } from '../../../lib/format';
import { useCurrentStore } from '../../../session/Workspace';
import { LIVE_LIMIT, useLiveStream, type LiveConnection, type LiveRow } from './useLiveStream';
import fieldStyles from '../../../components/Field.module.css';
import styles from './web.module.css';

const SOURCES: Record<string, string> = {
  script: 'Script',
  api: 'REST API',
  segment: 'Segment API',
  timer: 'Starling',
};

const CONNECTION: Record<LiveConnection, { label: string; tone: BadgeTone }> = {
  connecting: { label: 'Connecting…', tone: 'neutral' },
  live: { label: 'Live', tone: 'success' },
  retrying: { label: 'Reconnecting…', tone: 'warning' },
  paused: { label: 'Paused', tone: 'neutral' },
  hidden: { label: 'Paused while the tab is hidden', tone: 'neutral' },
};

/** `stored`, or why nothing was: "refused: origin …", "dropped: excluded IP". */
function statusBadge(status: string): { label: string; tone: BadgeTone } {
  if (status === 'stored') return { label: 'Stored', tone: 'success' };
  if (status.startsWith('dropped')) return { label: 'Dropped', tone: 'warning' };
  if (status.startsWith('duplicate')) return { label: 'Duplicate', tone: 'neutral' };
  // Its events were all refused, though a contact it named for the first time may have been created.
  if (status.startsWith('not stored: every event')) return { label: 'Events refused', tone: 'danger' };
  if (status.startsWith('refused')) return { label: 'Refused', tone: 'danger' };
  return { label: 'Not stored', tone: 'danger' };
}

/** The message without the field it starts with, since the field is shown beside it. */
function errorText(error: EventError): string {
  const prefix = `${error.field}: `;
  return error.field !== '' && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** Each type once, in order of first appearance, with how many times it was stored. */
function countTypes(types: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
  return [...counts];
}

/**
 * Whether a request needs a look: nothing stored (refused, dropped) or an event left out with an error. A
 * sender's retry of a message already stored (`duplicate: …`) is normal.
 */
export function hasProblem(row: LiveEntry): boolean {
  return (row.status !== 'stored' && !row.status.startsWith('duplicate')) || row.errors.length > 0;
}

/**
 * Whether a request matches the words typed (all of them, case-insensitive): its IP, its contact's email or
 * number (`#12`), its source, its status, a stored event type or an error's field.
 */
export function matchesText(row: LiveEntry, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return true;
  const haystack = [
    row.ip,
    row.contact_email ?? '',
    row.contact_external_id ?? '',
    row.contact_id !== null ? contactTitle({ id: row.contact_id, email: row.contact_email, external_id: row.contact_external_id }) : '',
    row.contact_id !== null ? `#${row.contact_id}` : '',
    row.source,
    SOURCES[row.source] ?? '',
    row.status,
    ...row.event_types,
    ...row.errors.map((error) => error.field),
  ]
    .join('\n')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** Whether `iso` falls on the same local day as `now` (older requests show their date too). */
function sameDay(iso: string, now: Date): boolean {
  return new Date(iso).toDateString() === now.toDateString();
}

/** A time the server did not set (the epoch) is not shown. */
function knownTime(iso: string): boolean {
  const time = new Date(iso).getTime();
  return Number.isFinite(time) && time > 0;
}

/**
 * The live stream of the integration check: every request reaching the store, newest on top, with what was
 * stored, the validation errors of its events and, when nothing was stored, why. `onEntries` hears of new
 * requests (the checklist refreshes).
 */
export function LiveStreamPanel({
  onEntries,
  authorizedDomains,
  onAuthorize,
}: {
  onEntries: (entries: readonly LiveEntry[]) => void;
  /** The store's authorized domains: a request refused for another origin offers to add it. */
  authorizedDomains: readonly string[];
  onAuthorize: (host: string) => Promise<void>;
}) {
  const store = useCurrentStore();
  const [paused, setPaused] = useState(false);
  const { rows, connection, error } = useLiveStream(store.id, !paused, onEntries);
  const state = CONNECTION[connection];
  const [problemsOnly, setProblemsOnly] = useState(false);
  const [query, setQuery] = useState('');
  const filtering = problemsOnly || query.trim() !== '';
  const shown = (filtering ? rows.filter((row) => (!problemsOnly || hasProblem(row)) && matchesText(row, query)) : rows).slice(
    0,
    LIVE_LIMIT,
  );
  const clearFilters = () => {
    setProblemsOnly(false);
    setQuery('');
  };

  return (
    <Panel
      level={3}
      title="Live requests"
      description={`Requests reaching Starling for this store as they arrive, newest first: from the script, the APIs, and the events Starling derives itself (abandoned carts). The last ${LIVE_LIMIT} are kept while the server runs.`}
      flush
      actions={
        <>
          <span className={styles.connection} data-state={connection} data-testid="live-state">
            <Badge tone={state.tone}>{state.label}</Badge>
          </span>
          <Button size="sm" icon={paused ? 'play' : 'pause'} onClick={() => setPaused((p) => !p)}>
            {paused ? 'Resume' : 'Pause'}
          </Button>
        </>
      }
    >
      {connection === 'retrying' && (
        <div className={styles.padded}>
          <Banner tone="warning" title="The live view lost its connection; it keeps trying.">
            {errorMessage(error)}
          </Banner>
        </div>
      )}
      <div className={styles.liveFilters}>
        <div className={styles.toggle} role="group" aria-label="Requests shown">
          <button type="button" aria-pressed={!problemsOnly} onClick={() => setProblemsOnly(false)}>
            All
          </button>
          <button type="button" aria-pressed={problemsOnly} onClick={() => setProblemsOnly(true)}>
            With problems
          </button>
        </div>
        <div className={styles.liveSearch} role="search" aria-label="Filter live requests">
          <Icon name="search" size={15} className={fieldStyles.searchIcon} />
          <input
            className={`${fieldStyles.input} ${fieldStyles.withLeadingIcon}`}
            type="search"
            value={query}
            aria-label="Filter by IP, email, event type or field"
            placeholder="IP, email, event type…"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        {filtering && rows.length > 0 && (
          <p className={styles.liveCount} role="status" data-testid="live-count">
            {shown.length === rows.length ? `All ${rows.length}` : `${shown.length} of ${rows.length}`} requests match
          </p>
        )}
      </div>
      {rows.length === 0 ? (
        <EmptyState variant="inline" icon="activity" title="Waiting for the first request">
          Open a page of your shop where the script is installed: its request shows up here within a second.
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState
          variant="inline"
          icon="search"
          title="No request matches"
          actions={
            <Button size="sm" onClick={clearFilters}>
              Show all requests
            </Button>
          }
        >
          {problemsOnly
            ? 'None of the requests received since this page opened was refused or had an error. New ones show up here as they arrive.'
            : 'New requests that match show up here as they arrive.'}
        </EmptyState>
      ) : (
        <ol className={styles.live} aria-label="Live requests">
          {shown.map((row) => (
            <li key={row.key}>
              <LiveRequest row={row} authorize={authorizable(row.status, authorizedDomains)} onAuthorize={onAuthorize} />
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}

/**
 * The host (with its port, if any) of a request refused because its origin is not an authorized domain,
 * unless it has been authorized since; null otherwise.
 */
function authorizable(status: string, domains: readonly string[]): string | null {
  const match = /^refused: origin (\S+) is not an authorized domain/.exec(status);
  if (match === null) return null;
  let host: string;
  try {
    host = new URL(match[1] ?? '').host;
  } catch {
    return null;
  }
  return host === '' || domains.includes(host) ? null : host;
}

function LiveRequest({
  row,
  authorize,
  onAuthorize,
}: {
  row: LiveRow;
  authorize: string | null;
  onAuthorize: (host: string) => Promise<void>;
}) {
  const badge = statusBadge(row.status);
  const [authorizing, setAuthorizing] = useState(false);
  return (
    <div
      className={styles.request}
      data-testid="live-entry"
      data-status={row.status === 'stored' ? 'stored' : row.status.startsWith('duplicate') ? 'duplicate' : 'not-stored'}
    >
      <div className={styles.requestHead}>
        {knownTime(row.at) ? (
          <time className={styles.when} dateTime={row.at} title={formatDateTimeSeconds(row.at)}>
            {sameDay(row.at, new Date()) ? formatTime(row.at) : formatDateTimeSeconds(row.at)}
          </time>
        ) : (
          <span className={styles.when}>—</span>
        )}
        <span className={styles.source}>{SOURCES[row.source] ?? row.source}</span>
        {row.ip !== '' && <code className={styles.ip}>{row.ip}</code>}
        {row.contact_id !== null && (
          <Link to={contactPath(row.contact_id)} data-testid="live-contact">
            {contactTitle({ id: row.contact_id, email: row.contact_email, external_id: row.contact_external_id })}
          </Link>
        )}
        <span className={styles.requestStatus}>
          <Badge tone={badge.tone}>{badge.label}</Badge>
        </span>
      </div>
      {row.event_types.length > 0 && (
        <ul className={styles.chips} aria-label="Stored events">
          {countTypes(row.event_types).map(([type, count]) => (
            <li key={type} className={styles.chip} title={activityLabel(type)}>
              {type}
              {count > 1 && <span className={styles.count}> × {count}</span>}
            </li>
          ))}
        </ul>
      )}
      {row.status !== 'stored' && (
        <p className={row.status.startsWith('duplicate') ? styles.nothing : styles.why}>
          <ServerMessage text={row.status} />
        </p>
      )}
      {authorize !== null && (
        <div>
          <Button
            size="sm"
            icon="plus"
            loading={authorizing}
            onClick={() => {
              setAuthorizing(true);
              void onAuthorize(authorize).finally(() => setAuthorizing(false));
            }}
          >
            Authorize {authorize}
          </Button>
        </div>
      )}
      {row.status === 'stored' && row.event_types.length === 0 && row.errors.length === 0 && (
        <p className={styles.nothing}>Nothing new to store.</p>
      )}
      {row.errors.length > 0 && (
        <ul className={styles.errors} aria-label="Validation errors">
          {row.errors.map((error, index) => (
            <li key={index}>
              <Icon name="alert" size={14} />
              <span>
                {error.field !== '' && <code>{error.field}</code>} <ServerMessage text={errorText(error)} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
