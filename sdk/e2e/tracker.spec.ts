import { recordDomEvents } from './support/events';
import { browserInfo } from './support/expected';
import { expect, test } from './support/fixtures';

// The tracker id: from the answer, kept in localStorage, adopted from __cn_tracker (then stripped from
// the address bar), and the DOM events that tell the page about it.

test('a first visit has no tracker id; the answer gives one, kept for the next pages', async ({ page, site, collector }) => {
  await page.addInitScript(recordDomEvents);
  await page.goto(site.url('/pages/plain.html'));
  expect((await collector.nextBody()).entityInfo).toBeUndefined();
  await expect.poll(() => page.evaluate(() => window.starling!.getTrackerId())).toBe('tracker-1');
  expect(await page.evaluate(() => localStorage.getItem('starling.trackerId'))).toBe('tracker-1');
  expect(await page.evaluate(() => window.seen!.map((e) => e.type))).toEqual([
    'starling:loaded',
    'starling:before-send-data',
    'starling:tracker-changed',
    'starling:initialized',
  ]);
  const seen = await page.evaluate(() => window.seen!);
  expect(seen[0]!.detail).toEqual({});
  expect(seen[2]!.detail).toEqual({ trackerId: 'tracker-1', previousTrackerId: null });
  expect(seen[3]!.detail).toEqual({ trackerId: 'tracker-1' });

  await page.goto(site.url('/pages/search.html'));
  expect((await collector.nextBody()).entityInfo).toEqual({ trackerId: 'tracker-1' });
  // Same id in the answer: no tracker-changed this time.
  await expect.poll(() => page.evaluate(() => window.seen!.map((e) => e.type))).toEqual([
    'starling:loaded',
    'starling:before-send-data',
    'starling:initialized',
  ]);
});

test('a new tracker id in the answer replaces the stored one and fires starling:tracker-changed', async ({
  page, site, collector,
}) => {
  await page.addInitScript(recordDomEvents);
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  await expect.poll(() => page.evaluate(() => window.starling!.getTrackerId())).toBe('tracker-1');

  collector.answer = () => ({ trackerId: 'merged-7', webContents: [], errors: [] });
  await page.evaluate(() => window.starling!.sendEvents([{ type: 'login' }], { entityInfo: { primaryKey: 'ana@shop.test' } }));
  expect(await collector.nextBody()).toEqual({
    entityInfo: { trackerId: 'tracker-1', primaryKey: 'ana@shop.test' },
    events: [{ type: 'login' }],
    browserInfo: browserInfo(site.url('/pages/plain.html')),
  });
  expect(await page.evaluate(() => window.starling!.getTrackerId())).toBe('merged-7');
  expect(await page.evaluate(() => localStorage.getItem('starling.trackerId'))).toBe('merged-7');
  const changes = await page.evaluate(() => window.seen!.filter((e) => e.type === 'starling:tracker-changed').map((e) => e.detail));
  expect(changes).toEqual([
    { trackerId: 'tracker-1', previousTrackerId: null },
    { trackerId: 'merged-7', previousTrackerId: 'tracker-1' },
  ]);
});

test('__cn_tracker from an email link is adopted and stripped from the address bar', async ({ page, site, collector }) => {
  await page.addInitScript(recordDomEvents);
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  await expect.poll(() => page.evaluate(() => window.starling!.getTrackerId())).toBe('tracker-1');

  await page.goto(site.url('/pages/product.html?utm_source=email&__cn_tracker=from-email%2B1&q=a+b#reviews'));
  const body = await collector.nextBody();
  const stripped = site.url('/pages/product.html?utm_source=email&q=a+b#reviews');
  expect(body.entityInfo).toEqual({ trackerId: 'from-email+1' });
  expect(body.browserInfo.url).toBe(stripped);
  expect(page.url()).toBe(stripped);
  expect(await page.evaluate(() => localStorage.getItem('starling.trackerId'))).toBe('from-email+1');
  await expect
    .poll(() => page.evaluate(() => window.seen!.filter((e) => e.type === 'starling:tracker-changed').map((e) => e.detail)))
    .toEqual([{ trackerId: 'from-email+1', previousTrackerId: 'tracker-1' }]);

  // Alone in the query, the whole query goes.
  await page.goto(site.url('/pages/plain.html?__cn_tracker=other'));
  expect((await collector.nextBody()).entityInfo).toEqual({ trackerId: 'other' });
  expect(page.url()).toBe(site.url('/pages/plain.html'));
});

