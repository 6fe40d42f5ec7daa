import { useState, type ReactNode } from 'react';
import type { Member } from '../../api/types';
import { errorMessage } from '../../lib/errors';
import { formatDate, roleLabel } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { Badge } from '../Badge';
import { Banner } from '../Banner';
import { Button } from '../Button';
import { ConfirmDialog } from '../ConfirmDialog';
import { CopyButton } from '../Copy';
import { EmptyState } from '../EmptyState';
import { Select } from '../Field';
import { Panel } from '../Panel';
import { RelativeTime } from '../RelativeTime';
import { Spinner } from '../Spinner';
import { Muted, PersonCell, Table } from '../Table';
import { useToast } from '../Toasts';
import { AddMemberDialog, type RoleChoice } from './AddMemberDialog';
import styles from './MembersManager.module.css';

/** What the members of a store or of an organization can be, and how to change them. */
export interface MembersApi<R extends string> {
  load: (signal: AbortSignal) => Promise<Member<R>[]>;
  add: (email: string, role: R) => Promise<Member<R>>;
  changeRole: (userId: number, role: R) => Promise<Member<R>>;
  remove: (userId: number) => Promise<void>;
  revoke: (invitationId: number) => Promise<void>;
}

interface MembersManagerProps<R extends string> {
  title: string;
  description: ReactNode;
  /** "Demo store", "Demo organization": where members are added. */
  placeName: string;
  roles: readonly RoleChoice<R>[];
  defaultRole: R;
  /** Administrators manage; others only read. */
  canManage: boolean;
  currentUserId: number;
  /** Keep it stable (`useMemo`): a new object reloads the list. */
  api: MembersApi<R>;
  /** Called after the signed-in user changed their own role or removed themselves. */
  onOwnAccessChanged?: () => void;
  footnote?: ReactNode;
}

type Pending = { kind: 'remove'; member: Member<string> } | { kind: 'revoke'; member: Member<string> } | null;

const rowKey = (member: Member<string>) =>
  member.status === 'invited' ? `invitation-${member.invitation_id ?? member.email}` : `user-${member.user_id ?? member.email}`;

/**
 * Member management: the table of members and pending invitations, the role drop-down that saves on
 * change, removal and revocation with confirmation, and the "Add new member" dialog. Used for stores and for
 * organizations.
 */
