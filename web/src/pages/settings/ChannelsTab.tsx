import { useCallback, useEffect, useRef } from 'react';
import { getIntegration } from '../../api/contacts';
import type { LiveEntry } from '../../api/contactTypes';
import { getStoreSettings, updateStoreSettings } from '../../api/stores';
import type { StoreSettings } from '../../api/types';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { CopyField } from '../../components/Copy';
import { Icon } from '../../components/Icon';
import { Panel, PanelStack } from '../../components/Panel';
import { Spinner } from '../../components/Spinner';
import { useToast } from '../../components/Toasts';
import { errorMessage } from '../../lib/errors';
import { CurrencyProvider } from '../../lib/money';
import { useResource } from '../../lib/useResource';
import { useCurrentStore } from '../../session/Workspace';
import { RoadmapList } from './RoadmapTabs';
import { AuthorizedDomainsEditor, TrackingTokenField } from './TrackingControls';
import { ChecklistPanel } from './web/ChecklistPanel';
import { LiveStreamPanel } from './web/LiveStreamPanel';
import { ScriptOptionsForm } from './web/ScriptOptionsForm';
import settingsStyles from './settings.module.css';
import styles from './web/web.module.css';

/** After new requests, the checklist is read again once they stop arriving for this long. */
const CHECKLIST_REFRESH_MS = 600;

/**
 * Channels: Web (the tracking script, its domains and options, and the integration check: checklist and
 * live stream), then the channels still to come (Email, Web push, SMS).
 */
export function ChannelsTab() {
  return (
    <div className={styles.channels}>
      <WebChannel />
      <div className={styles.others}>
        <p className={styles.othersLabel}>Other channels</p>
        <RoadmapList
          label="Other channels"
          sections={[
            {
              icon: 'mail',
              title: 'Email',
              text: 'Sender names and addresses, the sending domain and its DNS records (SPF, DKIM), and the unsubscribe page of your emails.',
            },
            {
              icon: 'bell',
              title: 'Web push',
              text: 'The service worker and keys for web push notifications, and the permission prompt shown to visitors.',
            },
            {
              icon: 'message',
              title: 'SMS',
              text: 'The SMS provider account, sender ID and the default country code applied to mobile numbers.',
            },
          ]}
        />
      </div>
    </div>
  );
}

function WebChannel() {
  const store = useCurrentStore();
  const settings = useResource((signal) => getStoreSettings(store.id, signal), [store.id]);
  const integration = useResource((signal) => getIntegration(store.id, signal), [store.id]);
  const reloadIntegration = integration.reload;

  // New requests may check items off: read the checklist again once a burst is over.
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const onEntries = useCallback(
    (entries: readonly LiveEntry[]) => {
      if (!entries.some((entry) => entry.event_types.length > 0)) return;
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(reloadIntegration, CHECKLIST_REFRESH_MS);
    },
    [reloadIntegration],
  );

  const onSaved = (updated: StoreSettings) => {
    settings.setData(updated);
    // The snippet carries the token; the integration answer repeats the domains and options.
    reloadIntegration();
  };

  // "Authorize" on a live request refused for its origin.
  const notify = useToast();
  const authorize = async (host: string) => {
    if (settings.state.status !== 'ready') return;
    try {
      const updated = await updateStoreSettings(store.id, {
        authorized_domains: [...settings.state.data.authorized_domains, host],
      });
      onSaved(updated);
      notify(`${host} authorized. Pages already open in a browser pick it up within 5 minutes.`);
    } catch (error) {
      notify(errorMessage(error), 'error');
    }
  };

  return (
    <section className={styles.channel} aria-labelledby="channel-web">
      <header className={styles.channelHead}>
        <span className={styles.channelIcon} aria-hidden="true">
          <Icon name="globe" size={18} />
        </span>
        <div>
          <h2 className={styles.channelTitle} id="channel-web">
            Web
          </h2>
          <p className={styles.channelText}>
            The tracking script on your shop: what to paste, where it may run, and a live check that events arrive.
          </p>
        </div>
      </header>
      {settings.state.status === 'loading' && (
        <p className={settingsStyles.loading} role="status">
          <Spinner /> Loading the web channel…
        </p>
      )}
      {settings.state.status === 'error' && (
        <Banner
          tone="error"
          title="The store settings could not be loaded"
          action={<Button onClick={settings.reload}>Try again</Button>}
        >
          {errorMessage(settings.state.error)}
        </Banner>
      )}
      {settings.state.status === 'ready' && (
        <CurrencyProvider currency={settings.state.data.currency}>
          <PanelStack>
            <Panel
              level={3}
              title="Install the tracking script"
              description={
                <>
                  Paste this element into every page of your shop, in the <code>&lt;head&gt;</code>. Then describe
                  products, carts, purchases and the signed-in customer with hidden HTML tags (see the checklist
                  below).
                </>
              }
            >
              {integration.state.status === 'ready' && (
                <>
                  <CopyField value={integration.state.data.snippet} label="snippet" testId="tracking-snippet" />
                  <p className="muted-note">
                    Events go to <code>{integration.state.data.collect_url}</code>. Shops integrated with the original
                    product’s script switch by changing its base URL to <code>{integration.state.data.base_url}</code>.
                  </p>
                </>
              )}
              {integration.state.status === 'loading' && (
                <p className={styles.inlineStatus} role="status">
                  <Spinner /> Loading the snippet…
                </p>
              )}
              {integration.state.status === 'error' && (
                <Banner tone="error" action={<Button size="sm" onClick={reloadIntegration}>Try again</Button>}>
                  {errorMessage(integration.state.error)}
                </Banner>
              )}
              <div className={settingsStyles.divider} />
              <TrackingTokenField settings={settings.state.data} onSaved={onSaved} />
            </Panel>
            <Panel
              level={3}
              title="Authorized domains"
              description="The tracking endpoint refuses requests sent from other sites, and keeps products whose address is on another site out of the catalog. List every host your shop is served from."
            >
              <AuthorizedDomainsEditor settings={settings.state.data} onSaved={onSaved} />
            </Panel>
            <ScriptOptionsForm settings={settings.state.data} onSaved={onSaved} />
            <ChecklistPanel state={integration.state} onRefresh={reloadIntegration} />
            <LiveStreamPanel
              onEntries={onEntries}
              authorizedDomains={settings.state.data.authorized_domains}
              onAuthorize={authorize}
            />
          </PanelStack>
        </CurrencyProvider>
      )}
    </section>
  );
}
