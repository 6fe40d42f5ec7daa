import { recordDomEvents } from './support/events';
import { browserInfo, product } from './support/expected';
import { expect, test } from './support/fixtures';

// window.starling / window.cnEvents: sendEvents with custom events, contact and cart; no request when
// nothing changed; starling:before-send-data listeners changing the request.

const CART = {
  cartId: 'c-9',
  totalQuantity: 1,
  totalPrice: 19.5,
  products: [product('MUG-1', 'Stoneware Mug', 'https://shop.test/p/mug-1', 19.5, { quantity: 1, price: 19.5 })],
};

test('window.starling and window.cnEvents are the same API', async ({ page, site, collector }) => {
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  expect(await page.evaluate(() => window.starling === window.cnEvents && typeof window.starling!.sendEvents)).toBe('function');
  await page.evaluate(() => window.cnEvents!.sendEvents([{ type: 'custom', eventId: 'via-cnEvents' }]));
  expect((await collector.nextBody()).events).toEqual([{ type: 'custom', eventId: 'via-cnEvents' }]);
});

test('sendEvents: custom events with contact and cart, in one request', async ({ page, site, collector }) => {
  const url = site.url('/pages/plain.html');
  await page.goto(url);
  await collector.next();
  await page.evaluate(
    (cart) =>
      window.starling!.sendEvents(
        [
          { type: 'custom', eventId: 'wishlist-add', payload: { sku: 'SKU-1', n: 2 } },
          { type: 'form-submitted', formId: 'contact', fields: { email: 'ana@shop.test' } },
        ],
        { entityInfo: { primaryKey: 'ana@shop.test', _name: 'Ana' }, cart },
      ),
    CART,
  );
  expect(await collector.nextBody()).toEqual({
    entityInfo: { trackerId: 'tracker-1', primaryKey: 'ana@shop.test', _name: 'Ana' },
    cart: CART,
    events: [
      { type: 'custom', eventId: 'wishlist-add', payload: { sku: 'SKU-1', n: 2 } },
      { type: 'form-submitted', formId: 'contact', fields: { email: 'ana@shop.test' } },
    ],
    browserInfo: browserInfo(url),
  });
});

test('sendEvents called at once on starling:loaded is queued behind the page visit', async ({ page, site, collector }) => {
  await page.addInitScript(() => {
    document.addEventListener('starling:loaded', () => {
      void window.starling!.sendEvents([{ type: 'custom', eventId: 'early' }]);
    });
  });
  await page.goto(site.url('/pages/plain.html'));
  expect((await collector.nextBody()).events).toEqual([{ type: 'page-visit' }]);
  const second = await collector.nextBody();
  expect(second.events).toEqual([{ type: 'custom', eventId: 'early' }]);
  // The second request already carries the tracker id of the first answer.
  expect(second.entityInfo).toEqual({ trackerId: 'tracker-1' });
});

test('no request when there is no event and the cart and contact did not change', async ({ page, site, collector }) => {
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  const send = (events: unknown[], options: Record<string, unknown>) =>
    page.evaluate(([e, o]) => window.starling!.sendEvents(e, o), [events, options] as const);

  await send([], { cart: CART });
  expect((await collector.nextBody()).cart).toEqual(CART);
  await send([], { cart: { ...CART } }); // same cart: skipped
  await send([], { entityInfo: { primaryKey: 'ana@shop.test' } });
  expect(await collector.nextBody()).toEqual({
    entityInfo: { trackerId: 'tracker-1', primaryKey: 'ana@shop.test' },
    browserInfo: browserInfo(site.url('/pages/plain.html')),
  });
  await send([], { entityInfo: { primaryKey: 'ana@shop.test' }, cart: CART }); // both unchanged: skipped
  await send([], {}); // nothing at all: skipped
  const emptied = { cartId: 'c-9', totalQuantity: 0, totalPrice: 0, products: [] };
  await send([], { cart: emptied });
  expect((await collector.nextBody()).cart).toEqual(emptied);
  expect(collector.unread()).toEqual([]);

  // What was sent is kept for the tab (sessionStorage): the next page's unchanged cart is not sent again …
  await page.goto(site.url('/pages/search.html'));
  await collector.next();
  await send([], { cart: emptied });
  // … but an event is always sent.
  await send([{ type: 'custom', eventId: 'marker' }], { cart: emptied });
  expect((await collector.nextBody()).events).toEqual([{ type: 'custom', eventId: 'marker' }]);
  expect(collector.unread()).toEqual([]);
});

