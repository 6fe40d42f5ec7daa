import { browserInfo, product } from './support/expected';
import { expect, test } from './support/fixtures';

// Every HTML tag of docs/integration.md §2, one page per case, and the exact request the script sends.

test('a product page: every product child, page categories and tags, keywords, banner placeholders', async ({
  page, site, collector, log,
}) => {
  const url = site.url('/pages/product.html');
  await page.goto(url);
  const request = await collector.next();
  expect(request.url).toBe(site.url('/collect/tok-1'));
  expect(request.contentType).toBe('text/plain;charset=UTF-8');
  expect(request.body).toEqual({
    events: [
      { type: 'page-visit' },
      {
        type: 'product-visited',
        product: {
          productId: 'TR-2',
          name: 'Trail Runner 2',
          url: site.url('/p/trail-runner-2'),
          unitPrice: 89.9,
          availability: 'instock',
          imageUrl: 'https://cdn.example/tr2.jpg',
          thumbnailUrl: site.url('/img/tr2-small.jpg'),
          description: '<p>Light <b>trail</b> shoe.</p>',
          priority: 3,
          ratingValue: 4.5,
          reviewCount: 12,
          ratingCount: 40,
          categories: ['/Men/Shoes/Running', '/Sale'],
          tags: ['trail', 'waterproof'],
          brand: 'Stridewell',
          relatedExternalProductIds: ['TR-1', 'SOCK-3'],
          unitPriceOriginal: 119.9,
          unitPriceWithoutVat: 74.92,
          discountedAmount: 30,
          discountedPercentage: 25,
          customField1: 'vegan',
          customField2: 'EU 38-47',
          customField3: 'gore-tex',
          publishedAt: '2025-03-01T08:00:00Z',
          stock: 17,
        },
      },
    ],
    bannerPlaceholders: [{ id: 'home-top' }, { id: 'sidebar' }],
    pageInfo: {
      title: 'Trail Runner 2 — Shop',
      categories: ['/Men/Shoes', '/Sale'],
      tags: ['new'],
      keywords: ['running', 'trail', 'shoes'],
    },
    browserInfo: browserInfo(url),
  });
  expect(log.warnings).toEqual(['[starling] cn_banner_placeholder left out: it has no id attribute']);
});

test('invalid products are dropped with a warning; invalid optional fields are left out', async ({
  page, site, collector, log,
}) => {
  await page.goto(site.url('/pages/product-invalid.html'));
  const body = await collector.nextBody();
  expect(body.events).toEqual([
    { type: 'page-visit' },
    { type: 'product-visited', product: product('KEPT', 'Kept', 'https://shop.test/p/kept', 0) },
    {
      type: 'product-visited',
      // Another time zone is sent in UTC; a negative priority and a rating of 0 are valid.
      product: product('DATED', 'Dated', site.url('/p/dated'), 2, {
        priority: -4,
        ratingValue: 0,
        publishedAt: '2025-03-01T08:00:00.000Z',
      }),
    },
  ]);
  expect(log.warnings).toEqual([
    '[starling] cn_product_visited: product dropped: it has no product_id',
    '[starling] cn_product_visited: product "NO-NAME" dropped: it has no name',
    '[starling] cn_product_visited: product "NO-URL" dropped: it has no url',
    '[starling] cn_product_visited: product "NEGATIVE" dropped: its unit_price "-5" is not a number ≥ 0',
    '[starling] cn_product_visited: product "NOT-A-NUMBER" dropped: its unit_price "12,50 €" is not a number ≥ 0',
    '[starling] cn_product_visited: product "KEPT": availability left out: expected instock, outofstock, unverified, discontinued, got "maybe"',
    '[starling] cn_product_visited: product "KEPT": image_url left out: expected an http(s) URL, got "javascript:alert(1)"',
    '[starling] cn_product_visited: product "KEPT": thumbnail_url left out: expected an http(s) URL, got "mailto:x@shop.test"',
    '[starling] cn_product_visited: product "KEPT": rating_value left out: expected a number from 0 to 5, got "7"',
    '[starling] cn_product_visited: product "KEPT": review_count left out: expected an integer ≥ 0, got "many"',
    '[starling] cn_product_visited: product "KEPT": rating_count left out: expected an integer ≥ 0, got "-2"',
    '[starling] cn_product_visited: product "KEPT": unit_price_original left out: expected a number ≥ 0, got "-1"',
    '[starling] cn_product_visited: product "KEPT": discounted_percentage left out: expected a number from 0 to 100, got "120"',
    '[starling] cn_product_visited: product "KEPT": published_at left out: expected a date like 2026-05-01T12:00:00Z, got "yesterday-ish"',
    '[starling] cn_product_visited: product "KEPT": stock left out: expected an integer ≥ 0, got "-3"',
    '[starling] cn_product_visited: product "SCRIPT-URL" dropped: its url "javascript:void(0)" is not an http(s) URL',
  ]);
});

test('search, product-searched (invalid results dropped) and product-not-found', async ({ page, site, collector, log }) => {
  await page.goto(site.url('/pages/search.html'));
  const body = await collector.nextBody();
  expect(body.events).toEqual([
    { type: 'page-visit' },
    {
      type: 'product-searched',
      searchText: 'sneakers',
      products: [
        product('SN-1', 'City Sneaker', 'https://shop.test/p/sn-1', 59, { categories: ['/Shoes'] }),
        product('SN-3', 'Court Sneaker', 'https://shop.test/p/sn-3', 64.5),
      ],
    },
    { type: 'product-not-found', searchText: 'unicorn' },
    { type: 'product-not-found', productId: 'GONE-7' },
    { type: 'search', searchText: 'sneakers' },
  ]);
  expect(body.pageInfo).toEqual({ title: 'Search: sneakers' });
  expect(log.warnings).toEqual([
    '[starling] cn_product_searched: product "SN-2" dropped: its unit_price "free" is not a number ≥ 0',
    '[starling] cn_product_not_found dropped: it has neither search_text nor product_id',
    '[starling] cn_search dropped: it has no search_text',
  ]);
});

