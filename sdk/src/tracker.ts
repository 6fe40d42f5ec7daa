// Sends the requests of one page, one at a time, so that each carries the tracker id of the answer before.
import type { BrowserInfo, CollectAnswer, CollectRequest, Fields, StarlingEvent } from './types';
import { canonical, copy, fire, isObject, load, save, warn } from './util';

export const TRACKER_KEY = 'starling.trackerId';
/** What was last sent of entityInfo/cart/pushSubscription, as canonical JSON (sessionStorage). */
const LAST_SENT_KEY = 'starling.lastSent';
/** Requests that failed and wait for their one retry (sessionStorage, so the next page can send them). */
const RETRY_KEY = 'starling.retry';
const RETRY_DELAY_MS = 5000;
const MAX_RETRIES_KEPT = 5;
const MAX_EVENTS = 100;
/** keepalive bodies are limited to 64 KiB; a character takes at most 3 bytes in UTF-8. */
const KEEPALIVE_MAX_CHARS = 21000;

/** The parts of a request compared with what was last sent. */
const COMPARED = ['entityInfo', 'cart', 'pushSubscription'] as const;

export interface SendOptions {
  entityInfo?: unknown;
  cart?: unknown;
}

export interface PageDraft {
  entityInfo: Fields;
  cart?: Fields;
  events: StarlingEvent[];
  bannerPlaceholders: { id: string }[];
  pageInfo: CollectRequest['pageInfo'];
}

function browserInfo(): BrowserInfo {
  const info: BrowserInfo = {
    url: location.href,
    screenWidth: screen.width,
    screenHeight: screen.height,
    windowWidth: window.innerWidth,
    windowHeight: window.innerHeight,
    device: /Mobi|Android|iPhone|iPod|IEMobile|Opera Mini/i.test(navigator.userAgent) ? 'mobile' : 'desktop',
  };
  if (document.referrer) info.referrer = document.referrer;
  if (navigator.language) info.language = navigator.language;
  return info;
}

/**
 * The browser's Web Push subscription, when the visitor already allowed notifications and the shop's service
 * worker subscribed. Never asks for permission, and never waits for a service worker that is not there
 * (getRegistration, not `ready`).
 */
async function pushSubscription(): Promise<Fields | undefined> {
  try {
    if (Notification.permission !== 'granted') return undefined;
    const registration = await navigator.serviceWorker.getRegistration();
    const subscription = await registration?.pushManager.getSubscription();
    return subscription ? (subscription.toJSON() as Fields) : undefined;
  } catch {
    return undefined; // no Notification, service worker or Push API on this page
  }
}

/** The compared value of a request part: entityInfo without its trackerId; undefined when empty. */
function comparable(data: CollectRequest, key: (typeof COMPARED)[number]): string | undefined {
  const part = data[key];
  if (!isObject(part)) return undefined;
  let value: Fields = part;
  if (key === 'entityInfo') {
    const { trackerId: _ignored, ...rest } = part;
    value = rest;
  }
  return Object.keys(value).length === 0 ? undefined : canonical(value);
}

function readJson(kind: 'sessionStorage', key: string): unknown {
  try {
    return JSON.parse(load(kind, key) ?? 'null') as unknown;
  } catch {
    return null;
  }
}

/** A product object as the server takes it: productId, name, url and unitPrice ≥ 0. */
function validProduct(p: unknown): boolean {
  return (
    isObject(p) &&
    (typeof p.productId === 'string' || typeof p.productId === 'number') &&
    p.productId !== '' &&
    typeof p.name === 'string' && p.name !== '' &&
    typeof p.url === 'string' && /^https?:\/\//i.test(p.url) &&
    typeof p.unitPrice === 'number' && p.unitPrice >= 0
  );
}

/** The valid lines of a cart's or purchase's `products`; the others dropped with a warning. */
function validLines(products: unknown, where: string): unknown[] {
  return (Array.isArray(products) ? products : []).filter((p: unknown, i) => {
    const ok = validProduct(p);
    if (!ok) warn(`sendEvents: ${where} product ${i} dropped: it needs productId, name, an http(s) url and unitPrice ≥ 0`);
    return ok;
  });
}

function hasId(o: unknown, key: string): boolean {
  return isObject(o) && (typeof o[key] === 'string' || typeof o[key] === 'number') && o[key] !== '';
}

/**
 * Checks the events given to sendEvents: objects with a non-empty string `type`; a custom event needs its
 * `eventId`, a purchase its `purchase.purchaseId`, a product-visited a valid `product`. Invalid lines of a
 * purchase are dropped, the purchase kept.
 */