test('a cart read from the tags counts as sent', async ({ page, site, collector }) => {
  await page.goto(site.url('/pages/cart-empty.html'));
  await collector.next();
  await page.evaluate(() =>
    window.starling!.sendEvents([], { cart: { cartId: 'c-881', totalQuantity: 0, totalPrice: 0, products: [] } }),
  );
  await page.evaluate(() => window.starling!.sendEvents([{ type: 'custom', eventId: 'marker' }]));
  expect((await collector.nextBody()).events).toEqual([{ type: 'custom', eventId: 'marker' }]);
});

test('sendEvents drops invalid events, carts and cart lines with a warning', async ({ page, site, collector, log }) => {
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  await page.evaluate(() =>
    window.starling!.sendEvents([{ type: 'login' }, { eventId: 'no-type' }, 'text', { type: '' }], {
      cart: { totalQuantity: 1, products: [] },
    }),
  );
  expect((await collector.nextBody()).events).toEqual([{ type: 'login' }]);
  await page.evaluate(() =>
    window.starling!.sendEvents([], {
      cart: {
        cartId: 'c-1',
        products: [
          { productId: 'OK', name: 'Ok', url: 'https://shop.test/p/ok', unitPrice: 1, quantity: 1 },
          { productId: 'BAD', name: 'Bad', url: 'https://shop.test/p/bad', unitPrice: -1, quantity: 1 },
        ],
      },
    }),
  );
  expect((await collector.nextBody()).cart).toEqual({
    cartId: 'c-1',
    products: [{ productId: 'OK', name: 'Ok', url: 'https://shop.test/p/ok', unitPrice: 1, quantity: 1 }],
  });
  expect(log.warnings).toEqual([
    '[starling] sendEvents: event 1 dropped: it is not an object with a "type"',
    '[starling] sendEvents: event 2 dropped: it is not an object with a "type"',
    '[starling] sendEvents: event 3 dropped: it is not an object with a "type"',
    '[starling] sendEvents: cart dropped: it has no cartId',
    '[starling] sendEvents: cart product 1 dropped: it needs productId, name, an http(s) url and unitPrice ≥ 0',
  ]);
});

// What the server would refuse is not sent: a custom event without eventId, a purchase without
// purchaseId, a product-visited without a valid product, and a purchase's invalid lines.
test('sendEvents drops events the server would refuse, and a purchase keeps only its valid lines', async ({
  page, site, collector, log,
}) => {
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  const ok = { productId: 'OK', name: 'Ok', url: 'https://shop.test/p/ok', unitPrice: 1 };
  await page.evaluate(
    (ok) =>
      window.starling!.sendEvents([
        { type: 'custom' },
        { type: 'purchase', purchase: { products: [] } },
        { type: 'product-visited', product: { productId: 'A', name: 'A', url: 'https://shop.test/a', unitPrice: -3 } },
        { type: 'product-visited', product: { productId: 'B', name: 'B', url: '/relative', unitPrice: 3 } },
        { type: 'product-visited', product: ok },
        { type: 'purchase', purchase: { purchaseId: 'o-1', products: [{ ...ok, quantity: 1 }, { productId: 'NO-NAME', url: 'https://shop.test/x', unitPrice: 1, quantity: 1 }] } },
        { type: 'custom', eventId: 'wishlist' },
      ]),
    ok,
  );
  expect((await collector.nextBody()).events).toEqual([
    { type: 'product-visited', product: ok },
    { type: 'purchase', purchase: { purchaseId: 'o-1', products: [{ ...ok, quantity: 1 }] } },
    { type: 'custom', eventId: 'wishlist' },
  ]);
  expect(log.warnings).toEqual([
    '[starling] sendEvents: event 0 dropped: a custom event needs its eventId',
    '[starling] sendEvents: event 1 dropped: a purchase needs its purchase.purchaseId',
    '[starling] sendEvents: event 2 dropped: its product needs productId, name, an http(s) url and unitPrice ≥ 0',
    '[starling] sendEvents: event 3 dropped: its product needs productId, name, an http(s) url and unitPrice ≥ 0',
    '[starling] sendEvents: event 5: purchase product 1 dropped: it needs productId, name, an http(s) url and unitPrice ≥ 0',
  ]);
});

