import type { APIRequestContext, BrowserContext, Locator, Page } from '@playwright/test';
import { signInWithForm } from './support/auth';
import { expect, test, watch, type PageProblems } from './support/fixtures';
import { screenshot } from './support/screenshots';
import type { DemoStarlingServer } from './support/server';
import { advanceClock } from './support/tracking';

// The demo as a newcomer meets it, end to end: a real server started with `--demo true --test-clock true`
// on an empty data directory (it creates the demo store, whose site is its own `/demo/`, and prints the
// administrator's credentials), the real demo shop it serves under `/demo/`, the real tracking script that
// `/demo/loader.js` inserts, and the admin UI signed in with the printed credentials. Shoppers are fresh
// browser contexts (their own localStorage: tracker id, cart, shop account); what the shop sent is read
// back with an API key (`GET /api/v1/contacts/…`) and in the UI. The tests run in order and share the server.
test.describe.configure({ mode: 'serial' });

interface Product {
  productId: string;
  name: string;
}
interface Activity {
  id: number;
  type: string;
  occurred_at: string;
  contact_id: number;
  data: Record<string, unknown>;
}
interface Contact {
  id: number;
  email: string | null;
  anonymous: boolean;
  fields: Record<string, unknown>;
  merged_into: number | null;
  tracker_ids: string[];
  activity_count: number;
  cart: {
    cartId: string;
    state: string;
    totalQuantity: number;
    totalPrice: number;
    products: { product: Product; quantity: number; price: number }[];
  } | null;
}

const run = Date.now().toString(36);
/** Signed in to the admin UI with the demo credentials (one browser for the whole file). */
let admin: BrowserContext;
let adminPage: Page;
let adminProblems: PageProblems;
let storeId = 0;
/** `Authorization` header of an API key made with the CLI (`starling apikey create`). */
let apiKey = '';
/** The customers of the two purchase flows, checked again by the checklist test. */
const buyers: { email: string; contactId: number }[] = [];

test.beforeAll(async ({ isolatedBrowser }) => {
  admin = await isolatedBrowser.newContext({ viewport: { width: 1280, height: 800 } });
  adminPage = await admin.newPage();
  adminProblems = watch(adminPage);
});

test.afterAll(async () => {
  await admin.close();
});

test.afterEach(() => {
  expect(adminProblems.pageErrors, 'uncaught errors in the admin UI').toEqual([]);
});

// ---- The shop, as a shopper clicks through it --------------------------------------------------------

interface Shopper {
  page: Page;
  problems: PageProblems;
  /** The tracker id the script keeps in this browser. */
  trackerId(): Promise<string>;
}

async function shopper(context: BrowserContext): Promise<Shopper> {
  const page = await context.newPage();
  const problems = watch(page);
  return {
    page,
    problems,
    async trackerId() {
      const id = await page.evaluate('window.localStorage.getItem("starling.trackerId")');
      expect(typeof id === 'string' && id !== '', 'the script keeps a tracker id').toBe(true);
      return id as string;
    },
  };
}

/**
 * Does `action` on the shop and waits until the tracking script's request it causes has been answered (the
 * server answers once the events are stored); returns the event types the script sent.
 */
async function tracked(shop: Shopper, action: () => Promise<unknown>): Promise<string[]> {
  const answered = shop.page
    .waitForResponse(
      (response) => response.request().method() === 'POST' && /^\/collect\/[^/]+$/.test(new URL(response.url()).pathname),
      { timeout: 10_000 },
    )
    .catch((error: unknown) => {
      throw new Error(`The tracking script sent no request (answered) within 10 s of this step: ${String(error)}`);
    });
  const [response] = await Promise.all([answered, action()]);
  const answer = (await response.json()) as { trackerId?: string; errors?: unknown[] };
  expect(response.status(), JSON.stringify(answer)).toBe(200);
  expect(answer.errors, 'events refused by the server').toEqual([]);
  const sent = JSON.parse(response.request().postData() ?? '{}') as { events?: { type: string }[] };
  return (sent.events ?? []).map((event) => event.type);
}

function expectNoProblems(shop: Shopper) {
  expect(shop.problems.pageErrors, 'uncaught errors in the shop').toEqual([]);
  expect(shop.problems.consoleErrors, 'console errors in the shop').toEqual([]);
  expect(shop.problems.failedRequests, 'failed requests in the shop').toEqual([]);
  expect(shop.problems.errorResponses, 'error responses in the shop').toEqual([]);
}