export function MembersManager<R extends string>({
  title,
  description,
  placeName,
  roles,
  defaultRole,
  canManage,
  currentUserId,
  api,
  onOwnAccessChanged,
  footnote,
}: MembersManagerProps<R>) {
  const notify = useToast();
  const { state, reload, setData } = useResource((signal) => api.load(signal), [api]);
  const [adding, setAdding] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const [savingRole, setSavingRole] = useState<number | null>(null);
  /** Invitation links, known only right after each invitation was created. */
  const [links, setLinks] = useState<Record<number, string>>({});

  const roleOptions = roles.map((role) => ({ value: role.value, label: role.label }));

  const changeRole = async (member: Member<R>, role: R) => {
    if (member.user_id === null || role === member.role) return;
    const userId = member.user_id;
    setSavingRole(userId);
    try {
      const updated = await api.changeRole(userId, role);
      setData((list) => list.map((m) => (m.user_id === userId && m.status === 'active' ? updated : m)));
      notify(`${member.name.trim() || member.email} is now ${roleLabel(updated.role)}.`);
      if (userId === currentUserId) onOwnAccessChanged?.();
    } catch (error) {
      notify(errorMessage(error), 'error');
    } finally {
      setSavingRole(null);
    }
  };

  const header = (
    <Panel
      title={title}
      description={description}
      flush
      actions={
        canManage ? (
          <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
            Add new member
          </Button>
        ) : undefined
      }
    >
      {state.status === 'loading' && (
        <p className={styles.loading} role="status">
          <Spinner /> Loading members…
        </p>
      )}
      {state.status === 'error' && (
        <div className={styles.padded}>
          <Banner tone="error" action={<Button size="sm" onClick={reload}>Try again</Button>}>
            {errorMessage(state.error)}
          </Banner>
        </div>
      )}
      {state.status === 'ready' && state.data.length === 0 && (
        <EmptyState variant="inline" icon="users" title="No members yet">
          Add the people who work on {placeName}.
        </EmptyState>
      )}
      {state.status === 'ready' && state.data.length > 0 && (
        <Table label={title}>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Added</th>
              {canManage && (
                <th scope="col" data-align="end">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {state.data.map((member) => {
              const invited = member.status === 'invited';
              const link = member.invitation_id !== null ? links[member.invitation_id] : undefined;
              const isMe = member.user_id !== null && member.user_id === currentUserId && !invited;
              return (
                <tr key={rowKey(member)}>
                  <td>
                    <PersonCell
                      name={member.name}
                      email={member.email}
                      tag={isMe ? <Badge tone="accent">You</Badge> : undefined}
                    />
                  </td>
                  <td>
                    {canManage && !invited && member.user_id !== null ? (
                      <div className={styles.roleCell}>
                        <Select
                          compact
                          aria-label={`Role of ${member.email}`}
                          value={member.role}
                          options={roleOptions}
                          disabled={savingRole === member.user_id}
                          onChange={(role) => void changeRole(member, role)}
                        />
                        {savingRole === member.user_id && <Spinner size={12} />}
                      </div>
                    ) : (
                      roleLabel(member.role)
                    )}
                  </td>
                  <td>
                    {invited ? (
                      <div className={styles.status}>
                        <Badge tone="warning">Invited</Badge>
                        {member.expires_at !== null && <Muted>Expires {formatDate(member.expires_at)}</Muted>}
                      </div>
                    ) : (
                      <Badge tone="success">Active</Badge>
                    )}
                  </td>
                  <td>
                    <RelativeTime iso={member.created_at} />
                  </td>
                  {canManage && (
                    <td data-align="end">
                      <div className={styles.actions}>
                        {link !== undefined && <CopyButton text={link} label={`invitation link for ${member.email}`} />}
                        {invited ? (
                          <Button
                            size="sm"
                            variant="ghost"
                            aria-label={`Revoke invitation for ${member.email}`}
                            onClick={() => setPending({ kind: 'revoke', member })}
                          >
                            Revoke
                          </Button>
                        ) : (
                          <Button
                            size="sm"
                            variant="ghost"
                            icon="trash"
                            aria-label={`Remove ${member.email}`}
                            onClick={() => setPending({ kind: 'remove', member })}
                          >
                            Remove
                          </Button>
                        )}
                      </div>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      {footnote !== undefined && <p className={styles.footnote}>{footnote}</p>}
    </Panel>
  );

  return (
    <>
      {header}
      <AddMemberDialog
        open={adding}
        placeName={placeName}
        roles={roles}
        defaultRole={defaultRole}
        add={api.add}
        onAdded={(member) => {
          setData((list) => [...list, member]);
          if (member.invitation_id !== null && member.invitation_url !== null) {
            const { invitation_id: id, invitation_url: url } = member;
            setLinks((known) => ({ ...known, [id]: url }));
          }
          if (member.status === 'active') notify(`${member.email} added as ${roleLabel(member.role)}.`);
        }}
        onClose={() => setAdding(false)}
      />
      <ConfirmDialog
        open={pending?.kind === 'remove'}
        title="Remove member?"
        confirmLabel="Remove member"
        onClose={() => setPending(null)}
        onConfirm={async () => {
          const member = pending?.member;
          if (member?.user_id === null || member === undefined) return;
          const userId = member.user_id;
          await api.remove(userId);
          setData((list) => list.filter((m) => !(m.status === 'active' && m.user_id === userId)));
          notify(`${member.email} removed from ${placeName}.`);
          if (userId === currentUserId) onOwnAccessChanged?.();
        }}
      >
        <strong>{pending?.member.email}</strong> will lose access to {placeName} at once. You can add them again
        later.
      </ConfirmDialog>
      <ConfirmDialog
        open={pending?.kind === 'revoke'}
        title="Revoke invitation?"
        confirmLabel="Revoke invitation"
        onClose={() => setPending(null)}
        onConfirm={async () => {
          const member = pending?.member;
          if (member?.invitation_id === null || member === undefined) return;
          const invitationId = member.invitation_id;
          await api.revoke(invitationId);
          setData((list) => list.filter((m) => !(m.status === 'invited' && m.invitation_id === invitationId)));
          notify(`Invitation for ${member.email} revoked.`);
        }}
      >
        The invitation link sent to <strong>{pending?.member.email}</strong> will stop working.
      </ConfirmDialog>
    </>
  );
}
