// Reads the HTML tags of docs/integration.md §2 and validates them. Invalid objects are dropped with a
// console warning saying why; an invalid optional field is left out (with a warning) and its object kept.
import type { BasketItem, Cart, Fields, PageInfo, Product, StarlingEvent } from './types';
import { warn } from './util';

/** Elements that hold one product's children inside a bigger tag. */
const PRODUCT_HOLDERS = ['cn_product', 'product_basket_item'];

/**
 * How an optional product child is read, with the server's rule for it (src/tracking/parse.cc), so that
 * nothing the server would refuse — which costs the whole product, or the whole cart — is sent: text,
 * http(s) URL, inner HTML, number ≥ 0, integer, count (integer ≥ 0), rating (0…5), percentage (0…100),
 * time (ISO 8601, sent in UTC), availability.
 */
type Kind = 'text' | 'url' | 'html' | 'number' | 'integer' | 'count' | 'rating' | 'percent' | 'time' | 'availability';

const PRODUCT_FIELDS: Record<string, Kind> = {
  availability: 'availability',
  image_url: 'url',
  thumbnail_url: 'url',
  description: 'html',
  priority: 'integer',
  rating_value: 'rating',
  review_count: 'count',
  rating_count: 'count',
  brand: 'text',
  unit_price_original: 'number',
  unit_price_without_vat: 'number',
  discounted_amount: 'number',
  discounted_percentage: 'percent',
  custom_field_1: 'text',
  custom_field_2: 'text',
  custom_field_3: 'text',
  published_at: 'time',
  stock: 'count',
};

/** Repeatable product children and the array they fill. */
const PRODUCT_LISTS: Record<string, string> = {
  category: 'categories',
  tag: 'tags',
  related_external_product_id: 'relatedExternalProductIds',
};

const AVAILABILITY = ['instock', 'outofstock', 'unverified', 'discontinued'];

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const INTEGER = /^[+-]?\d+$/;
/** The server's time format; other dates that start like an ISO date are converted to it. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
/** The server's limits on a text (characters), an inner HTML and a URL. */
const MAX_TEXT = 2000;
const MAX_HTML = 20000;
const MAX_URL = 2048;

/** `unit_price_without_vat` → `unitPriceWithoutVat`. */
function camel(name: string): string {
  return name.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
}

/** True when `el` belongs to `root` itself, not to a product nested inside it. */
function owned(root: Element, el: Element): boolean {
  for (let p = el.parentElement; p && p !== root; p = p.parentElement) {
    if (PRODUCT_HOLDERS.some((c) => p!.classList.contains(c))) return false;
  }
  return true;
}

function children(root: ParentNode, cls: string): Element[] {
  const found = Array.from(root.querySelectorAll(`.${cls}`));
  return root instanceof Element ? found.filter((el) => owned(root, el)) : found;
}

function text(el: Element): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The text of the first child with class `cls`, or undefined when absent or empty. */
function value(root: Element, cls: string): string | undefined {
  const el = children(root, cls)[0];
  const t = el ? text(el) : '';
  return t === '' ? undefined : t;
}

function values(root: Element, cls: string): string[] {
  return children(root, cls)
    .map(text)
    .filter((t) => t !== '');
}

function toNumber(t: string | undefined): number | undefined {
  return t !== undefined && NUMBER.test(t) ? parseFloat(t) : undefined;
}