const categories = (page: Page) => page.getByRole('navigation', { name: 'Categories' });
/** A product's card (a link holding its picture, badges, name and price). */
const card = (page: Page, name: string) => page.locator('a.card').filter({ has: page.getByRole('heading', { name, exact: true }) });

/** Home, a category, two products: an anonymous visitor. */
async function browseAnonymously(shop: Shopper, starling: DemoStarlingServer, category: string, products: [string, string]) {
  const { page } = shop;
  expect(await tracked(shop, () => page.goto(starling.shopUrl))).toEqual(['page-visit']);
  await expect(page.getByRole('heading', { name: 'Home goods, made slowly.' })).toBeVisible();
  expect(await tracked(shop, () => categories(page).getByRole('link', { name: category }).click())).toEqual(['page-visit']);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(category);
  for (const name of products) {
    expect(await tracked(shop, () => card(page, name).click())).toEqual(['page-visit', 'product-visited']);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  }
}

/** Header › Sign in › Create an account › the form: the shop's home page then says who is signed in. */
async function register(shop: Shopper, who: { name: string; surname: string; email: string; password: string }) {
  const { page } = shop;
  expect(await tracked(shop, () => page.getByRole('link', { name: 'Sign in' }).click())).toEqual(['page-visit']);
  expect(await tracked(shop, () => page.getByRole('link', { name: 'Create an account' }).click())).toEqual(['page-visit']);
  await page.getByLabel('First name').fill(who.name);
  await page.getByLabel('Last name').fill(who.surname);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  expect(await tracked(shop, () => page.getByRole('button', { name: 'Create account' }).click())).toEqual(['page-visit', 'register']);
  await expect(page.getByRole('status')).toHaveText(`Welcome, ${who.name}! Your account is ready.`);
}

/** On a product page: Add to cart (the script sends the full cart with `sendEvents`). */
async function addToCart(shop: Shopper, name: string) {
  const { page } = shop;
  expect(await tracked(shop, () => page.getByRole('button', { name: 'Add to cart' }).click())).toEqual([]);
  await expect(page.getByRole('status')).toContainText(`1 × ${name} added to your cart.`);
}

/** The cart page, one line removed, checkout, the order placed; returns the order id the shop shows. */
async function removeAndBuy(shop: Shopper, remove: string, keep: string, fullName?: string): Promise<string> {
  const { page } = shop;
  expect(await tracked(shop, () => page.getByRole('link', { name: /^Cart/ }).click())).toEqual(['page-visit']);
  await expect(page.getByRole('heading', { name: 'Your cart' })).toBeVisible();
  await expect(page.locator('.cart-table tbody tr')).toHaveCount(2);
  await screenshot(page, 'demo-shop-cart');
  expect(await tracked(shop, () => page.locator('tr', { hasText: remove }).getByRole('button', { name: 'Remove' }).click())).toEqual([]);
  await expect(page.locator('.cart-table tbody tr')).toHaveCount(1);
  await expect(page.locator('.cart-table tbody tr')).toContainText(keep);

  expect(await tracked(shop, () => page.getByRole('link', { name: 'Checkout' }).click())).toEqual(['page-visit']);
  if (fullName !== undefined) await page.getByLabel('Full name').fill(fullName);
  await page.getByLabel('Address').fill('1 Market Street');
  await screenshot(page, 'demo-shop-checkout');
  expect(await tracked(shop, () => page.getByRole('button', { name: /^Place order/ }).click())).toEqual(['page-visit', 'purchase']);
  await expect(page.getByRole('heading', { name: 'Thank you for your order!' })).toBeVisible();
  const orderId = ((await page.locator('#order-id').textContent()) ?? '').trim();
  expect(orderId).toMatch(/^FK-/);
  return orderId;
}

// ---- The API, with the key --------------------------------------------------------------------------

async function api<T>(request: APIRequestContext, starling: DemoStarlingServer, path: string): Promise<T> {
  const response = await request.get(`${starling.url}${path}`, { headers: { Authorization: apiKey } });
  const text = await response.text();
  expect(response.status(), `GET ${path}: ${text}`).toBe(200);
  return JSON.parse(text) as T;
}

async function contactByEmail(request: APIRequestContext, starling: DemoStarlingServer, email: string) {
  return api<Contact>(request, starling, `/api/v1/contacts/${encodeURIComponent(email)}`);
}

