/**
 * How activities (stored events) are named and summed up in one line. Event data come from shops and grow
 * with the product, so every field is read with a guard: an unexpected shape gives a plainer sentence, never
 * an error. The data of each type are described in `docs/api-contacts.md` and `docs/integration.md` §4.
 */
import type { IconName } from '../components/Icon';
import { formatQuantity, type MoneyFormat } from './money';

interface TypeInfo {
  label: string;
  icon: IconName;
  /** Derived by Starling rather than sent by the shop. */
  derived?: boolean;
}

/** Every event type Starling stores, in the order a filter lists them. */
export const ACTIVITY_TYPES: Readonly<Record<string, TypeInfo>> = {
  'page-visit': { label: 'Page visit', icon: 'file' },
  'product-visited': { label: 'Product visit', icon: 'eye' },
  'product-searched': { label: 'Product search', icon: 'search' },
  'product-not-found': { label: 'Product not found', icon: 'search' },
  search: { label: 'Search', icon: 'search' },
  'cart-product-added': { label: 'Added to cart', icon: 'cart', derived: true },
  'cart-product-removed': { label: 'Removed from cart', icon: 'cart', derived: true },
  'cart-abandoned': { label: 'Cart abandoned', icon: 'cartOff', derived: true },
  purchase: { label: 'Purchase', icon: 'receipt' },
  login: { label: 'Login', icon: 'login' },
  register: { label: 'Registration', icon: 'userPlus' },
  'newsletter-subscribe': { label: 'Newsletter subscription', icon: 'mail' },
  'form-submitted': { label: 'Form submitted', icon: 'form' },
  custom: { label: 'Custom event', icon: 'sparkle' },
  'web-content-opened': { label: 'Web content opened', icon: 'window' },
  'web-content-clicked': { label: 'Web content clicked', icon: 'window' },
  'web-content-closed': { label: 'Web content closed', icon: 'window' },
  'entity-created': { label: 'Contact created', icon: 'user', derived: true },
  'entity-identified': { label: 'Contact identified', icon: 'userCheck', derived: true },
  'entity-merged': { label: 'Contacts merged', icon: 'merge', derived: true },
  'push-subscribed': { label: 'Push subscription', icon: 'bell', derived: true },
};

/** "Page visit" for `page-visit`; an unknown type is shown as it is. */
export function activityLabel(type: string): string {
  return ACTIVITY_TYPES[type]?.label ?? type;
}

export function activityIcon(type: string): IconName {
  return ACTIVITY_TYPES[type]?.icon ?? 'activity';
}

// ---- Reading event data ----------------------------------------------------------------------------

type Data = Record<string, unknown>;

function asData(value: unknown): Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Data) : {};
}