/** An absolute http(s) URL (relative ones resolved against the page), or undefined. */
function toUrl(t: string | undefined): string | undefined {
  if (t === undefined) return undefined;
  try {
    const url = new URL(t, location.href);
    return /^https?:$/.test(url.protocol) && url.href.length <= MAX_URL ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function inRange(n: number | undefined, min: number, max: number): number | undefined {
  return n !== undefined && n >= min && n <= max ? n : undefined;
}

function toTime(t: string): string | undefined {
  if (ISO_UTC.test(t)) return t;
  const ms = ISO_DATE.test(t) ? Date.parse(t) : NaN;
  return isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function describe(where: string, id: string | undefined): string {
  return id === undefined ? where : `${where} "${id}"`;
}

/** Reads an optional, typed value; warns and returns undefined when it is there but wrong. */
function optional(root: Element, cls: string, kind: Kind, where: string): unknown {
  if (kind === 'html') {
    const el = children(root, cls)[0];
    const html = el ? el.innerHTML.trim() : '';
    if (html.length > MAX_HTML) warn(`${where}: ${cls} left out: longer than ${MAX_HTML} characters`);
    return html === '' || html.length > MAX_HTML ? undefined : html;
  }
  const raw = value(root, cls);
  if (raw === undefined) return undefined;
  let result: unknown;
  let expected: string;
  switch (kind) {
    case 'text':
      result = raw.length <= MAX_TEXT ? raw : undefined;
      expected = `at most ${MAX_TEXT} characters`;
      break;
    case 'url':
      result = toUrl(raw);
      expected = 'an http(s) URL';
      break;
    case 'number':
      result = inRange(toNumber(raw), 0, Infinity);
      expected = 'a number ≥ 0';
      break;
    case 'integer':
    case 'count':
      result = INTEGER.test(raw) ? inRange(parseInt(raw, 10), kind === 'count' ? 0 : -Infinity, Infinity) : undefined;
      expected = kind === 'count' ? 'an integer ≥ 0' : 'an integer';
      break;
    case 'rating':
      result = inRange(toNumber(raw), 0, 5);
      expected = 'a number from 0 to 5';
      break;
    case 'percent':
      result = inRange(toNumber(raw), 0, 100);
      expected = 'a number from 0 to 100';
      break;
    case 'time':
      result = toTime(raw);
      expected = 'a date like 2026-05-01T12:00:00Z';
      break;
    case 'availability': {
      const a = raw.replace(/^https?:\/\/schema\.org\//i, '').toLowerCase();
      result = AVAILABILITY.indexOf(a) >= 0 ? a : undefined;
      expected = AVAILABILITY.join(', ');
      break;
    }
  }
  if (result === undefined) warn(`${where}: ${cls} left out: expected ${expected}, got "${raw}"`);
  return result;
}

/** The product whose children are inside `root`, or null (with a warning) when it is invalid. */
export function readProduct(root: Element, where: string): Product | null {
  const productId = value(root, 'product_id');
  const name = value(root, 'name');
  const rawUrl = value(root, 'url');
  const url = toUrl(rawUrl);
  const rawPrice = value(root, 'unit_price');
  const unitPrice = toNumber(rawPrice);
  const label = describe(`${where}: product`, productId);
  let why: string | undefined;
  if (productId === undefined) why = 'it has no product_id';
  else if (name === undefined) why = 'it has no name';
  else if (name.length > MAX_TEXT) why = `its name is longer than ${MAX_TEXT} characters`;
  else if (url === undefined) why = rawUrl === undefined ? 'it has no url' : `its url "${rawUrl}" is not an http(s) URL`;
  else if (rawPrice === undefined) why = 'it has no unit_price';
  else if (unitPrice === undefined || unitPrice < 0) why = `its unit_price "${rawPrice}" is not a number ≥ 0`;
  if (why !== undefined || productId === undefined || name === undefined || url === undefined || unitPrice === undefined) {
    warn(`${label} dropped: ${why ?? 'invalid'}`);
    return null;
  }
  const product: Product = { productId, name, url, unitPrice };
  for (const cls of Object.keys(PRODUCT_FIELDS)) {
    const v = optional(root, cls, PRODUCT_FIELDS[cls]!, label);
    if (v !== undefined) product[camel(cls)] = v;
  }
  for (const cls of Object.keys(PRODUCT_LISTS)) {
    const list = values(root, cls);
    if (list.length > 0) product[PRODUCT_LISTS[cls]!] = list;
  }
  return product;
}

/** The `product_basket_item`s of a cart or purchase; invalid lines are dropped. */
function readItems(root: Element, where: string): BasketItem[] {
  const items: BasketItem[] = [];
  for (const el of children(root, 'product_basket_item')) {
    const product = readProduct(el, where);
    if (!product) continue;
    const rawQuantity = value(el, 'quantity');
    const quantity = rawQuantity === undefined ? 1 : toNumber(rawQuantity);
    if (quantity === undefined || quantity <= 0) {
      warn(`${where}: product "${product.productId}" dropped: its quantity "${rawQuantity}" is not a number > 0`);
      continue;
    }
    const item: BasketItem = { ...product, quantity };
    const price = optional(el, 'price', 'number', `${where}: product "${product.productId}"`);
    if (price !== undefined) item.price = price as number;
    items.push(item);
  }
  return items;
}

/** `total_quantity` and `total_price` of a cart or purchase, when given and valid. */
function readTotals(root: Element, target: Fields, where: string): void {
  const q = optional(root, 'total_quantity', 'number', where);
  if (q !== undefined) target.totalQuantity = q;
  const p = optional(root, 'total_price', 'number', where);
  if (p !== undefined) target.totalPrice = p;
}

export function readCart(root: Element): Cart | null {
  const cartId = value(root, 'cart_id');
  if (cartId === undefined) {
    warn('cn_cart dropped: it has no cart_id');
    return null;
  }
  const where = `cn_cart "${cartId}"`;
  const cart: Cart = { cartId, products: [] };
  readTotals(root, cart, where);
  cart.products = readItems(root, where);
  return cart;
}

function readPurchase(root: Element): StarlingEvent | null {
  const purchaseId = value(root, 'purchase_id');
  if (purchaseId === undefined) {
    warn('cn_purchase dropped: it has no purchase_id');
    return null;
  }
  const where = `cn_purchase "${purchaseId}"`;
  const purchase: Fields = { purchaseId };
  readTotals(root, purchase, where);
  const paymentMethod = value(root, 'payment_method');
  if (paymentMethod !== undefined) purchase.paymentMethod = paymentMethod;
  purchase.products = readItems(root, where);
  return { type: 'purchase', purchase };
}

/** `cn_client_info`: every leaf child with a class is a field; values are sent as text. */
export function readClientInfo(root: Element): Fields {
  const info: Fields = {};
  for (const el of Array.from(root.querySelectorAll('[class]'))) {
    const cls = el.classList[0];
    if (el.children.length > 0 || cls === undefined) continue;
    const key = cls === 'primary_key' ? 'primaryKey' : cls === 'tracker_id' ? 'trackerId' : cls;
    const v = text(el);
    if (v !== '' && !(key in info)) info[key] = v;
  }
  return info;
}

/** Everything the tags of the page describe. */
export interface PageTags {
  entityInfo: Fields;
  cart?: Cart;
  /** The events the tags describe, in the order of the table of §2 (without the page visit). */
  events: StarlingEvent[];
  bannerPlaceholders: { id: string }[];
  pageInfo: PageInfo;
}

function each(cls: string, read: (el: Element) => StarlingEvent | null, into: StarlingEvent[]): void {
  for (const el of Array.from(document.getElementsByClassName(cls))) {
    const event = read(el);
    if (event) into.push(event);
  }
}

function searchText(el: Element): string | undefined {
  return value(el, 'search_text');
}

export function readPage(): PageTags {
  const clientInfo = document.getElementsByClassName('cn_client_info')[0];
  const cartEl = document.getElementsByClassName('cn_cart')[0];
  const events: StarlingEvent[] = [];

  each('cn_product_visited', (el) => {
    const product = readProduct(el, 'cn_product_visited');
    return product && { type: 'product-visited', product };
  }, events);
  each('cn_product_searched', (el) => {
    const products = children(el, 'cn_product')
      .map((p) => readProduct(p, 'cn_product_searched'))
      .filter((p): p is Product => p !== null);
    const event: StarlingEvent = { type: 'product-searched' };
    const s = searchText(el);
    if (s !== undefined) event.searchText = s;
    event.products = products;
    return event;
  }, events);
  each('cn_product_not_found', (el) => {
    const s = searchText(el);
    const productId = value(el, 'product_id');
    if (s === undefined && productId === undefined) {
      warn('cn_product_not_found dropped: it has neither search_text nor product_id');
      return null;
    }
    const event: StarlingEvent = { type: 'product-not-found' };
    if (s !== undefined) event.searchText = s;
    if (productId !== undefined) event.productId = productId;
    return event;
  }, events);
  each('cn_search', (el) => {
    const s = searchText(el);
    if (s === undefined) warn('cn_search dropped: it has no search_text');
    return s === undefined ? null : { type: 'search', searchText: s };
  }, events);
  each('cn_login', () => ({ type: 'login' }), events);
  each('cn_register', () => ({ type: 'register' }), events);
  each('cn_newsletter_subscribe', (el) => {
    const email = value(el, 'email');
    return email === undefined ? { type: 'newsletter-subscribe' } : { type: 'newsletter-subscribe', email };
  }, events);
  each('cn_purchase', readPurchase, events);

  const bannerPlaceholders: { id: string }[] = [];
  for (const el of Array.from(document.getElementsByClassName('cn_banner_placeholder'))) {
    if (el.id) bannerPlaceholders.push({ id: el.id });
    else warn('cn_banner_placeholder left out: it has no id attribute');
  }

  const pageInfo: PageInfo = {};
  const title = document.title.trim();
  if (title !== '') pageInfo.title = title;
  const categories = values(document.documentElement, 'cn_page_category');
  if (categories.length > 0) pageInfo.categories = categories;
  const tags = values(document.documentElement, 'cn_page_tag');
  if (tags.length > 0) pageInfo.tags = tags;
  const meta = document.querySelector('meta[name="keywords"]');
  const keywords = (meta?.getAttribute('content') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (keywords.length > 0) pageInfo.keywords = keywords;

  const page: PageTags = {
    entityInfo: clientInfo ? readClientInfo(clientInfo) : {},
    events,
    bannerPlaceholders,
    pageInfo,
  };
  const cart = cartEl ? readCart(cartEl) : null;
  if (cart) page.cart = cart;
  return page;
}