/** The whole timeline, oldest first (the API answers newest first). */
async function history(request: APIRequestContext, starling: DemoStarlingServer, contactId: number): Promise<Activity[]> {
  const page = await api<{ activities: Activity[]; next_cursor: string | null }>(
    request,
    starling,
    `/api/v1/contacts/${contactId}/activities?limit=200`,
  );
  expect(page.next_cursor).toBeNull();
  return [...page.activities].reverse();
}

/** The contact the browser with `trackerId` is, found in the store's contact list. */
async function contactOfTracker(request: APIRequestContext, starling: DemoStarlingServer, trackerId: string): Promise<Contact> {
  const list = await api<{ contacts: Contact[] }>(request, starling, `/api/v1/stores/${storeId}/contacts?limit=200`);
  const found = list.contacts.filter((contact) => contact.tracker_ids.includes(trackerId));
  expect(found, `contacts with tracker ${trackerId}`).toHaveLength(1);
  return found[0]!;
}

/** `page-visit /demo/category.html?c=kitchen`, `product-visited FK-MUG-01`, `entity-identified`…: a readable history. */
function describe(activities: readonly Activity[], origin: string): string[] {
  return activities.map((activity) => {
    const data = activity.data;
    const product = (value: unknown) => (value as Product | undefined)?.productId ?? '?';
    switch (activity.type) {
      case 'page-visit':
        return `page-visit ${String(data.url ?? '?').replace(origin, '')}`;
      case 'product-visited':
      case 'cart-product-added':
      case 'cart-product-removed':
        return `${activity.type} ${product(data.product)}`;
      case 'purchase': {
        const purchase = (data.purchase ?? {}) as { purchaseId?: string; products?: { product: Product }[] };
        return `purchase ${purchase.purchaseId ?? '?'} ${(purchase.products ?? []).map((line) => product(line.product)).join(',')}`;
      }
      default:
        return activity.type;
    }
  });
}

// ---- The admin UI -----------------------------------------------------------------------------------

async function openContact(starling: DemoStarlingServer, email: string): Promise<void> {
  await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
  await expect(adminPage.getByRole('heading', { level: 1 })).toHaveText('Contacts');
  await adminPage.getByRole('searchbox', { name: 'Search by email or customer ID' }).fill(email);
  const table = adminPage.getByRole('table', { name: 'Contacts' });
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await table.getByRole('link', { name: email }).click();
  await expect(adminPage).toHaveURL(new RegExp(`^${starling.url}/contacts/\\d+$`));
  await expect(adminPage.getByRole('heading', { level: 1 })).toHaveText(email);
}

function timeline(page: Page): Locator {
  return page.getByRole('list', { name: 'Activity timeline' });
}

function activity(page: Page, type: string): Locator {
  return timeline(page).locator(`[data-testid="activity"][data-type="${type}"]`);
}

/** The types of the timeline's items, newest first, as the UI lists them. */
async function timelineTypes(page: Page): Promise<string[]> {
  return timeline(page)
    .getByTestId('activity')
    .evaluateAll((items) => items.map((item) => (item as unknown as { dataset: { type: string } }).dataset.type));
}

const byType = (activities: readonly Activity[], type: string) => activities.filter((a) => a.type === type);

// ---- The tests --------------------------------------------------------------------------------------