test('the arguments of sendEvents are copied when it is called', async ({ page, site, collector }) => {
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  await page.evaluate(() => {
    const event = { type: 'custom', eventId: 'before' };
    const done = window.starling!.sendEvents([event]);
    event.eventId = 'after';
    return done;
  });
  expect((await collector.nextBody()).events).toEqual([{ type: 'custom', eventId: 'before' }]);
});

test('more than 100 events go in several requests', async ({ page, site, collector }) => {
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  await page.evaluate(() =>
    window.starling!.sendEvents(Array.from({ length: 150 }, (_, i) => ({ type: 'custom', eventId: `e${i}` }))),
  );
  expect((await collector.nextBody()).events).toHaveLength(100);
  const second = (await collector.nextBody()).events as { eventId: string }[];
  expect(second.map((e) => e.eventId)).toEqual(Array.from({ length: 50 }, (_, i) => `e${i + 100}`));
});

test('starling:before-send-data listeners may add fields and drop events', async ({ page, site, collector }) => {
  await page.addInitScript(() => {
    document.addEventListener('starling:before-send-data', (event) => {
      const data = (event as CustomEvent<{ data: Record<string, any> }>).detail.data;
      data.events = data.events?.filter((e: { type: string }) => e.type !== 'product-visited');
      data.entityInfo = { ...data.entityInfo, consent: 'yes' };
    });
  });
  const url = site.url('/pages/product.html');
  await page.goto(url);
  const body = await collector.nextBody();
  expect(body.events).toEqual([{ type: 'page-visit' }]);
  expect(body.entityInfo).toEqual({ consent: 'yes' });
});

test('a before-send-data listener may replace the data, or leave nothing to send', async ({ page, site, collector }) => {
  await page.addInitScript(() => {
    document.addEventListener('starling:before-send-data', (event) => {
      const detail = (event as CustomEvent<{ data: Record<string, any> }>).detail;
      if (detail.data.events?.[0]?.eventId === 'secret') detail.data = { events: [] };
      else if (detail.data.events?.[0]?.eventId === 'replace') detail.data = { events: [{ type: 'custom', eventId: 'replaced' }] };
    });
  });
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  await page.evaluate(() => window.starling!.sendEvents([{ type: 'custom', eventId: 'secret' }]));
  await page.evaluate(() => window.starling!.sendEvents([{ type: 'custom', eventId: 'replace' }]));
  expect(await collector.nextBody()).toEqual({ events: [{ type: 'custom', eventId: 'replaced' }] });
  expect(collector.unread()).toEqual([]);
});

test('a listener that throws does not stop the script or reach the page', async ({ page, site, collector, log }) => {
  await page.addInitScript(recordDomEvents);
  await page.addInitScript(() => {
    document.addEventListener('starling:before-send-data', () => {
      throw new Error('listener bug');
    });
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  // A throwing listener is reported by the browser like any listener's error; the script goes on.
  await expect.poll(() => page.evaluate(() => window.seen!.map((e) => e.type))).toContain('starling:initialized');
  log.pageErrors.length = 0; // the listener's own error, expected here
  expect(errors).toEqual(['listener bug']);
});
