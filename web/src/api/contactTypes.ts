/**
 * The shapes of `docs/api-contacts.md` (contacts, activity timelines, the integration check) and their
 * decoders. Field names follow the API: `snake_case` for Starling's own objects, `camelCase` inside what the
 * shop sent (products, carts, event data), as the wire format of `docs/integration.md` has them.
 *
 * Event data differ by type and grow with the product, so an activity's `data` stays `unknown` here and is
 * read with guards where it is shown (`lib/activities.ts`): one odd event never hides a whole timeline.
 */
import {
  arrayOf,
  bool,
  int,
  json,
  nullable,
  num,
  object,
  recordOf,
  str,
  withDefault,
  type Decoder,
} from './decode';

// ---- Products and carts ----------------------------------------------------------------------------

/** A product as the shop sent it (`docs/integration.md` §4); only what the UI shows is typed. */
export interface Product {
  productId: string;
  name: string;
  /** `''` when not sent (Segment products may omit it). */
  url: string;
  /** `null` when not sent (Segment products may omit it); the line's `price` is what was paid. */
  unitPrice: number | null;
  imageUrl: string | null;
  thumbnailUrl: string | null;
}

export const decodeProduct: Decoder<Product> = object({
  productId: str,
  name: str,
  url: withDefault(str, ''),
  unitPrice: nullable(num),
  imageUrl: nullable(str),
  thumbnailUrl: nullable(str),
});

export interface CartLine {
  product: Product;
  quantity: number;
  /** The unit price in this cart. */
  price: number;
}

export const decodeCartLine: Decoder<CartLine> = object({ product: decodeProduct, quantity: num, price: num });

/** Known cart states; the decoder keeps any other string (shown as it is). */
export const CART_STATES = ['active', 'abandoned', 'purchased', 'empty'] as const;
export type CartState = (typeof CART_STATES)[number];

export interface Cart {
  cartId: string;
  state: string;
  totalQuantity: number;
  totalPrice: number;
  products: CartLine[];
  /** Microseconds since 1970, `null` when not given. */
  updatedAtUs: number | null;
}

export const decodeCart: Decoder<Cart> = object({
  cartId: str,
  state: str,
  totalQuantity: withDefault(num, 0),
  totalPrice: withDefault(num, 0),
  products: withDefault(arrayOf(decodeCartLine), []),
  updatedAtUs: nullable(num),
});

// ---- Contacts and activities -----------------------------------------------------------------------

/** A web push subscription of one of the contact's browsers: which push service, since when. */
export interface PushSubscription {
  /** The push service's host, e.g. `fcm.googleapis.com` (Chrome, Edge), `updates.push.services.mozilla.com` (Firefox). */
  service: string;
  subscribed_at: string;
  last_seen_at: string;
}

export const decodePushSubscription: Decoder<PushSubscription> = object({
  service: str,
  subscribed_at: str,
  last_seen_at: str,
});

export interface Contact {
  id: number;
  /** `null` while the contact is anonymous. */
  email: string | null;
  /** The shop's own id of the customer (a Segment `userId` that is not an email), or `null`. */
  external_id: string | null;
  /** Known by neither an email nor an external id. */
  anonymous: boolean;
  /** System fields (`_name`, `_surname`, `_newsletter_subscription_status`…) and custom fields by id. */
  fields: Record<string, unknown>;
  /** The contact an anonymous contact was merged into. */
  merged_into: number | null;
  tracker_ids: string[];
  push_subscriptions: PushSubscription[];
  activity_count: number;
  cart: Cart | null;
  created_at: string;
  updated_at: string;
}

export const decodeContact: Decoder<Contact> = object({
  id: int,
  email: nullable(str),
  external_id: withDefault(nullable(str), null),
  anonymous: bool,
  fields: withDefault(recordOf(json), {}),
  merged_into: nullable(int),
  tracker_ids: withDefault(arrayOf(str), []),
  push_subscriptions: withDefault(arrayOf(decodePushSubscription), []),
  activity_count: withDefault(int, 0),
  cart: nullable(decodeCart),
  created_at: str,
  updated_at: str,
});

export interface ContactPage {
  contacts: Contact[];
  next_cursor: string | null;
}

export const decodeContactPage: Decoder<ContactPage> = object({
  contacts: arrayOf(decodeContact),
  next_cursor: nullable(str),
});

export interface Activity {
  id: number;
  /** An event type: those the shop sends and those Starling derives (`docs/api-contacts.md`). */
  type: string;
  occurred_at: string;
  /** Depends on `type`; see `lib/activities.ts`. */
  data: unknown;
  /** The contact it belongs to, when the answer says (the checklist's examples do). */
  contact_id: number | null;
}