test('the demo server prints its administrator; the shop, its loader and the script are served; the admin signs in', async ({
  demoStarling: starling,
}) => {
  expect(starling.demo.email).toMatch(/@/);
  expect(starling.demo.password.length).toBeGreaterThanOrEqual(8);
  expect(starling.startupOutput).toContain(`Sign in at ${starling.url} with`);

  // A newcomer opens the UI and is sent to the sign-in page.
  await adminPage.goto(`${starling.url}/`);
  await expect(adminPage).toHaveURL(/\/login/);
  await signInWithForm(adminPage, starling.demo);
  await expect(adminPage.getByRole('navigation', { name: 'Main' })).toBeVisible();
  const session = (await (await admin.request.get(`${starling.url}/api/v1/session`)).json()) as {
    organizations: { name: string; stores: { id: number; name: string; role: string }[] }[];
  };
  expect(session.organizations).toHaveLength(1);
  expect(session.organizations[0]?.stores).toEqual([expect.objectContaining({ name: 'Demo store', role: 'administrator' })]);
  storeId = session.organizations[0]?.stores[0]?.id ?? 0;

  // The demo store: its site is the shop this server serves, its authorized domain this server's host.
  const integration = (await (await admin.request.get(`${starling.url}/api/v1/stores/${storeId}/integration`)).json()) as {
    tracking_token: string;
    authorized_domains: string[];
  };
  expect(integration.authorized_domains).toContain(new URL(starling.url).host);
  const settings = (await (await admin.request.get(`${starling.url}/api/v1/stores/${storeId}/settings`)).json()) as {
    site_url: string;
  };
  expect(settings.site_url).toBe(starling.shopUrl);
  const loader = await admin.request.get(`${starling.url}/demo/loader.js`);
  expect(loader.status()).toBe(200);
  expect(await loader.text()).toContain(`'data-token','${integration.tracking_token}'`);
  expect((await admin.request.get(`${starling.url}/sdk/starling.js`)).status()).toBe(200);

  // An API key for reading contacts, made with the CLI on the server's data directory.
  const key = (await starling.cli([
    'apikey',
    'create',
    '--store',
    String(storeId),
    '--name',
    'demo e2e',
    '--scopes',
    'contacts:read',
  ])) as { authorization: string };
  apiKey = key.authorization;
  expect(apiKey).toMatch(/^apiKey \S+:\S+$/);
});

test('an anonymous visitor registers, adds two products, removes one and buys: identified with its anonymous history', async ({
  demoStarling: starling,
  newContext,
  request,
}) => {
  const nora = { name: 'Nora', surname: 'Vidal', email: `nora-${run}@example.com`, password: 'nora-secret-1' };
  const shop = await shopper(await newContext());
  const { page } = shop;

  // Anonymous: home, Kitchen, two products.
  await browseAnonymously(shop, starling, 'Kitchen', ['Stoneware Mug', 'Speckled Teapot']);
  await screenshot(page, 'demo-shop-product');
  const tracker = await shop.trackerId();
  const anonymous = await contactOfTracker(request, starling, tracker);
  expect(anonymous).toMatchObject({ email: null, anonymous: true, merged_into: null, activity_count: 7 });

  // Registers in the same browser: the anonymous contact gets the email.
  await register(shop, nora);
  await screenshot(page, 'demo-shop-registered');

  // Two products in the cart (from the home page, then a related product), one removed, the order placed.
  await tracked(shop, () => card(page, 'Linen Apron').click());
  await addToCart(shop, 'Linen Apron');
  await tracked(shop, () => card(page, 'Stoneware Mug').click());
  await addToCart(shop, 'Stoneware Mug');
  const orderId = await removeAndBuy(shop, 'Linen Apron', 'Stoneware Mug');
  await screenshot(page, 'demo-shop-order');
  const cartId = ((await page.evaluate('JSON.parse(window.localStorage.getItem("demo.cart")).cartId')) as string) ?? '';
  expect(cartId).toMatch(/^cart-/);
  expectNoProblems(shop);

  // The API: the same contact, now identified, with every event of this browser in order.
  const contact = await contactByEmail(request, starling, nora.email);
  expect(contact).toMatchObject({
    id: anonymous.id,
    email: nora.email,
    anonymous: false,
    merged_into: null,
    tracker_ids: [tracker],
    fields: expect.objectContaining({ _name: 'Nora', _surname: 'Vidal' }),
    cart: expect.objectContaining({ cartId, state: 'purchased', totalQuantity: 1, totalPrice: 18 }),
  });
  expect(contact.cart?.products.map((line) => line.product.productId)).toEqual(['FK-MUG-01']);
  const activities = await history(request, starling, contact.id);
  expect(describe(activities, starling.url)).toEqual([
    // anonymous
    'entity-created',
    'page-visit /demo/',
    'page-visit /demo/category.html?c=kitchen',
    'page-visit /demo/product.html?p=stoneware-mug',
    'product-visited FK-MUG-01',
    'page-visit /demo/product.html?p=speckled-teapot',
    'product-visited FK-POT-02',
    'page-visit /demo/login.html',
    'page-visit /demo/register.html',
    // registered
    'entity-identified',
    'page-visit /demo/index.html',
    'register',
    'page-visit /demo/product.html?p=linen-apron',
    'product-visited FK-APR-03',
    'cart-product-added FK-APR-03',
    'page-visit /demo/product.html?p=stoneware-mug',
    'product-visited FK-MUG-01',
    'cart-product-added FK-MUG-01',
    'page-visit /demo/cart.html',
    'cart-product-removed FK-APR-03',
    'page-visit /demo/checkout.html',
    'page-visit /demo/order.html',
    `purchase ${orderId} FK-MUG-01`,
  ]);
  expect(activities.every((a) => a.contact_id === contact.id), 'every activity belongs to the contact').toBe(true);
  expect(contact.activity_count).toBe(activities.length);
  expect(byType(activities, 'entity-identified')[0]?.data).toEqual({ email: nora.email });
  expect(byType(activities, 'purchase')[0]?.data).toMatchObject({
    purchase: { purchaseId: orderId, totalPrice: 18, totalQuantity: 1, paymentMethod: 'card' },
  });
  buyers.push({ email: nora.email, contactId: contact.id });

  // The UI: the list shows the customer, the sheet its whole history, the purchased cart and the purchase.
  await openContact(starling, nora.email);
  await expect(adminPage.getByRole('definition').first()).toHaveText(nora.email);
  await expect(adminPage.getByRole('list', { name: 'Trackers' }).getByRole('listitem')).toHaveText([tracker]);
  await expect(timeline(adminPage).getByTestId('activity')).toHaveCount(activities.length);
  expect(await timelineTypes(adminPage)).toEqual(activities.map((a) => a.type).reverse());
  await expect(activity(adminPage, 'entity-created')).toContainText('Contact created (anonymous)');
  await expect(activity(adminPage, 'entity-identified')).toContainText(`Identified as ${nora.email}`);
  await expect(activity(adminPage, 'product-visited').last()).toContainText('Viewed product Stoneware Mug');
  await expect(activity(adminPage, 'register')).toContainText('Registered an account');
  await expect(activity(adminPage, 'cart-product-added')).toHaveText([/Added 1 × Stoneware Mug to cart/, /Added 1 × Linen Apron to cart/]);
  await expect(activity(adminPage, 'cart-product-removed')).toContainText('Removed 1 × Linen Apron from cart');
  await expect(activity(adminPage, 'purchase')).toContainText(new RegExp(`Purchased order ${orderId}: 1 product, .*18\\.00`));
  const cart = adminPage.getByRole('region', { name: 'Current cart' });
  await expect(cart).toContainText('Purchased');
  await expect(cart).toContainText(cartId);
  await expect(cart.getByRole('table', { name: 'Cart products' }).locator('tbody tr')).toHaveText([/Stoneware Mug/]);
  await screenshot(adminPage, 'demo-contact-identified');
});

