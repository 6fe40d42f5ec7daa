import { useCallback, useMemo } from 'react';
import { Link, Route, Routes, useParams } from 'react-router-dom';
import {
  addOrganizationMember,
  changeOrganizationMemberRole,
  getOrganization,
  getOrganizationAuditLog,
  listOrganizationMembers,
  removeOrganizationMember,
  revokeOrganizationInvitation,
} from '../../api/organizations';
import type { OrgRole } from '../../api/types';
import { AuditLog } from '../../components/AuditLog';
import { Badge } from '../../components/Badge';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import type { RoleChoice } from '../../components/members/AddMemberDialog';
import { MembersManager, type MembersApi } from '../../components/members/MembersManager';
import { PageHeader } from '../../components/PageHeader';
import { Spinner } from '../../components/Spinner';
import { TabNav, type TabItem } from '../../components/TabNav';
import { errorMessage } from '../../lib/errors';
import { roleLabel } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useSession, useSessionContext } from '../../session/SessionContext';
import { isOrgAdminRole } from '../../session/Workspace';
import { NotFoundPage } from '../not-found/NotFoundPage';
import { OrganizationDetailsForm } from './OrganizationDetailsForm';
import { OrganizationStores } from './OrganizationStores';
import styles from './OrganizationPage.module.css';

export const ORG_ROLES: readonly RoleChoice<OrgRole>[] = [
  {
    value: 'owner',
    label: 'Owner',
    description: 'Everything an administrator can do, and naming other owners. Only owners can make owners.',
  },
  {
    value: 'administrator',
    label: 'Administrator',
    description: 'Edits the organization, creates stores, manages members, and administers every store.',
  },
  {
    value: 'member',
    label: 'Member',
    description: 'Belongs to the organization; works only in the stores they are added to.',
  },
];

/**
 * The organization administrator (`/organizations/:id`): details, stores, members and activity of one
 * organization. Owners and administrators edit; members read.
 */
export function OrganizationPage() {
  const params = useParams();
  const organizationId = Number(params.organizationId);
  const session = useSession();
  const { refresh } = useSessionContext();
  const fromSession = session.organizations.find((o) => o.id === organizationId);
  const { state, reload, setData } = useResource((signal) => getOrganization(organizationId, signal), [organizationId]);

  const canManage = isOrgAdminRole(fromSession?.role ?? null);

  const membersApi = useMemo<MembersApi<OrgRole>>(
    () => ({
      load: (signal) => listOrganizationMembers(organizationId, signal),
      add: (email, role) => addOrganizationMember(organizationId, email, role),
      changeRole: (userId, role) => changeOrganizationMemberRole(organizationId, userId, role),
      remove: (userId) => removeOrganizationMember(organizationId, userId),
      revoke: (invitationId) => revokeOrganizationInvitation(organizationId, invitationId),
    }),
    [organizationId],
  );

  const loadAudit = useCallback(
    (cursor: string | null, signal?: AbortSignal) => getOrganizationAuditLog(organizationId, cursor, signal),
    [organizationId],
  );

  if (!Number.isInteger(organizationId) || fromSession === undefined) {
    return (
      <>
        <PageHeader title="Organization" />
        <EmptyState icon="building" title="Organization not found" actions={<Link to="/">Back to the dashboard</Link>}>
          This organization does not exist, or you are not one of its members.
        </EmptyState>
      </>
    );
  }

  const base = `/organizations/${organizationId}`;
  const tabs: TabItem[] = [
    { to: base, label: 'Details', icon: 'building', end: true },
    { to: `${base}/stores`, label: 'Stores', icon: 'store' },
    { to: `${base}/members`, label: 'Members', icon: 'users' },
  ];
  if (canManage) tabs.push({ to: `${base}/activity`, label: 'Activity', icon: 'activity' });

  const name = state.status === 'ready' ? state.data.name : fromSession.name;

  return (
    <>
      <PageHeader
        title={name}
        description="Organization settings: its details, its stores and the people in it."
        actions={
          fromSession.role !== null ? (
            <span className={styles.role}>
              Your role <Badge tone="accent">{roleLabel(fromSession.role)}</Badge>
            </span>
          ) : undefined
        }
      />
      <TabNav items={tabs} label="Organization settings" />
      <Routes>
        <Route
          index
          element={
            state.status === 'loading' ? (
              <p className={styles.loading} role="status">
                <Spinner /> Loading the organization…
              </p>
            ) : state.status === 'error' ? (
              <Banner tone="error" action={<Button onClick={reload}>Try again</Button>}>
                {errorMessage(state.error)}
              </Banner>
            ) : (
              <OrganizationDetailsForm
                organization={state.data}
                canManage={canManage}
                onSaved={(updated) => {
                  setData(updated);
                  if (updated.name !== fromSession.name) void refresh();
                }}
              />
            )
          }
        />
        <Route
          path="stores"
          element={<OrganizationStores organizationId={organizationId} organizationName={name} canManage={canManage} />}
        />
        <Route
          path="members"
          element={
            <MembersManager
              title="Members"
              description="The people of the organization. Owners and administrators administer every store; members work in the stores they are added to."
              placeName={name}
              roles={ORG_ROLES}
              defaultRole="member"
              canManage={canManage}
              currentUserId={session.user.id}
              api={membersApi}
              onOwnAccessChanged={() => void refresh()}
            />
          }
        />
        {canManage && (
          <Route
            path="activity"
            element={
              <AuditLog
                description={`Changes to ${name} and its members, newest first.`}
                load={loadAudit}
                selfTarget={String(organizationId)}
              />
            }
          />
        )}
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </>
  );
}