export function validEvents(events: unknown): StarlingEvent[] {
  if (events === undefined || events === null) return [];
  if (!Array.isArray(events)) {
    warn('sendEvents: events must be an array; nothing sent');
    return [];
  }
  const kept: StarlingEvent[] = [];
  events.forEach((e: unknown, i) => {
    let why: string | undefined;
    if (!isObject(e) || typeof e.type !== 'string' || e.type === '') why = 'it is not an object with a "type"';
    else if (e.type === 'custom' && !hasId(e, 'eventId')) why = 'a custom event needs its eventId';
    else if (e.type === 'purchase' && !hasId(e.purchase, 'purchaseId')) why = 'a purchase needs its purchase.purchaseId';
    else if (e.type === 'product-visited' && !validProduct(e.product)) {
      why = 'its product needs productId, name, an http(s) url and unitPrice ≥ 0';
    }
    if (why !== undefined) {
      warn(`sendEvents: event ${i} dropped: ${why}`);
      return;
    }
    const event = e as StarlingEvent;
    if (event.type === 'purchase') {
      const purchase = event.purchase as Fields;
      kept.push({ ...event, purchase: { ...purchase, products: validLines(purchase.products, `event ${i}: purchase`) } });
    } else {
      kept.push(event);
    }
  });
  return kept;
}

/** Checks a cart given to sendEvents: a `cartId`, and products as validProduct wants them. */
export function validCart(cart: unknown): Fields | undefined {
  if (cart === undefined || cart === null) return undefined;
  if (!isObject(cart) || !hasId(cart, 'cartId')) {
    warn('sendEvents: cart dropped: it has no cartId');
    return undefined;
  }
  return { ...cart, products: validLines(cart.products, 'cart') };
}

export class Tracker {
  private trackerId: string | null = load('localStorage', TRACKER_KEY);
  private queue: Promise<void> = Promise.resolve();
  private initialized = false;

  constructor(private readonly endpoint: string) {}

  getTrackerId(): string | null {
    return this.trackerId;
  }

  /** Keeps `id` as the browser's tracker id; fires starling:tracker-changed when it differs. */
  setTrackerId(id: string): void {
    const previous = this.trackerId;
    if (id === '' || id === previous) return;
    this.trackerId = id;
    save('localStorage', TRACKER_KEY, id);
    fire('starling:tracker-changed', { trackerId: id, previousTrackerId: previous });
  }

  /** Sends the requests of earlier pages that failed and were not retried yet. */
  flushRetries(): void {
    const pending = readJson('sessionStorage', RETRY_KEY);
    save('sessionStorage', RETRY_KEY, null);
    if (Array.isArray(pending)) {
      for (const entry of pending) {
        if (!isObject(entry)) continue;
        const { _retryId: _ignored, ...data } = entry;
        this.enqueue(() => this.post(data as CollectRequest, true));
      }
    }
  }

  /** The page's own request: always sent, since it carries the page visit. */
  sendPage(page: PageDraft): Promise<void> {
    return this.enqueue(async () => {
      const data: CollectRequest = {};
      const entityInfo = this.entityInfo(page.entityInfo);
      if (entityInfo) data.entityInfo = entityInfo;
      if (page.cart) data.cart = page.cart;
      const push = await pushSubscription();
      if (push) data.pushSubscription = push;
      data.events = [{ type: 'page-visit' }, ...page.events];
      if (page.bannerPlaceholders.length > 0) data.bannerPlaceholders = page.bannerPlaceholders;
      if (page.pageInfo && Object.keys(page.pageInfo).length > 0) data.pageInfo = page.pageInfo;
      data.browserInfo = browserInfo();
      return this.dispatch(data);
    });
  }