test('an anonymous visitor signs in as a customer known from another browser: merged into that contact, then buys', async ({
  demoStarling: starling,
  newContext,
  request,
}) => {
  const omar = { name: 'Omar', surname: 'Haddad', email: `omar-${run}@example.com`, password: 'omar-secret-1' };

  // An earlier visit, on another device: Omar registers there.
  const before = await shopper(await newContext());
  expect(await tracked(before, () => before.page.goto(starling.shopUrl))).toEqual(['page-visit']);
  await register(before, omar);
  expectNoProblems(before);
  await before.page.context().close();
  const known = await contactByEmail(request, starling, omar.email);
  expect(known.activity_count).toBe(7);

  // Today, in a new browser: anonymous browsing first…
  const shop = await shopper(await newContext());
  const { page } = shop;
  await browseAnonymously(shop, starling, 'Living', ['Cedar Soy Candle', 'Terracotta Plant Pot']);
  await expect(page.getByRole('button', { name: 'Sold out' })).toBeDisabled();
  const tracker = await shop.trackerId();
  const anonymous = await contactOfTracker(request, starling, tracker);
  expect(anonymous).toMatchObject({ email: null, anonymous: true, activity_count: 7 });
  expect(anonymous.id).not.toBe(known.id);

  // …then signing in with the email Starling already knows (this browser has never seen the account).
  expect(await tracked(shop, () => page.getByRole('link', { name: 'Sign in' }).click())).toEqual(['page-visit']);
  await page.getByLabel('Email', { exact: true }).fill(omar.email);
  await page.getByLabel('Password', { exact: true }).fill(omar.password);
  expect(await tracked(shop, () => page.getByRole('button', { name: 'Sign in' }).click())).toEqual(['page-visit', 'login']);
  await expect(page.getByRole('status')).toHaveText(`Welcome back, ${omar.email}.`);
  await screenshot(page, 'demo-shop-signed-in');

  await tracked(shop, () => card(page, 'Dot Grid Notebook').click());
  await addToCart(shop, 'Dot Grid Notebook');
  await tracked(shop, () => card(page, 'Stoneware Mug').click());
  await addToCart(shop, 'Stoneware Mug');
  const orderId = await removeAndBuy(shop, 'Dot Grid Notebook', 'Stoneware Mug', 'Omar Haddad');
  expectNoProblems(shop);

  // The API: the anonymous contact was merged into the known one, which has both histories.
  const merged = await api<Contact>(request, starling, `/api/v1/contacts/${anonymous.id}`);
  expect(merged.merged_into).toBe(known.id);
  expect((await history(request, starling, anonymous.id)).length).toBe(0);
  const contact = await contactByEmail(request, starling, omar.email);
  expect(contact).toMatchObject({
    id: known.id,
    anonymous: false,
    merged_into: null,
    fields: expect.objectContaining({ _name: 'Omar', _surname: 'Haddad' }),
    cart: expect.objectContaining({ state: 'purchased', totalQuantity: 1, totalPrice: 18 }),
  });
  expect(contact.tracker_ids).toHaveLength(2);
  expect(contact.tracker_ids).toContain(tracker);
  const activities = await history(request, starling, contact.id);
  expect(describe(activities, starling.url)).toEqual([
    // the earlier visit, on the other device
    'entity-created',
    'page-visit /demo/',
    'page-visit /demo/login.html',
    'page-visit /demo/register.html',
    'entity-identified',
    'page-visit /demo/index.html',
    'register',
    // today, anonymous: merged in
    'entity-created',
    'page-visit /demo/',
    'page-visit /demo/category.html?c=living',
    'page-visit /demo/product.html?p=cedar-soy-candle',
    'product-visited FK-CAN-04',
    'page-visit /demo/product.html?p=terracotta-plant-pot',
    'product-visited FK-PLT-05',
    'page-visit /demo/login.html',
    // signed in
    'entity-merged',
    'page-visit /demo/index.html',
    'login',
    'page-visit /demo/product.html?p=dot-grid-notebook',
    'product-visited FK-NTB-06',
    'cart-product-added FK-NTB-06',
    'page-visit /demo/product.html?p=stoneware-mug',
    'product-visited FK-MUG-01',
    'cart-product-added FK-MUG-01',
    'page-visit /demo/cart.html',
    'cart-product-removed FK-NTB-06',
    'page-visit /demo/checkout.html',
    'page-visit /demo/order.html',
    `purchase ${orderId} FK-MUG-01`,
  ]);
  expect(activities.every((a) => a.contact_id === contact.id), 'every activity belongs to the contact').toBe(true);
  expect(byType(activities, 'entity-merged')[0]?.data).toEqual({ mergedContactId: anonymous.id });
  buyers.push({ email: omar.email, contactId: contact.id });

  // The UI: one contact in the list (the merged one is left out); the sheet has both histories.
  await openContact(starling, omar.email);
  await expect(adminPage.getByRole('list', { name: 'Trackers' }).getByRole('listitem')).toHaveCount(2);
  await expect(timeline(adminPage).getByTestId('activity')).toHaveCount(activities.length);
  expect(await timelineTypes(adminPage)).toEqual(activities.map((a) => a.type).reverse());
  await expect(activity(adminPage, 'entity-merged')).toContainText(`Merged anonymous contact #${anonymous.id} into this contact`);
  await expect(activity(adminPage, 'entity-created')).toHaveText([/Contact created \(anonymous\)/, /Contact created \(anonymous\)/]);
  await expect(activity(adminPage, 'product-visited').filter({ hasText: 'Cedar Soy Candle' })).toHaveCount(1);
  await expect(activity(adminPage, 'product-visited').filter({ hasText: 'Terracotta Plant Pot' })).toHaveCount(1);
  await expect(activity(adminPage, 'login')).toContainText('Signed in');
  await expect(activity(adminPage, 'cart-product-added')).toHaveCount(2);
  await expect(activity(adminPage, 'cart-product-removed')).toContainText('Removed 1 × Dot Grid Notebook from cart');
  await expect(activity(adminPage, 'purchase')).toContainText(`Purchased order ${orderId}`);
  await expect(adminPage.getByRole('region', { name: 'Current cart' })).toContainText('Purchased');
  await screenshot(adminPage, 'demo-contact-merged');

  // The merged contact's sheet points to the customer.
  await activity(adminPage, 'entity-merged').getByRole('link', { name: `Anonymous contact #${anonymous.id}` }).click();
  await expect(adminPage.getByRole('status').filter({ hasText: `Merged into contact #${known.id}` })).toBeVisible();
});

