import { Badge } from '../../components/Badge';
import { Icon, type IconName } from '../../components/Icon';
import styles from './RoadmapTabs.module.css';

export interface Section {
  icon: IconName;
  title: string;
  text: string;
}

/**
 * Sections of the store administrator whose features are not in Starling yet: each says what will be set
 * up there, and nothing pretends to work.
 */
export function RoadmapList({ label, sections }: { label: string; sections: readonly Section[] }) {
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