  /**
   * `starling.sendEvents`: the arguments are checked and copied now; the returned function queues the
   * request(s) behind those before (at most 100 events each) and resolves once they are answered or skipped.
   */
  prepareEvents(events: unknown, options?: SendOptions): () => Promise<void> {
    const list = copy(validEvents(events));
    const given = options?.entityInfo;
    if (given !== undefined && !isObject(given)) warn('sendEvents: entityInfo must be an object; left out');
    const entityFields: Fields = isObject(given) ? copy(given) : {};
    const cart = copy(validCart(options?.cart));
    const chunks: StarlingEvent[][] = [];
    for (let i = 0; i < list.length; i += MAX_EVENTS) chunks.push(list.slice(i, i + MAX_EVENTS));
    if (chunks.length === 0) chunks.push([]);
    return () => {
      let last = Promise.resolve();
      chunks.forEach((chunk, i) => {
        last = this.enqueue(() => {
          const data: CollectRequest = {};
          const entityInfo = this.entityInfo(i === 0 ? entityFields : {});
          if (entityInfo) data.entityInfo = entityInfo;
          if (cart && i === 0) data.cart = cart;
          if (chunk.length > 0) data.events = chunk;
          data.browserInfo = browserInfo();
          return this.dispatch(data);
        });
      });
      return last;
    };
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task).catch((e: unknown) => warn(`unexpected error: ${String(e)}`));
    this.queue = next;
    return next;
  }

  /** entityInfo with the tracker id first; a trackerId among `fields` is adopted. */
  private entityInfo(fields: Fields): Fields | undefined {
    const { trackerId, ...rest } = fields;
    if (typeof trackerId === 'string') this.setTrackerId(trackerId);
    const info: Fields = {};
    if (this.trackerId !== null) info.trackerId = this.trackerId;
    Object.assign(info, rest);
    return Object.keys(info).length > 0 ? info : undefined;
  }

  /** Lets listeners change the request, then sends it unless it carries nothing new. */
  private async dispatch(draft: CollectRequest): Promise<void> {
    const detail = fire('starling:before-send-data', { data: draft });
    const data = isObject(detail.data) ? (detail.data as CollectRequest) : draft;
    const hasEvents = Array.isArray(data.events) && data.events.length > 0;
    const last = readJson('sessionStorage', LAST_SENT_KEY);
    const changed = COMPARED.some((key) => {
      const now = comparable(data, key);
      return now !== undefined && (!isObject(last) || last[key] !== now);
    });
    if (!hasEvents && !changed) return;
    await this.post(data, false);
  }

  private async post(data: CollectRequest, isRetry: boolean): Promise<void> {
    if (isRetry && this.trackerId !== null) {
      const info = isObject(data.entityInfo) ? data.entityInfo : {};
      if (info.trackerId === undefined) data.entityInfo = { trackerId: this.trackerId, ...info };
    }
    const body = JSON.stringify(data);
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        credentials: 'omit',
        keepalive: body.length <= KEEPALIVE_MAX_CHARS,
      });
    } catch (e) {
      this.failed(data, isRetry, `network error (${String(e)})`);
      return;
    }
    if (response.status >= 500 || response.status === 429) {
      this.failed(data, isRetry, `status ${response.status}`);
      return;
    }
    if (!response.ok) {
      // The server says why in `error.message` (an origin that is not an authorized domain…).
      let why = '';
      try {
        const refused: unknown = await response.json();
        if (isObject(refused) && isObject(refused.error) && typeof refused.error.message === 'string') {
          why = `: ${refused.error.message}`;
        }
      } catch {
        // no JSON answer: the status says enough
      }
      warn(`request refused with status ${response.status}${why}; not retried`);
      return;
    }
    this.remember(data);
    let answer: CollectAnswer = {};
    try {
      const parsed: unknown = await response.json();
      if (isObject(parsed)) answer = parsed;
    } catch {
      warn('the answer is not JSON');
    }
    if (typeof answer.trackerId === 'string') this.setTrackerId(answer.trackerId);
    if (Array.isArray(answer.errors)) {
      for (const error of answer.errors) {
        if (isObject(error)) warn(`event ${String(error.event)} refused: ${String(error.field)}: ${String(error.message)}`);
      }
    }
    if (!this.initialized) {
      this.initialized = true;
      fire('starling:initialized', { trackerId: this.trackerId });
    }
  }

  /** Records what this request told the server, so that the same cart or contact is not sent again. */
  private remember(data: CollectRequest): void {
    const stored = readJson('sessionStorage', LAST_SENT_KEY);
    const last: Record<string, unknown> = isObject(stored) ? stored : {};
    for (const key of COMPARED) {
      const now = comparable(data, key);
      if (now !== undefined) last[key] = now;
    }
    save('sessionStorage', LAST_SENT_KEY, JSON.stringify(last));
  }

  /** A failed request is retried once, after a delay or on the next page if this one closes first. */
  private failed(data: CollectRequest, isRetry: boolean, why: string): void {
    if (isRetry) {
      warn(`request failed again (${why}); dropped`);
      return;
    }
    warn(`request failed (${why}); retrying once in ${RETRY_DELAY_MS / 1000} s`);
    const pending = readJson('sessionStorage', RETRY_KEY);
    const list: unknown[] = Array.isArray(pending) ? pending : [];
    const id = Math.random().toString(36).slice(2);
    list.push({ ...data, _retryId: id });
    save('sessionStorage', RETRY_KEY, JSON.stringify(list.slice(-MAX_RETRIES_KEPT)));
    setTimeout(() => {
      // Still waiting? Take it out (the next page must not send it too), then send it.
      const now = readJson('sessionStorage', RETRY_KEY);
      const left: unknown[] = Array.isArray(now) ? now : [];
      const index = left.findIndex((r) => isObject(r) && r._retryId === id);
      if (index < 0) return;
      left.splice(index, 1);
      save('sessionStorage', RETRY_KEY, left.length > 0 ? JSON.stringify(left) : null);
      this.enqueue(() => this.post(data, true));
    }, RETRY_DELAY_MS);
  }
}