test('a customer leaves a cart; past the abandonment delay (test clock) the timeline shows the cart abandoned', async ({
  demoStarling: starling,
  newContext,
  request,
}) => {
  const lea = { name: 'Lea', surname: 'Park', email: `lea-${run}@example.com`, password: 'lea-secret-1' };
  const shop = await shopper(await newContext());
  const { page } = shop;
  expect(await tracked(shop, () => page.goto(starling.shopUrl))).toEqual(['page-visit']);
  await register(shop, lea);
  await tracked(shop, () => card(page, 'Speckled Teapot').click());
  await addToCart(shop, 'Speckled Teapot');
  expectNoProblems(shop);
  await page.context().close(); // and leaves

  await openContact(starling, lea.email);
  const cart = adminPage.getByRole('region', { name: 'Current cart' });
  await expect(cart).toContainText('Active');
  await expect(activity(adminPage, 'cart-abandoned')).toHaveCount(0);

  // Past the store's delay (30 minutes for the demo store: 1,860 s), Starling's timer abandons the cart.
  const settings = (await (await admin.request.get(`${starling.url}/api/v1/stores/${storeId}/settings`)).json()) as {
    ecommerce: { cart_abandonment_minutes: number };
  };
  const delay = settings.ecommerce.cart_abandonment_minutes;
  await advanceClock(request, starling, delay * 60 + 60);
  await expect
    .poll(async () => {
      await adminPage.getByRole('button', { name: 'Refresh' }).click();
      return activity(adminPage, 'cart-abandoned').count();
    })
    .toBe(1);
  await expect(activity(adminPage, 'cart-abandoned')).toContainText(/Cart abandoned: 1 product, .*46\.00/);
  await expect(timeline(adminPage).getByTestId('activity').first()).toHaveAttribute('data-type', 'cart-abandoned');
  await expect(cart).toContainText('Abandoned');
  await screenshot(adminPage, 'demo-contact-cart-abandoned');

  const contact = await contactByEmail(request, starling, lea.email);
  expect(contact.cart?.state).toBe('abandoned');
  const last = (await history(request, starling, contact.id)).at(-1);
  expect(last?.type).toBe('cart-abandoned');
  expect(last?.data).toMatchObject({ cartId: contact.cart?.cartId, totalQuantity: 1, totalPrice: 46 });

  // The carts that were bought are not abandoned.
  for (const buyer of buyers) {
    expect((await contactByEmail(request, starling, buyer.email)).cart?.state, buyer.email).toBe('purchased');
    expect(byType(await history(request, starling, buyer.contactId), 'cart-abandoned')).toEqual([]);
  }
});

