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