test('the contact from cn_client_info, with login, register and newsletter-subscribe', async ({
  page, site, collector, log,
}) => {
  await page.goto(site.url('/pages/account.html'));
  const body = await collector.nextBody();
  expect(body.entityInfo).toEqual({
    primaryKey: 'ana@shop.test',
    _name: 'Ana',
    _surname: 'López',
    _birthdate: '1990-05-01',
    _email_status: 'active',
    _newsletter_subscription_status: 'subscribed',
    _mobile_phone: '+34600111222',
    _mobile_phone_status: 'active',
    _sms_subscription_status: 'none',
    _external_id: 'C-1001',
    _points: '120',
    loyalty_level: 'gold',
  });
  expect(body.events).toEqual([
    { type: 'page-visit' },
    { type: 'login' },
    { type: 'register' },
    { type: 'newsletter-subscribe', email: 'ana@shop.test' },
  ]);
  expect(log.warnings).toEqual([]);
});

test('a tracker_id in cn_client_info replaces the stored one', async ({ page, site, collector }) => {
  await page.goto(site.url('/pages/plain.html'));
  expect((await collector.nextBody()).entityInfo).toBeUndefined();
  await expect.poll(() => page.evaluate(() => window.starling?.getTrackerId())).toBe('tracker-1');

  await page.goto(site.url('/pages/client-tracker.html'));
  expect((await collector.nextBody()).entityInfo).toEqual({ trackerId: 'from-shop-server', primaryKey: 'ana@shop.test' });
  expect(await page.evaluate(() => localStorage.getItem('starling.trackerId'))).toBe('from-shop-server');
});

test('the cart: full lines, a line without quantity counts 1, invalid lines dropped', async ({ page, site, collector, log }) => {
  await page.goto(site.url('/pages/cart.html'));
  const body = await collector.nextBody();
  expect(body.cart).toEqual({
    cartId: 'c-881',
    totalQuantity: 3,
    totalPrice: 89.7,
    products: [
      product('TEE-1', 'Linen Tee', 'https://shop.test/p/tee-1', 29.9, { quantity: 2, price: 29.9 }),
      product('CAP-2', 'Canvas Cap', 'https://shop.test/p/cap-2', 29.9, { categories: ['/Accessories'], quantity: 1 }),
    ],
  });
  expect(body.events).toEqual([{ type: 'page-visit' }]);
  expect(log.warnings).toEqual([
    '[starling] cn_cart "c-881": product "BAD-3" dropped: it has no unit_price',
    '[starling] cn_cart "c-881": product "ZERO-4" dropped: its quantity "0" is not a number > 0',
  ]);
});

test('an emptied cart is sent with no products', async ({ page, site, collector }) => {
  await page.goto(site.url('/pages/cart-empty.html'));
  const body = await collector.nextBody();
  expect(body.cart).toEqual({ cartId: 'c-881', totalQuantity: 0, totalPrice: 0, products: [] });
});

test('a cart without cart_id and a purchase without purchase_id are dropped', async ({ page, site, collector, log }) => {
  await page.goto(site.url('/pages/cart-invalid.html'));
  const body = await collector.nextBody();
  expect(body).not.toHaveProperty('cart');
  expect(body.events).toEqual([{ type: 'page-visit' }]);
  expect(log.warnings).toEqual([
    '[starling] cn_purchase dropped: it has no purchase_id',
    '[starling] cn_cart dropped: it has no cart_id',
  ]);
});

test('the purchase, and the cart emptied by it', async ({ page, site, collector }) => {
  const url = site.url('/pages/purchase.html');
  await page.goto(url);
  expect(await collector.nextBody()).toEqual({
    cart: { cartId: 'c-881', products: [] },
    events: [
      { type: 'page-visit' },
      {
        type: 'purchase',
        purchase: {
          purchaseId: 'o-1001',
          totalQuantity: 3,
          totalPrice: 89.7,
          paymentMethod: 'card',
          products: [
            product('TEE-1', 'Linen Tee', 'https://shop.test/p/tee-1', 29.9, { quantity: 2, price: 29.9 }),
            product('CAP-2', 'Canvas Cap', 'https://shop.test/p/cap-2', 29.9, { quantity: 1, price: 29.9 }),
          ],
        },
      },
    ],
    pageInfo: { title: 'Thank you for your order' },
    browserInfo: browserInfo(url),
  });
});

test('the referrer of a page reached by a link', async ({ page, site, collector }) => {
  const from = site.url('/pages/plain.html');
  await page.goto(from);
  await collector.next();
  await page.evaluate((to) => {
    const a = document.createElement('a');
    a.href = to;
    a.textContent = 'go';
    document.body.append(a);
    a.click();
  }, site.url('/pages/search.html'));
  const body = await collector.nextBody();
  expect(body.browserInfo).toEqual(browserInfo(site.url('/pages/search.html'), from));
});

test('browserInfo of a phone says mobile', async ({ browser, site, collector }) => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    screen: { width: 390, height: 844 },
    locale: 'es-ES',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  });
  try {
    await collector.attach(context);
    const page = await context.newPage();
    const url = site.url('/pages/plain.html');
    await page.goto(url);
    expect((await collector.nextBody()).browserInfo).toEqual({
      url,
      language: 'es-ES',
      screenWidth: 390,
      screenHeight: 844,
      windowWidth: 390,
      windowHeight: 844,
      device: 'mobile',
    });
  } finally {
    await context.close();
  }
});