test('a failed request is retried once later, and not again', async ({ page, site, collector, log }) => {
  collector.statuses = [0, 503];
  await page.goto(site.url('/pages/plain.html'));
  const first = await collector.nextBody();
  const retry = await collector.nextBody(10_000);
  expect(retry).toEqual(first);
  await expect.poll(() => log.warnings).toContain('[starling] request failed again (status 503); dropped');
  await page.waitForTimeout(6_000);
  expect(collector.unread()).toEqual([]);
  expect(await page.evaluate(() => sessionStorage.getItem('starling.retry'))).toBeNull();
});

test('a request that failed is retried by the next page when the page closes first', async ({ page, site, collector }) => {
  collector.statuses = [500];
  await page.goto(site.url('/pages/product.html'));
  const failed = await collector.nextBody();
  await expect.poll(() => page.evaluate(() => sessionStorage.getItem('starling.retry'))).not.toBeNull();
  await page.goto(site.url('/pages/plain.html'));
  expect(await collector.nextBody()).toEqual(failed);
  const next = await collector.nextBody();
  expect(next.events).toEqual([{ type: 'page-visit' }]);
  expect(next.entityInfo).toEqual({ trackerId: 'tracker-1' });
  await page.waitForTimeout(6_000);
  expect(collector.unread()).toEqual([]);
});

test('a refused request (4xx) is not retried; the answer errors are warned', async ({ page, site, collector, log }) => {
  collector.statuses = [403];
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  // With the server's reason (the collector answers refusals with the API's error shape).
  await expect
    .poll(() => log.warnings)
    .toContain('[starling] request refused with status 403: refused by the test; not retried');

  collector.answer = () => ({
    trackerId: 't',
    webContents: [],
    errors: [{ event: 1, field: 'events[1].product.unitPrice', message: 'expected a number ≥ 0, got "abc"' }],
  });
  await page.evaluate(() => window.starling!.sendEvents([{ type: 'custom', eventId: 'x' }]));
  await collector.next();
  expect(log.warnings).toContain('[starling] event 1 refused: events[1].product.unitPrice: expected a number ≥ 0, got "abc"');
  await page.waitForTimeout(6_000);
  expect(collector.unread()).toEqual([]);
});

// The push subscription: read only when the visitor already allowed notifications (never asked for), from
// the service worker's registration, and sent with the page's request.
test('the push subscription is sent when notifications are already allowed, and never asked for', async ({
  page, site, collector,
}) => {
  const subscription = {
    endpoint: 'https://push.example/send/abc',
    expirationTime: null,
    keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' },
  };
  await page.addInitScript((sub) => {
    const permission = sessionStorage.getItem('test.permission') ?? 'granted';
    Object.defineProperty(window, 'Notification', {
      value: { permission, requestPermission: () => { throw new Error('the script asked for permission'); } },
    });
    Object.defineProperty(navigator, 'serviceWorker', {
      value: { getRegistration: async () => ({ pushManager: { getSubscription: async () => ({ toJSON: () => sub }) } }) },
    });
  }, subscription);
  await page.goto(site.url('/pages/plain.html'));
  expect((await collector.nextBody()).pushSubscription).toEqual(subscription);

  // Not allowed (yet): nothing is read or sent.
  await page.evaluate(() => sessionStorage.setItem('test.permission', 'default'));
  await page.goto(site.url('/pages/plain.html'));
  expect((await collector.nextBody()).pushSubscription).toBeUndefined();
});

test('no service worker or Push API: the page is sent without a push subscription', async ({ page, site, collector }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'Notification', { value: { permission: 'granted' } });
    Object.defineProperty(navigator, 'serviceWorker', { value: { getRegistration: async () => undefined } });
  });
  await page.goto(site.url('/pages/plain.html'));
  const body = await collector.nextBody();
  expect(body.pushSubscription).toBeUndefined();
  expect(body.events).toEqual([{ type: 'page-visit' }]);
});
