import { Route, Routes } from 'react-router-dom';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { TabNav, type TabItem } from '../../components/TabNav';
import { AREAS } from '../../navigation';
import { NotFoundPage } from '../not-found/NotFoundPage';
import { useWorkspace } from '../../session/Workspace';
import { ActivityTab } from './ActivityTab';
import { ApiAccessTab } from './ApiAccessTab';
import { BillingTab, IntegrationsTab } from './RoadmapTabs';
import { ChannelsTab } from './ChannelsTab';
import { GeneralTab } from './GeneralTab';

const TABS: readonly TabItem[] = [
  { to: '/settings', label: 'General settings', icon: 'settings', end: true },
  { to: '/settings/channels', label: 'Channels', icon: 'mail' },
  { to: '/settings/integrations', label: 'Integrations', icon: 'plug' },
  { to: '/settings/api-access', label: 'API and IP access', icon: 'key' },
  { to: '/settings/billing', label: 'Billing', icon: 'card' },
  { to: '/settings/activity', label: 'Activity', icon: 'activity' },
];

/**
 * The store administrator: the settings of the current store in five tabs (plus its activity), for
 * administrators of the store only.
 */
export function StoreSettingsPage() {
  const { store, isStoreAdmin } = useWorkspace();
  const storeName = store?.name ?? '';

  if (!isStoreAdmin) {
    return (
      <>
        <PageHeader title={AREAS.settings.label} />
        <EmptyState icon="lock" title="Only administrators can see store settings">
          You are a Marketer in {storeName}: contacts, segments, contents, workflows and analytics are all yours, but
          the store’s settings, members and API keys are managed by its administrators. Ask one of them if you need a
          change.
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={AREAS.settings.label}
        description={`Everything about ${storeName}: its details and members, channels, integrations, API keys and excluded IPs, and billing.`}
      />
      <TabNav items={TABS} label="Store settings" />
      <Routes>
        <Route index element={<GeneralTab />} />
        <Route path="channels" element={<ChannelsTab />} />
        <Route path="integrations" element={<IntegrationsTab />} />
        <Route path="api-access" element={<ApiAccessTab />} />
        <Route path="billing" element={<BillingTab />} />
        <Route path="activity" element={<ActivityTab />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </>
  );
}
