import { Analytics } from '@segment/analytics-node';
import { expect, test } from '@playwright/test';
import { startStarling, type RealStarling } from './support/starling';

// A Segment client library from npm, pointed at a real Starling: its identify and track calls land on
// the right contact (docs/integration.md §6).
let starling: RealStarling;

test.beforeAll(async () => {
  starling = await startStarling('https://shop.test');
});
test.afterAll(async () => {
  await starling.stop();
});

async function api(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(starling.url + path, { headers: { Authorization: starling.apiKey } });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

test('@segment/analytics-node identify and track calls land on the contact', async () => {
  const analytics = new Analytics({ writeKey: starling.token, host: starling.url, flushAt: 10, maxRetries: 0 });
  const errors: unknown[] = [];
  analytics.on('error', (e) => errors.push(e));
  analytics.identify({ userId: 'seg-user@shop.test', anonymousId: 'seg-anon-0001', traits: { firstName: 'Sam', plan: 'gold' } });
  analytics.track({
    userId: 'seg-user@shop.test',
    event: 'Product Viewed',
    properties: { product_id: 'p-1', name: 'Kettle', price: 39.5, url: 'https://shop.test/p/1' },
  });
  analytics.track({
    userId: 'seg-user@shop.test',
    event: 'Product Added',
    properties: { cart_id: 'cart-9', product_id: 'p-1', name: 'Kettle', price: 39.5, quantity: 2, url: 'https://shop.test/p/1' },
  });
  analytics.track({
    userId: 'seg-user@shop.test',
    event: 'Order Completed',
    properties: { order_id: 'ord-77', total: 79, products: [{ product_id: 'p-1', name: 'Kettle', price: 39.5, quantity: 2, url: 'https://shop.test/p/1' }] },
  });
  analytics.track({ userId: 'seg-user@shop.test', event: 'Gift Wrapped', properties: { paper: 'red' } });
  analytics.track({ userId: 'other@shop.test', event: 'Signed Up' });
  await analytics.closeAndFlush({ timeout: 10_000 });
  expect(errors).toEqual([]);

  const contact = await api('/api/v1/contacts/seg-user@shop.test');
  expect(contact.email).toBe('seg-user@shop.test');
  expect(contact.fields).toMatchObject({ _name: 'Sam', plan: 'gold' });
  const timeline = await api(`/api/v1/contacts/${contact.id as number}/activities`);
  const types = (timeline.activities as { type: string }[]).map((a) => a.type).reverse();
  expect(types).toEqual([
    'entity-created',
    'product-visited',
    'cart-product-added',
    'purchase',
    'custom',
  ]);
  const other = await api('/api/v1/contacts/other@shop.test');
  const otherTimeline = await api(`/api/v1/contacts/${other.id as number}/activities`);
  expect((otherTimeline.activities as { type: string }[]).map((a) => a.type)).toEqual(['register', 'entity-created']);
});

// What a shop's backend sends: its own user id rather than an email (after one identify that names the
// email), products without urls, alias and group calls, and now and then a call Starling must refuse.
// The refused call is reported in the answer and the rest of its flush is kept.
test('server-side calls by the shop’s own user id land on the right contact', async () => {
  const analytics = new Analytics({ writeKey: starling.token, host: starling.url, flushAt: 20, maxRetries: 0 });
  const errors: unknown[] = [];
  analytics.on('error', (e) => errors.push(e));
  analytics.identify({ userId: 'cust-1001', traits: { email: 'server-side@shop.test', firstName: 'Lee' } });
  analytics.track({
    userId: 'cust-1001',
    event: 'Product Added',
    properties: { cart_id: 'cart-1001', product_id: 'p-2', name: 'Teapot', price: 25, quantity: 1 },
  });
  analytics.track({
    userId: 'cust-1001',
    event: 'Order Completed',
    properties: { order_id: 'ord-1001', total: 25, products: [{ product_id: 'p-2', name: 'Teapot', price: 25, quantity: 1 }] },
  });
  analytics.track({ userId: 'cust-1001', event: 'Order Completed', properties: { total: 5 } }); // no order_id: refused
  analytics.alias({ previousId: 'old-1001', userId: 'cust-1001' });
  analytics.group({ userId: 'cust-1001', groupId: 'acme', traits: { name: 'Acme' } });
  analytics.track({ userId: 'cust-2002', event: 'Signed Up' });
  analytics.track({ userId: 'cust-2002', event: 'Signed In' });
  await analytics.closeAndFlush({ timeout: 10_000 });
  expect(errors).toEqual([]);

  const contact = await api('/api/v1/contacts/server-side@shop.test');
  expect(contact.fields).toMatchObject({ _name: 'Lee', _external_id: 'cust-1001' });
  const timeline = await api(`/api/v1/contacts/${contact.id as number}/activities`);
  const activities = (timeline.activities as { type: string; data: Record<string, unknown> }[]).reverse();
  expect(activities.map((a) => a.type)).toEqual(['entity-created', 'cart-product-added', 'purchase']);
  const purchase = activities[2]!.data.purchase as { purchaseId: string; products: { product: unknown }[] };
  expect(purchase.purchaseId).toBe('ord-1001');
  expect(purchase.products[0]!.product).toEqual({ productId: 'p-2', name: 'Teapot', unitPrice: 25 });

  // A user the shop names only by its id: one contact, found again on the second call.
  const list = await api(`/api/v1/stores/${starling.storeId}/contacts`);
  const byId = (list.contacts as { id: number; fields: Record<string, unknown> }[]).filter(
    (c) => c.fields._external_id === 'cust-2002',
  );
  expect(byId).toHaveLength(1);
  const userTimeline = await api(`/api/v1/contacts/${byId[0]!.id}/activities`);
  expect((userTimeline.activities as { type: string }[]).map((a) => a.type).reverse()).toEqual([
    'entity-created',
    'register',
    'login',
  ]);
});

// The answer to a batch with a refused call, as a raw HTTP client (RudderStack, curl) sees it.
test('/v1/batch answers the refused calls and keeps the others', async () => {
  const res = await fetch(`${starling.url}/v1/batch`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${starling.token}:`).toString('base64')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      batch: [
        { type: 'track', event: 'Signed In', userId: 'raw@shop.test' },
        { type: 'track', event: 'Product Viewed', userId: 'raw@shop.test', properties: { name: 'No id' } },
      ],
    }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({
    success: true,
    errors: [
      {
        event: 1,
        field: 'batch[1].properties.productId',
        message: 'batch[1].properties.productId: a product needs its productId',
      },
    ],
  });
  const contact = await api('/api/v1/contacts/raw@shop.test');
  const timeline = await api(`/api/v1/contacts/${contact.id as number}/activities`);
  expect((timeline.activities as { type: string }[]).map((a) => a.type)).toEqual(['login', 'entity-created']);
});
