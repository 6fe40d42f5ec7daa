import { Badge } from '../../components/Badge';
import { Icon, type IconName } from '../../components/Icon';
import styles from './RoadmapTabs.module.css';

interface Section {
  icon: IconName;
  title: string;
  text: string;
}

/**
 * Sections of the store administrator whose features are not in Starling yet: each says what will be set
 * up there, and nothing pretends to work.
 */
function RoadmapList({ label, sections }: { label: string; sections: readonly Section[] }) {
  return (
    <ul className={styles.grid} aria-label={label}>
      {sections.map((section) => (
        <li key={section.title} className={styles.card}>
          <div className={styles.head}>
            <span className={styles.icon} aria-hidden="true">
              <Icon name={section.icon} size={18} />
            </span>
            <h2 className={styles.title}>{section.title}</h2>
            <Badge>Not available yet</Badge>
          </div>
          <p className={styles.text}>{section.text}</p>
        </li>
      ))}
    </ul>
  );
}

export function ChannelsTab() {
  return (
    <RoadmapList
      label="Channels"
      sections={[
        {
          icon: 'mail',
          title: 'Email',
          text: 'Sender names and addresses, the sending domain and its DNS records (SPF, DKIM), and the unsubscribe page of your emails.',
        },
        {
          icon: 'globe',
          title: 'Web',
          text: 'How web content appears on your site: the tracking script, where popups, slide-ins, bars and inline content may show, and how often.',
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
  );
}

export function IntegrationsTab() {
  return (
    <RoadmapList
      label="Integrations"
      sections={[
        {
          icon: 'users',
          title: 'Ads and audiences',
          text: 'Connect Google Ads and social ad accounts so workflows can add contacts to, and remove them from, your audiences.',
        },
        {
          icon: 'building',
          title: 'ERPs and CRMs',
          text: 'Keep contacts, products and purchases in step with your ERP or CRM; the steps depend on the system you use.',
        },
        {
          icon: 'code',
          title: 'Custom integrations',
          text: 'Webhooks that receive workflow events in your own systems, with their URLs, secrets and delivery history.',
        },
      ]}
    />
  );
}

export function BillingTab() {
  return (
    <RoadmapList
      label="Billing"
      sections={[
        {
          icon: 'card',
          title: 'Billing and payment',
          text: 'Billing details and payment method of the store, and the history of its invoices.',
        },
        {
          icon: 'activity',
          title: 'Subscription',
          text: 'The plan assigned to this store, what it includes, and changing it.',
        },
      ]}
    />
  );
}