export const decodeActivity: Decoder<Activity> = object({
  id: int,
  type: str,
  occurred_at: str,
  data: json,
  contact_id: nullable(int),
});

export interface ActivityPage {
  activities: Activity[];
  next_cursor: string | null;
}

export const decodeActivityPage: Decoder<ActivityPage> = object({
  activities: arrayOf(decodeActivity),
  next_cursor: nullable(str),
});

// ---- Integration check -----------------------------------------------------------------------------

/** How the tracking script is limited on the shop (`docs/integration.md` §1). */
export interface ScriptOptions {
  /** Glob patterns (`*` = any characters); when not empty, a page must match one. */
  include_urls: string[];
  /** A page matching one of these sends nothing. */
  exclude_urls: string[];
  /** Share of browsers tracked, 0 … 1. */
  sampling: number;
}

export const DEFAULT_SCRIPT_OPTIONS: ScriptOptions = { include_urls: [], exclude_urls: [], sampling: 1 };

export const decodeScriptOptions: Decoder<ScriptOptions> = withDefault(
  object({
    include_urls: withDefault(arrayOf(str), []),
    exclude_urls: withDefault(arrayOf(str), []),
    sampling: withDefault(num, 1),
  }),
  DEFAULT_SCRIPT_OPTIONS,
);

/** One event type a good integration sends, and whether the store has received it. */
export interface ChecklistItem {
  key: string;
  label: string;
  types: string[];
  seen: boolean;
  /** The latest such event. */
  last: Activity | null;
  /** Whom the latest event belongs to now (after merges); `email` is `null` for an anonymous visitor. */
  contact: { id: number; email: string | null; external_id: string | null } | null;
  /** What is wrong with the latest example (a login from a visitor left anonymous), or `null`. */
  warning: string | null;
}

export const decodeChecklistItem: Decoder<ChecklistItem> = object({
  key: str,
  label: str,
  types: arrayOf(str),
  seen: bool,
  last: nullable(decodeActivity),
  contact: withDefault(
    nullable(object({ id: int, email: nullable(str), external_id: withDefault(nullable(str), null) })),
    null,
  ),
  warning: withDefault(nullable(str), null),
});

export interface Integration {
  tracking_token: string;
  base_url: string;
  script_url: string;
  collect_url: string;
  /** The `<script>` element to paste, token and base URL filled in. */
  snippet: string;
  authorized_domains: string[];
  script_options: ScriptOptions;
  checklist: ChecklistItem[];
  /** Requests answered but not stored since the server started: from excluded IPs, from known bots. */
  dropped: { excluded_ip: number; bot: number };
  /** The sequence number of the latest live entry (0 when none). */
  live_seq: number;
}

export const decodeIntegration: Decoder<Integration> = object({
  tracking_token: str,
  base_url: str,
  script_url: str,
  collect_url: str,
  snippet: str,
  authorized_domains: withDefault(arrayOf(str), []),
  script_options: decodeScriptOptions,
  checklist: arrayOf(decodeChecklistItem),
  dropped: withDefault(object({ excluded_ip: withDefault(int, 0), bot: withDefault(int, 0) }), { excluded_ip: 0, bot: 0 }),
  live_seq: withDefault(int, 0),
});

/** Why one event of a request was refused. */
export interface EventError {
  /** Index of the event in the request; `null` for the request as a whole. */
  event: number | null;
  field: string;
  message: string;
}

export const decodeEventError: Decoder<EventError> = object({
  event: nullable(int),
  field: withDefault(str, ''),
  message: str,
});

export const LIVE_SOURCES = ['script', 'api', 'segment', 'timer'] as const;

/** One request received by the store, as the live view shows it. */
export interface LiveEntry {
  seq: number;
  at: string;
  /** `script`, `api`, `segment` or `timer` (events Starling derived on its own, such as abandoned carts). */
  source: string;
  ip: string;
  /** `null` when the request was refused before a contact was found. */
  contact_id: number | null;
  /** The contact's email as the request left it; `null` while anonymous. */
  contact_email: string | null;
  /** Without an email: the contact's external id (a Segment `userId`), if it has one. */
  contact_external_id: string | null;
  /** What was stored, derived events included. */
  event_types: string[];
  errors: EventError[];
  /** `stored`, or why nothing was stored (`refused: origin …`, `dropped: excluded IP`). */
  status: string;
}

export const decodeLiveEntry: Decoder<LiveEntry> = object({
  seq: int,
  at: str,
  source: str,
  ip: withDefault(str, ''),
  contact_id: nullable(int),
  contact_email: withDefault(nullable(str), null),
  contact_external_id: withDefault(nullable(str), null),
  event_types: withDefault(arrayOf(str), []),
  errors: withDefault(arrayOf(decodeEventError), []),
  status: str,
});

