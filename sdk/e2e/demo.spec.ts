import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { sdkRoot } from './support/site';

// The demo shop (demo/shop/, served under /demo/ with a stand-in /demo/loader.js that inserts the script
// with the token `demo-store-token`): a person clicks through it and the script's requests are checked.

const SHOTS = path.join(sdkRoot, 'test-results', 'demo');

async function shot(page: Page, name: string) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

const MUG = (origin: string) => ({
  productId: 'FK-MUG-01',
  name: 'Stoneware Mug',
  url: `${origin}/demo/product.html?p=stoneware-mug`,
  unitPrice: 18,
  imageUrl: `${origin}/demo/img/mug.svg`,
  categories: ['/Home/Kitchen/Mugs'],
});
const CANDLE = (origin: string) => ({
  productId: 'FK-CAN-04',
  name: 'Cedar Soy Candle',
  url: `${origin}/demo/product.html?p=cedar-soy-candle`,
  unitPrice: 24,
  imageUrl: `${origin}/demo/img/candle.svg`,
  categories: ['/Home/Living/Candles'],
});

test.beforeEach(({ collector }) => {
  collector.config = { authorizedDomains: ['shop.test'] };
});

test('an anonymous visitor browses: home, a category, products, a search', async ({ page, site, collector, log }) => {
  const origin = site.url('').replace(/\/$/, '');
  await page.goto(site.url('/demo/'));
  await expect(page.getByRole('heading', { name: 'Home goods, made slowly.' })).toBeVisible();
  const home = await collector.next();
  expect(home.url).toBe(site.url('/collect/demo-store-token'));
  expect(home.body).toMatchObject({
    events: [{ type: 'page-visit' }],
    bannerPlaceholders: [{ id: 'home-banner' }],
    pageInfo: { title: 'Home goods, made slowly · Fern & Kiln', categories: ['/Home'] },
  });
  expect(home.body).not.toHaveProperty('entityInfo');
  expect(home.body).not.toHaveProperty('cart');
  await shot(page, 'home');

  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Living' }).click();
  expect((await collector.nextBody()).pageInfo).toEqual({ title: 'Living · Fern & Kiln', categories: ['/Home/Living'] });

  await page.getByRole('link', { name: /Cedar Soy Candle/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cedar Soy Candle');
  const product = await collector.nextBody();
  expect(product.entityInfo).toEqual({ trackerId: 'tracker-1' });
  expect(product.events).toEqual([
    { type: 'page-visit' },
    {
      type: 'product-visited',
      product: {
        productId: 'FK-CAN-04',
        name: 'Cedar Soy Candle',
        url: `${origin}/demo/product.html?p=cedar-soy-candle`,
        unitPrice: 24,
        availability: 'instock',
        imageUrl: `${origin}/demo/img/candle.svg`,
        description: 'Hand-poured soy wax scented with cedarwood and vetiver. About 45 hours of burn time.',
        ratingValue: 4.9,
        reviewCount: 212,
        categories: ['/Home/Living/Candles'],
        tags: ['bestseller'],
        brand: 'Fern & Kiln',
        relatedExternalProductIds: ['FK-PLT-05'],
      },
    },
  ]);
  expect(product.pageInfo).toEqual({ title: 'Cedar Soy Candle · Fern & Kiln', categories: ['/Home/Living/Candles'], tags: ['bestseller'] });
  expect(product.bannerPlaceholders).toEqual([{ id: 'product-banner' }]);
  await shot(page, 'product');

  // A related product, on sale and out of stock.
  await page.getByRole('link', { name: /Terracotta Plant Pot/ }).click();
  const pot = (await collector.nextBody()).events[1].product;
  expect(pot).toMatchObject({ productId: 'FK-PLT-05', availability: 'outofstock', unitPrice: 21 });
  await expect(page.getByRole('button', { name: 'Sold out' })).toBeDisabled();

  await page.getByRole('searchbox', { name: 'Search the shop' }).fill('linen');
  await page.keyboard.press('Enter');
  const search = await collector.nextBody();
  expect(search.events.map((e: { type: string }) => e.type)).toEqual(['page-visit', 'product-searched', 'search']);
  expect(search.events[1].searchText).toBe('linen');
  expect(search.events[1].products.map((p: { productId: string }) => p.productId)).toEqual(['FK-APR-03', 'FK-NTB-06']);
  expect(search.events[1].products[0]).toMatchObject({ unitPrice: 32, unitPriceOriginal: 40 });
  expect(search.events[2]).toEqual({ type: 'search', searchText: 'linen' });

  await page.getByRole('searchbox', { name: 'Search the shop' }).fill('unicorn');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nothing found for “unicorn”');
  expect((await collector.nextBody()).events).toEqual([
    { type: 'page-visit' },
    { type: 'product-not-found', searchText: 'unicorn' },
    { type: 'search', searchText: 'unicorn' },
  ]);
  expect(log.warnings).toEqual([]);
});

test('a visitor registers (with the newsletter), signs out and signs in again', async ({ page, site, collector, log }) => {
  await page.goto(site.url('/demo/register.html'));
  await collector.next();
  await page.getByLabel('First name').fill('Ana');
  await page.getByLabel('Last name').fill('López');
  await page.getByLabel('Email', { exact: true }).fill('Ana@Shop.test');
  await page.getByLabel('Password', { exact: true }).fill('secret-1');
  await page.getByLabel('Send me the newsletter').check();
  await shot(page, 'register');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('status')).toHaveText('Welcome, Ana! Your account is ready.');
  const registered = await collector.nextBody();
  expect(registered.entityInfo).toEqual({ trackerId: 'tracker-1', primaryKey: 'ana@shop.test', _name: 'Ana', _surname: 'López' });
  expect(registered.events).toEqual([
    { type: 'page-visit' },
    { type: 'register' },
    { type: 'newsletter-subscribe', email: 'ana@shop.test' },
  ]);

  // Every page carries the customer; the register event is not repeated.
  await page.getByRole('link', { name: 'Kitchen', exact: true }).click();
  const next = await collector.nextBody();
  expect(next.entityInfo).toEqual(registered.entityInfo);
  expect(next.events).toEqual([{ type: 'page-visit' }]);

  await page.getByRole('link', { name: 'Hi, Ana' }).click(); // signs out
  expect((await collector.nextBody()).entityInfo).toEqual({ trackerId: 'tracker-1' });

  await page.getByRole('link', { name: 'Sign in' }).click();
  await collector.next();
  await page.getByLabel('Email', { exact: true }).fill('ana@shop.test');
  await page.getByLabel('Password', { exact: true }).fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  await page.getByLabel('Password', { exact: true }).fill('secret-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('status')).toHaveText('Welcome back, Ana.');
  const login = await collector.nextBody();
  expect(login.entityInfo).toEqual(registered.entityInfo);
  expect(login.events).toEqual([{ type: 'page-visit' }, { type: 'login' }]);
  expect(log.warnings).toEqual([]);
});

test('a customer who registered in another browser signs in here: the email, no name', async ({ page, site, collector, log }) => {
  // Accounts stay in the browser that made them; this fresh browser has none, so any email signs in.
  await page.goto(site.url('/demo/login.html'));
  await collector.next();
  await page.getByLabel('Email', { exact: true }).fill('Mo@Shop.test');
  await page.getByLabel('Password', { exact: true }).fill('anything-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('status')).toHaveText('Welcome back, mo@shop.test.');
  await expect(page.getByRole('link', { name: 'Hi, mo@shop.test' })).toBeVisible();
  const login = await collector.nextBody();
  expect(login.entityInfo).toEqual({ trackerId: 'tracker-1', primaryKey: 'mo@shop.test' });
  expect(login.events).toEqual([{ type: 'page-visit' }, { type: 'login' }]);

  await page.goto(site.url('/demo/product.html?p=stoneware-mug'));
  await collector.next();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await collector.next();
  await page.goto(site.url('/demo/checkout.html'));
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('mo@shop.test');
  await expect(page.getByLabel('Full name')).toHaveValue('');
  expect(log.warnings).toEqual([]);
});

test('the newsletter form sends newsletter-subscribe', async ({ page, site, collector }) => {
  await page.goto(site.url('/demo/category.html?c=stationery'));
  await collector.next();
  await page.getByLabel('Email for the newsletter').fill('leo@shop.test');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByRole('status')).toHaveText('Thanks! leo@shop.test is on the list.');
  const body = await collector.nextBody();
  expect(body.events).toEqual([{ type: 'newsletter-subscribe', email: 'leo@shop.test' }]);
  expect(body).not.toHaveProperty('cart');
});

test('the cart: add, change a quantity, remove, empty; each change sends the full cart', async ({ page, site, collector }) => {
  const origin = site.url('').replace(/\/$/, '');
  await page.goto(site.url('/demo/product.html?p=stoneware-mug'));
  await collector.next();
  await page.getByLabel('Quantity').fill('2');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText('2 × Stoneware Mug added to your cart.');
  const added = await collector.nextBody();
  expect(added.events).toBeUndefined();
  const cartId = added.cart.cartId as string;
  expect(cartId).toMatch(/^cart-/);
  expect(added.cart).toEqual({ cartId, totalQuantity: 2, totalPrice: 36, products: [{ ...MUG(origin), quantity: 2, price: 18 }] });
  await expect(page.locator('#cart-count')).toHaveText('2');

  await page.goto(site.url('/demo/product.html?p=cedar-soy-candle'));
  expect((await collector.nextBody()).cart).toEqual(added.cart); // the page's cn_cart tag
  await page.getByRole('button', { name: 'Add to cart' }).click();
  const twoLines = {
    cartId,
    totalQuantity: 3,
    totalPrice: 60,
    products: [
      { ...MUG(origin), quantity: 2, price: 18 },
      { ...CANDLE(origin), quantity: 1, price: 24 },
    ],
  };
  expect((await collector.nextBody()).cart).toEqual(twoLines);

  await page.getByRole('link', { name: /Cart/ }).click();
  await expect(page.getByRole('heading', { name: 'Your cart' })).toBeVisible();
  expect((await collector.nextBody()).cart).toEqual(twoLines);
  await shot(page, 'cart');

  await page.getByLabel('Quantity of Stoneware Mug').fill('1');
  await page.getByLabel('Quantity of Stoneware Mug').press('Tab');
  await expect(page.locator('#cart-total')).toHaveText('€ 42.00');
  expect((await collector.nextBody()).cart).toEqual({
    ...twoLines,
    totalQuantity: 2,
    totalPrice: 42,
    products: [{ ...MUG(origin), quantity: 1, price: 18 }, twoLines.products[1]],
  });

  await page.locator('tr', { hasText: 'Stoneware Mug' }).getByRole('button', { name: 'Remove' }).click();
  expect((await collector.nextBody()).cart).toEqual({ cartId, totalQuantity: 1, totalPrice: 24, products: [twoLines.products[1]] });

  await page.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
  expect((await collector.nextBody()).cart).toEqual({ cartId, totalQuantity: 0, totalPrice: 0, products: [] });

  // Reloading the empty cart page sends the page visit; the unchanged cart needs no request of its own.
  await page.reload();
  const reloaded = await collector.nextBody();
  expect(reloaded.cart).toEqual({ cartId, totalQuantity: 0, totalPrice: 0, products: [] });
  await page.waitForTimeout(300);
  expect(collector.unread()).toEqual([]);
});

test('a guest buys: checkout, purchase on the confirmation page, the cart emptied', async ({ page, site, collector, log }) => {
  const origin = site.url('').replace(/\/$/, '');
  await page.goto(site.url('/demo/product.html?p=cedar-soy-candle'));
  await collector.next();
  await page.getByLabel('Quantity').fill('3');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  const cartId = (await collector.nextBody()).cart.cartId as string;

  await page.goto(site.url('/demo/cart.html'));
  await collector.next();
  await page.getByRole('link', { name: 'Checkout' }).click();
  await collector.next();
  await page.getByLabel('Email', { exact: true }).fill('guest@shop.test');
  await page.getByLabel('Full name').fill('Guest Buyer');
  await page.getByLabel('Address').fill('1 Market Street');
  await page.getByLabel('PayPal').check();
  await shot(page, 'checkout');
  await page.getByRole('button', { name: /Place order/ }).click();

  await expect(page.getByRole('heading', { name: 'Thank you for your order!' })).toBeVisible();
  const orderId = await page.locator('#order-id').textContent();
  const confirmation = await collector.nextBody();
  expect(confirmation.entityInfo).toEqual({ trackerId: 'tracker-1', primaryKey: 'guest@shop.test' });
  expect(confirmation.cart).toEqual({ cartId, totalQuantity: 0, totalPrice: 0, products: [] });
  expect(confirmation.events).toEqual([
    { type: 'page-visit' },
    {
      type: 'purchase',
      purchase: {
        purchaseId: orderId,
        totalQuantity: 3,
        totalPrice: 72,
        paymentMethod: 'paypal',
        products: [{ ...CANDLE(origin), quantity: 3, price: 24 }],
      },
    },
  ]);
  await shot(page, 'order');

  // A reload does not buy again; the next cart is a new one.
  await page.reload();
  expect((await collector.nextBody()).events).toEqual([{ type: 'page-visit' }]);
  await page.goto(site.url('/demo/product.html?p=dot-grid-notebook'));
  await collector.next();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  const next = (await collector.nextBody()).cart;
  expect(next.cartId).not.toBe(cartId);
  expect(next.products.map((p: { productId: string }) => p.productId)).toEqual(['FK-NTB-06']);
  expect(log.warnings).toEqual([]);
});

test('a signed-in customer buys: the purchase carries the account', async ({ page, site, collector }) => {
  await page.goto(site.url('/demo/register.html'));
  await collector.next();
  await page.getByLabel('First name').fill('Leo');
  await page.getByLabel('Last name').fill('Martin');
  await page.getByLabel('Email', { exact: true }).fill('leo@shop.test');
  await page.getByLabel('Password', { exact: true }).fill('secret-2');
  await page.getByRole('button', { name: 'Create account' }).click();
  await collector.next();

  await page.goto(site.url('/demo/product.html?p=linen-apron'));
  await collector.next();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  expect((await collector.nextBody()).entityInfo).toEqual({ trackerId: 'tracker-1' });
  await page.goto(site.url('/demo/checkout.html'));
  await collector.next();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('leo@shop.test');
  await page.getByLabel('Address').fill('2 Harbour Road');
  await page.getByRole('button', { name: /Place order/ }).click();
  const body = await collector.nextBody();
  expect(body.entityInfo).toEqual({ trackerId: 'tracker-1', primaryKey: 'leo@shop.test', _name: 'Leo', _surname: 'Martin' });
  expect(body.events[1].purchase).toMatchObject({ totalQuantity: 1, totalPrice: 32, paymentMethod: 'card' });
});
