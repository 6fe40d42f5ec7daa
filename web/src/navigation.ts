import type { IconName } from './components/Icon';

/**
 * The product areas of the admin UI: one entry per page of the main navigation.
 * Sidebar, routes and page headers all read from here, so every page is reachable from the navigation.
 * Pages outside the store (the organization administrator, the account page) are reached from the store
 * selector and the user menu in the top bar.
 */
export interface Area {
  path: string;
  label: string;
  /** One line saying what the area holds. */
  description: string;
  icon: IconName;
  /** `primary` areas are listed at the top of the sidebar, `secondary` ones at its foot. */
  group: 'primary' | 'secondary';
  /** Only administrators of the current store see the entry (marketers cannot open store settings). */
  storeAdminOnly?: boolean;
}

export const AREAS = {
  dashboard: {
    path: '/',
    label: 'Dashboard',
    description:
      'Sales and revenue attributed to workflows and contents over 30 days, top workflows and contents, contact and workflow status, and a live “right now” feed.',
    icon: 'dashboard',
    group: 'primary',
  },
  contacts: {
    path: '/contacts',
    label: 'Contacts',
    description:
      "Every contact's profile, fields, value indicators and activity timeline; import and export.",
    icon: 'contacts',
    group: 'primary',
  },
  segments: {
    path: '/segments',
    label: 'Segments',
    description:
      'Static, dynamic and Dynamic Plus segments of contacts, and product segments of the catalog, kept up to date in real time.',
    icon: 'segments',
    group: 'primary',
  },
  ecommerce: {
    path: '/ecommerce',
    label: 'eCommerce',
    description:
      'The product catalog, carts and purchases, coupon sets, related products and recommendations.',
    icon: 'ecommerce',
    group: 'primary',
  },
  contents: {
    path: '/contents',
    label: 'Contents',
    description:
      'Web content, emails, web push notifications, SMS and forms, each with its editor, variables and writing assistant.',
    icon: 'contents',
    group: 'primary',
  },
  workflows: {
    path: '/workflows',
    label: 'Workflows',
    description:
      'Visual workflows that react to behaviour with triggers, conditions and actions, with a live view of each node.',
    icon: 'workflows',
    group: 'primary',
  },
  analytics: {
    path: '/analytics',
    label: 'Analytics',
    description:
      'Purchase attribution, charts filtered by period, channel, workflow, content and segment, and the data explorer.',
    icon: 'analytics',
    group: 'primary',
  },
  settings: {
    path: '/settings',
    label: 'Store settings',
    description:
      'Store details and members, channels, integrations, API keys and excluded IPs, and billing.',
    icon: 'settings',
    group: 'secondary',
    storeAdminOnly: true,
  },
  support: {
    path: '/support',
    label: 'Support',
    description: 'Open a ticket, converse with the support team and follow its status.',
    icon: 'support',
    group: 'secondary',
  },
} as const satisfies Record<string, Area>;

export type AreaKey = keyof typeof AREAS;

/** Areas in navigation order. */
export const AREA_LIST: readonly Area[] = Object.values(AREAS);