function text(data: Data, key: string): string | null {
  const value = data[key];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function number(data: Data, key: string): number | null {
  const value = data[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function list(data: Data, key: string): unknown[] {
  const value = data[key];
  return Array.isArray(value) ? value : [];
}

/** `Shoe (€29.90)`, or what is known of the product. */
function productText(value: unknown, money: MoneyFormat, price?: number | null): string {
  const product = asData(value);
  const name = text(product, 'name') ?? text(product, 'productId') ?? 'a product';
  const amount = price ?? number(product, 'unitPrice');
  return amount === null ? name : `${name} (${money(amount)})`;
}

function productName(value: unknown): string {
  const product = asData(value);
  return text(product, 'name') ?? text(product, 'productId') ?? 'a product';
}

function plural(count: number, one: string, many: string): string {
  return `${formatQuantity(count)} ${count === 1 ? one : many}`;
}

/** The number of items of a cart or purchase: its total quantity, else the sum of its lines. */
function itemCount(data: Data): number | null {
  const total = number(data, 'totalQuantity');
  if (total !== null) return total;
  const lines = list(data, 'products');
  if (lines.length === 0) return null;
  return lines.reduce<number>((sum, line) => sum + (number(asData(line), 'quantity') ?? 1), 0);
}

function quoted(value: string): string {
  return `“${value}”`;
}

// ---- One line per activity -------------------------------------------------------------------------

/**
 * A sentence for a person: "Viewed product Shoe (€29.90)", "Added 2 × Shoe to cart", "Cart abandoned:
 * 2 products, €59.80", "Merged anonymous contact #1 into this contact".
 */
export function activitySummary(type: string, rawData: unknown, money: MoneyFormat): string {
  const data = asData(rawData);
  switch (type) {
    case 'page-visit': {
      const title = text(data, 'title');
      const url = text(data, 'url');
      if (title !== null && url !== null) return `Visited ${quoted(title)} (${url})`;
      if (title !== null) return `Visited ${quoted(title)}`;
      if (url !== null) return `Visited ${url}`;
      return 'Visited a page';
    }
    case 'product-visited':
      return `Viewed product ${productText(data.product, money)}`;
    case 'product-searched': {
      const search = text(data, 'searchText');
      const results = list(data, 'products').length;
      const what = search !== null ? `Searched products for ${quoted(search)}` : 'Searched products';
      return `${what}: ${plural(results, 'result', 'results')}`;
    }
    case 'product-not-found': {
      const search = text(data, 'searchText');
      const id = text(data, 'productId');
      if (search !== null) return `Found no product for ${quoted(search)}`;
      if (id !== null) return `Looked for product ${id}, which was not found`;
      return 'Looked for a product that was not found';
    }
    case 'search': {
      const search = text(data, 'searchText');
      return search !== null ? `Searched for ${quoted(search)}` : 'Searched the shop';
    }
    case 'cart-product-added':
    case 'cart-product-removed': {
      const quantity = number(data, 'quantity') ?? 1;
      const name = productName(data.product);
      return type === 'cart-product-added'
        ? `Added ${formatQuantity(quantity)} × ${name} to cart`
        : `Removed ${formatQuantity(quantity)} × ${name} from cart`;
    }
    case 'cart-abandoned': {
      const count = itemCount(data);
      const total = number(data, 'totalPrice');
      const parts = [count !== null ? plural(count, 'product', 'products') : null, total !== null ? money(total) : null]
        .filter((part) => part !== null)
        .join(', ');
      return parts === '' ? 'Cart abandoned' : `Cart abandoned: ${parts}`;
    }
    case 'purchase': {
      const purchase = asData(data.purchase ?? data);
      const id = text(purchase, 'purchaseId');
      const count = itemCount(purchase);
      const total = number(purchase, 'totalPrice');
      const parts = [count !== null ? plural(count, 'product', 'products') : null, total !== null ? money(total) : null]
        .filter((part) => part !== null)
        .join(', ');
      const head = id !== null ? `Purchased order ${id}` : 'Made a purchase';
      return parts === '' ? head : `${head}: ${parts}`;
    }
    case 'login':
      return 'Signed in';
    case 'register':
      return 'Registered an account';
    case 'newsletter-subscribe': {
      const email = text(data, 'email');
      return email !== null ? `Subscribed to the newsletter as ${email}` : 'Subscribed to the newsletter';
    }
    case 'form-submitted': {
      const form = text(data, 'formId');
      return form !== null ? `Submitted the form ${quoted(form)}` : 'Submitted a form';
    }
    case 'custom': {
      const id = text(data, 'eventId');
      return id !== null ? `Custom event ${quoted(id)}` : 'Custom event';
    }
    case 'web-content-opened':
    case 'web-content-clicked':
    case 'web-content-closed': {
      const verb = type === 'web-content-opened' ? 'Opened' : type === 'web-content-clicked' ? 'Clicked' : 'Closed';
      const id = text(data, 'webContentId');
      return id !== null ? `${verb} web content ${id}` : `${verb} web content`;
    }
    case 'entity-created': {
      const email = text(data, 'email');
      const externalId = text(data, 'externalId');
      if (email !== null) return `Contact created with the email ${email}`;
      return externalId !== null ? `Contact created for customer ID ${externalId}` : 'Contact created (anonymous)';
    }
    case 'entity-identified': {
      const email = text(data, 'email');
      return email !== null ? `Identified as ${email}` : 'Identified';
    }
    case 'entity-merged': {
      const merged = number(data, 'mergedContactId');
      return merged !== null
        ? `Merged anonymous contact #${merged} into this contact`
        : 'Merged an anonymous contact into this contact';
    }
    case 'push-subscribed': {
      const service = text(data, 'service');
      return service !== null ? `Subscribed to web push (${service})` : 'Subscribed to web push';
    }
    default:
      return activityLabel(type);
  }
}

/** The contact a merge brought in, for a link (`entity-merged`). */
export function mergedContactId(type: string, data: unknown): number | null {
  return type === 'entity-merged' ? number(asData(data), 'mergedContactId') : null;
}

/** Whether the data are worth showing (not `{}` or `null`). */
export function hasData(data: unknown): boolean {
  if (data === null || data === undefined) return false;
  if (Array.isArray(data)) return data.length > 0;
  if (typeof data === 'object') return Object.keys(data).length > 0;
  return true;
}

/** Microseconds since 1970 (carts' `updatedAtUs`) as an ISO string. */
export function isoFromMicros(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString();
}