test('Store settings › Channels › Web: the checklist has seen page visits, product visits, cart, purchase and login/register', async ({
  demoStarling: starling,
}) => {
  await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Store settings' }).click();
  await adminPage.getByRole('navigation', { name: 'Store settings' }).getByRole('link', { name: 'Channels' }).click();
  await expect(adminPage).toHaveURL(`${starling.url}/settings/channels`);
  const checklist = adminPage.getByRole('list', { name: 'Integration checklist' });
  const item = (key: string) => checklist.locator(`[data-key="${key}"]`);
  for (const key of ['page_visit', 'product_visit', 'cart', 'purchase', 'login_register']) {
    await expect(item(key), key).toHaveAttribute('data-seen', 'true');
    await expect(item(key), key).toContainText('Seen');
  }
  await expect(item('newsletter')).toHaveAttribute('data-seen', 'false');
  await expect(item('purchase')).toContainText('Purchased order FK-');
  // The snippet shown is the one the demo shop's loader inserts.
  const loader = await (await admin.request.get(`${starling.url}/demo/loader.js`)).text();
  const token = ((await adminPage.getByTestId('tracking-token').textContent()) ?? '').trim();
  expect(loader).toContain(`'data-token','${token}'`);
  await screenshot(adminPage, 'demo-channels-web');
});
