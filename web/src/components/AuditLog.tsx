import { useState } from 'react';
import type { Actor, AuditEntry, AuditPage } from '../api/types';
import { errorMessage } from '../lib/errors';
import { formatDateTime, formatRelative } from '../lib/format';
import { useResource } from '../lib/useResource';
import { Banner } from './Banner';
import { Button } from './Button';
import { EmptyState } from './EmptyState';
import { Panel } from './Panel';
import { Spinner } from './Spinner';
import { Muted, Table } from './Table';
import styles from './AuditLog.module.css';

/** What each audit action means, in a few words. */
const ACTIONS: Record<string, string> = {
  'store.created': 'Created the store',
  'store.updated': 'Changed store settings',
  'store.tracking_token_rotated': 'Rotated the tracking token',
  'member.added': 'Added a member',
  'member.invited': 'Invited a member',
  'member.role_changed': 'Changed a member’s role',
  'member.removed': 'Removed a member',
  'invitation.revoked': 'Revoked an invitation',
  'invitation.accepted': 'Accepted an invitation',
  'api_key.created': 'Created an API key',
  'api_key.revoked': 'Revoked an API key',
  'excluded_ip.added': 'Excluded an IP',
  'excluded_ip.removed': 'Stopped excluding an IP',
  'organization.created': 'Created the organization',
  'organization.updated': 'Changed organization details',
  'org_member.added': 'Added an organization member',
  'org_member.invited': 'Invited an organization member',
  'org_member.role_changed': 'Changed an organization role',
  'org_member.removed': 'Removed an organization member',
};

export function actorLabel(actor: Actor): string {
  if (actor.type === 'user') return actor.email ?? actor.label ?? `User ${String(actor.id ?? '')}`.trim();
  if (actor.type === 'api_key') return actor.label !== null ? `API key “${actor.label}”` : `API key ${String(actor.id ?? '')}`.trim();
  if (actor.type === 'cli') return 'Command line';
  if (actor.type === 'system') return 'Starling';
  if (actor.type === 'none') return '—';
  return actor.label ?? actor.email ?? actor.type;
}

const LIST_PREVIEW = 6;

function detailText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    const items = value.map(detailText).filter((item) => item !== '');
    if (items.length <= LIST_PREVIEW) return items.join(', ');
    return `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => [key, detailText(inner)] as const)
      .filter(([, text]) => text !== '')
      .map(([key, text]) => `${key.replaceAll('_', ' ')}: ${text}`)
      .join(' · ');
  }
  return String(value);
}

interface AuditLogProps {
  title?: string;
  description: string;
  /** One page of entries, newest first, after `cursor` (`null` for the newest). Keep it stable (`useCallback`). */
  load: (cursor: string | null, signal?: AbortSignal) => Promise<AuditPage>;
  /** The id of the store or organization shown: a target equal to it is the page itself, not repeated. */
  selfTarget?: string;
}

/** The activity of a store or organization: who did what, when; older pages load on demand. */
export function AuditLog({ title = 'Activity', description, load, selfTarget }: AuditLogProps) {
  const { state, reload } = useResource((signal) => load(null, signal), [load]);
  const [older, setOlder] = useState<{ entries: AuditEntry[]; cursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);

  const entries = state.status === 'ready' ? [...state.data.entries, ...(older?.entries ?? [])] : [];
  const nextCursor = older !== null ? older.cursor : state.status === 'ready' ? state.data.next_cursor : null;

  const loadMore = async () => {
    if (nextCursor === null) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await load(nextCursor);
      setOlder((current) => ({ entries: [...(current?.entries ?? []), ...page.entries], cursor: page.next_cursor }));
    } catch (error) {
      setMoreError(errorMessage(error));
    } finally {
      setLoadingMore(false);
    }
  };

  const refresh = () => {
    setOlder(null);
    setMoreError(null);
    reload();
  };

  return (
    <Panel
      title={title}
      description={description}
      flush
      actions={
        <Button size="sm" icon="refresh" onClick={refresh} disabled={state.status === 'loading'}>
          Refresh
        </Button>
      }
    >
      {state.status === 'loading' && (
        <p className={styles.status} role="status">
          <Spinner /> Loading activity…
        </p>
      )}
      {state.status === 'error' && (
        <div className={styles.padded}>
          <Banner tone="error" action={<Button size="sm" onClick={refresh}>Try again</Button>}>
            {errorMessage(state.error)}
          </Banner>
        </div>
      )}
      {state.status === 'ready' && entries.length === 0 && (
        <EmptyState variant="inline" icon="activity" title="No activity yet">
          Changes to settings, members and keys will be listed here.
        </EmptyState>
      )}
      {entries.length > 0 && (
        <>
          <Table label={title}>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td className={styles.when}>
                    <time dateTime={entry.at} title={formatRelative(entry.at)}>
                      {formatDateTime(entry.at)}
                    </time>
                  </td>
                  <td className={styles.who}>{actorLabel(entry.actor)}</td>
                  <td>
                    <div className={styles.what}>
                      <span>{ACTIONS[entry.action] ?? entry.action}</span>
                      <code className={styles.action}>{entry.action}</code>
                    </div>
                  </td>
                  <td className={styles.details}>
                    {entry.target !== null && entry.target !== '' && entry.target !== selfTarget && (
                      <span className={styles.target}>{entry.target}</span>
                    )}
                    <Muted>{detailText(entry.details)}</Muted>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
          <div className={styles.more}>
            {moreError !== null && <Banner tone="error">{moreError}</Banner>}
            {nextCursor !== null ? (
              <Button onClick={() => void loadMore()} loading={loadingMore}>
                Load older activity
              </Button>
            ) : (
              <Muted>That is the beginning of the activity log.</Muted>
            )}
          </div>
        </>
      )}
    </Panel>
  );
}
