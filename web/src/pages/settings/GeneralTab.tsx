import { useMemo } from 'react';
import {
  addStoreMember,
  changeStoreMemberRole,
  getStoreSettings,
  listStoreMembers,
  removeStoreMember,
  revokeStoreInvitation,
} from '../../api/stores';
import type { StoreRole } from '../../api/types';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { MembersManager, type MembersApi } from '../../components/members/MembersManager';
import type { RoleChoice } from '../../components/members/AddMemberDialog';
import { PanelStack } from '../../components/Panel';
import { Spinner } from '../../components/Spinner';
import { errorMessage } from '../../lib/errors';
import { useResource } from '../../lib/useResource';
import { useSession, useSessionContext } from '../../session/SessionContext';
import { useCurrentStore } from '../../session/Workspace';
import { EcommerceForm } from './EcommerceForm';
import { StoreDetailsForm } from './StoreDetailsForm';
import styles from './settings.module.css';

export const STORE_ROLES: readonly RoleChoice<StoreRole>[] = [
  {
    value: 'administrator',
    label: 'Administrator',
    description: 'Sees and edits the store settings, members and API keys, and everything a marketer sees.',
  },
  {
    value: 'marketer',
    label: 'Marketer',
    description: 'Works with contacts, segments, contents, workflows and analytics; cannot see store settings.',
  },
];

/**
 * General settings: store details, eCommerce, members. (Authorized domains and the tracking token are in
 * Channels › Web, with the rest of the tracking set-up.)
 */
export function GeneralTab() {
  const store = useCurrentStore();
  const { user } = useSession();
  const { refresh } = useSessionContext();
  const { state, reload, setData } = useResource((signal) => getStoreSettings(store.id, signal), [store.id]);

  const membersApi = useMemo<MembersApi<StoreRole>>(
    () => ({
      load: (signal) => listStoreMembers(store.id, signal),
      add: (email, role) => addStoreMember(store.id, email, role),
      changeRole: (userId, role) => changeStoreMemberRole(store.id, userId, role),
      remove: (userId) => removeStoreMember(store.id, userId),
      revoke: (invitationId) => revokeStoreInvitation(store.id, invitationId),
    }),
    [store.id],
  );

  if (state.status === 'loading') {
    return (
      <p className={styles.loading} role="status">
        <Spinner /> Loading the store settings…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <Banner tone="error" title="The store settings could not be loaded" action={<Button onClick={reload}>Try again</Button>}>
        {errorMessage(state.error)}
      </Banner>
    );
  }

  const settings = state.data;
  return (
    <PanelStack>
      <StoreDetailsForm
        settings={settings}
        onSaved={(updated) => {
          setData(updated);
          if (updated.name !== store.name) void refresh();
        }}
      />
      <EcommerceForm settings={settings} onSaved={setData} />
      <MembersManager
        title="Member management"
        description="The people who work on this store and their role in it."
        placeName={store.name}
        roles={STORE_ROLES}
        defaultRole="marketer"
        canManage
        currentUserId={user.id}
        api={membersApi}
        onOwnAccessChanged={() => void refresh()}
        footnote="Owners and administrators of the organization administer every one of its stores, whether or not they are listed here."
      />
    </PanelStack>
  );
}
