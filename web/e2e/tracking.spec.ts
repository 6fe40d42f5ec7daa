import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { signIn } from './support/auth';
import { expect, test } from './support/fixtures';
import { repoRoot } from './support/paths';
import { screenshot, screenshotOf } from './support/screenshots';
import type { StarlingServer } from './support/server';
import { advanceClock, collect, patchSettings, pinSeedStore, product, SHOP_ORIGIN, storeSettings } from './support/tracking';

// The integration check (Store settings › Channels › Web) and the Contacts area, against the real server
// (started with `--test-clock true`). Tracking requests are sent as the script sends them, with Playwright's
// `request`, to `POST /collect/{token}`. The tests run in order: the first sends the requests the others read.
test.describe.configure({ mode: 'serial' });

const email = `carla-${Date.now()}@shop.example`;
const shoe = product('shoe-1', 'Shoe', 29.9);
let token = '';

test.beforeAll(async ({ browserContext, starling }) => {
  await signIn(browserContext, starling);
  // Read, not assumed: another spec may have rotated the token.
  token = (await storeSettings(browserContext.request, starling)).tracking_token;
});

test.beforeEach(async ({ page, starling }) => {
  await pinSeedStore(page, starling);
});

test.afterEach(async ({ problems }) => {
  expect(problems.pageErrors, 'uncaught page errors').toEqual([]);
});

function checklistItem(page: Page, key: string): Locator {
  return page.getByRole('list', { name: 'Integration checklist' }).locator(`[data-key="${key}"]`);
}

/** A value of the API's own (`GET …/integration`), through the signed-in browser context. */
async function integration(request: APIRequestContext, starling: StarlingServer) {
  const response = await request.get(`${starling.url}/api/v1/stores/${starling.seed.store.id}/integration`);
  expect(response.status()).toBe(200);
  return (await response.json()) as { checklist: { key: string; seen: boolean }[] };
}

test('the live stream shows each request with its errors as it arrives; the checklist marks what was seen', async ({
  page,
  request,
  starling,
}) => {
  await page.goto(`${starling.url}/settings/channels`);
  await expect(page.getByRole('heading', { level: 2, name: 'Web', exact: true })).toBeVisible();
  const snippet = page.getByTestId('tracking-snippet');
  await expect(snippet).toContainText(`src="${starling.url}/sdk/starling.js"`);
  await expect(snippet).toContainText(`data-token="${token}"`);
  await expect(page.getByTestId('tracking-token')).toHaveText(token);
  for (const key of ['page_visit', 'product_visit', 'cart', 'purchase', 'login_register', 'newsletter']) {
    await expect(checklistItem(page, key)).toHaveAttribute('data-seen', 'false');
  }
  const live = page.getByRole('list', { name: 'Live requests' });
  const rows = page.getByTestId('live-entry');
  await expect(page.getByText('Waiting for the first request')).toBeVisible();
  await expect(page.getByTestId('live-state')).toHaveText('Live');

  // An anonymous visitor looks at a product…
  const first = await collect(request, starling, token, {
    events: [{ type: 'page-visit' }, { type: 'product-visited', product: shoe }],
    pageInfo: { title: 'Shoe' },
    browserInfo: { url: `${SHOP_ORIGIN}/p/shoe-1`, language: 'es-ES', device: 'desktop' },
  });
  expect(first.status).toBe(200);
  expect(first.errors).toEqual([]);
  const tracker = first.trackerId ?? '';
  expect(tracker).not.toBe('');
  await expect(rows).toHaveCount(1);

  // …puts two in the cart…
  const cart = await collect(request, starling, token, {
    entityInfo: { trackerId: tracker },
    cart: { cartId: 'c-e2e', totalQuantity: 2, totalPrice: 59.8, products: [{ ...shoe, quantity: 2, price: 29.9 }] },
    events: [{ type: 'page-visit' }],
  });
  expect(cart.errors).toEqual([]);

  // …signs in (the email identifies the contact); the page also describes a product with a broken price.
  const login = await collect(request, starling, token, {
    entityInfo: { trackerId: tracker, primaryKey: email, _name: 'Carla', _surname: 'Ruiz' },
    events: [{ type: 'login' }, { type: 'product-visited', product: product('broken-1', 'Broken', 'abc') }],
  });
  expect(login.errors).toEqual([expect.objectContaining({ event: 1, field: 'events[1].product.unitPrice' })]);

  // A site that is not an authorized domain is refused.
  const refused = await collect(request, starling, token, { events: [{ type: 'page-visit' }] }, 'https://evil.example');
  expect(refused.status).toBe(403);

  // Newest on top.
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText('Refused');
  await expect(rows.nth(0)).toContainText('origin https://evil.example is not an authorized domain');
  await expect(rows.nth(0).getByRole('link')).toHaveCount(0);

  const loginRow = rows.nth(1);
  await expect(loginRow.getByRole('list', { name: 'Stored events' }).getByRole('listitem')).toHaveText([
    'entity-identified',
    'login',
  ]);
  const error = loginRow.getByRole('list', { name: 'Validation errors' }).getByRole('listitem');
  await expect(error).toHaveCount(1);
  await expect(error.locator('code')).toHaveText('events[1].product.unitPrice');
  await expect(error).toContainText('expected a number');
  await expect(error).toHaveCSS('color', 'rgb(180, 35, 42)'); // --color-danger-text
  await expect(loginRow).toContainText('Stored');
  // Each request names its contact as the request left it: the login identified the visitor.
  const contactLink = loginRow.getByTestId('live-contact');
  await expect(contactLink).toHaveText(email);
  const contactId = Number(((await contactLink.getAttribute('href')) ?? '').replace(/\D/g, ''));
  expect(contactId).toBeGreaterThan(0);

  await expect(rows.nth(2).getByRole('listitem')).toHaveText(['page-visit', 'cart-product-added']);
  await expect(rows.nth(3).getByRole('listitem')).toHaveText(['entity-created', 'page-visit', 'product-visited']);
  await expect(rows.nth(3)).toContainText('Script');
  await expect(rows.nth(3)).toContainText('127.0.0.1');
  // The first request came from the same visitor, then still anonymous.
  await expect(rows.nth(3).getByRole('link', { name: `Anonymous #${contactId}` })).toBeVisible();
  await expect(live).toBeVisible();

  // The checklist refreshes by itself when events arrive.
  for (const key of ['page_visit', 'product_visit', 'cart', 'login_register']) {
    await expect(checklistItem(page, key)).toHaveAttribute('data-seen', 'true');
    await expect(checklistItem(page, key)).toContainText('Seen');
  }
  for (const key of ['purchase', 'newsletter']) {
    await expect(checklistItem(page, key)).toHaveAttribute('data-seen', 'false');
    await expect(checklistItem(page, key)).toContainText('Not seen yet');
  }
  await expect(checklistItem(page, 'product_visit')).toContainText(/Viewed product Shoe \(.*29\.90.*\)/);
  await expect(checklistItem(page, 'cart')).toContainText('Added 2 × Shoe to cart');
  await expect(checklistItem(page, 'login_register')).toContainText('Signed in');
  // The example names its contact by email, as the contact is now; a login that identified it raises nothing.
  await expect(checklistItem(page, 'login_register').getByTestId('activity-contact')).toHaveText(email);
  await expect(checklistItem(page, 'login_register').getByRole('status')).toHaveCount(0);
  const cartItem = checklistItem(page, 'cart');
  await cartItem.getByText('Show data').click();
  await expect(cartItem.getByTestId('raw-data')).toContainText('"cartId": "c-e2e"');
  const seen = await integration(page.context().request, starling);
  expect(seen.checklist.filter((item) => item.seen).map((item) => item.key)).toEqual([
    'page_visit',
    'product_visit',
    'cart',
    'login_register',
  ]);
  await screenshot(page, 'channels-web');

  // Filters: the requests with problems (refused, or an event left out with an error), then by words.
  const shown = page.getByRole('group', { name: 'Requests shown' });
  const filter = page.getByLabel('Filter by IP, email, event type or field');
  await shown.getByRole('button', { name: 'With problems' }).click();
  await expect(shown.getByRole('button', { name: 'With problems' })).toHaveAttribute('aria-pressed', 'true');
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('live-count')).toHaveText('2 of 4 requests match');
  await filter.fill('unitPrice');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId('live-contact')).toHaveText(email);
  await screenshotOf(page.getByRole('list', { name: 'Live requests' }).locator('..'), 'live-filtered');
  await shown.getByRole('button', { name: 'All' }).click();
  await filter.fill(`cart-product-added ${'127.0.0.1'}`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByRole('listitem')).toHaveText(['page-visit', 'cart-product-added']);
  await filter.fill('no-such-thing');
  await expect(rows).toHaveCount(0);
  await expect(page.getByText('No request matches')).toBeVisible();
  await page.getByRole('button', { name: 'Show all requests' }).click();
  await expect(filter).toHaveValue('');
  await expect(rows).toHaveCount(4);

  // Paused, the stream shows nothing new; resumed, it catches up.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('live-state')).toHaveText('Paused');
  await collect(request, starling, token, {
    entityInfo: { trackerId: tracker },
    events: [{ type: 'search', searchText: 'red shoes' }],
  });
  await page.waitForTimeout(1500);
  await expect(rows).toHaveCount(4);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(rows).toHaveCount(5);
  await expect(rows.nth(0).getByRole('listitem')).toHaveText(['search']);
  await expect(page.getByTestId('live-state')).toHaveText('Live');

  // An example's contact link opens the contact.
  await checklistItem(page, 'login_register').getByRole('link', { name: email }).click();
  await expect(page).toHaveURL(`${starling.url}/contacts/${contactId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(email);
});

// The live view is one server-sent event stream held open, not a poll: the requests arrive on it.
test('the live view receives requests over one server-sent event stream that stays open', async ({
  page,
  request,
  starling,
}) => {
  const liveRequests: string[] = [];
  page.on('request', (sent) => {
    if (/\/integration\/(events|live)/.test(sent.url())) liveRequests.push(`${sent.resourceType()} ${sent.url()}`);
  });
  const opened = page.waitForResponse((response) => response.url().includes('/integration/events'));
  await page.goto(`${starling.url}/settings/channels`);
  const stream = await opened;
  expect(stream.status()).toBe(200);
  expect(stream.headers()['content-type']).toBe('text/event-stream');
  await expect(page.getByTestId('live-state')).toHaveText('Live');
  const rows = page.getByTestId('live-entry');
  await expect(rows.first()).toBeVisible(); // the requests the server kept
  const before = await rows.count();

  for (let i = 1; i <= 3; i += 1) {
    const sent = await collect(request, starling, token, { events: [{ type: 'page-visit' }], pageInfo: { title: `SSE ${i}` } });
    expect(sent.status).toBe(200);
    await expect(rows).toHaveCount(before + i);
    await expect(rows.first().getByRole('listitem')).toHaveText(['entity-created', 'page-visit']);
  }
  // A refusal shows up the same way, with its reason.
  const refused = await collect(request, starling, token, { events: [{ type: 'page-visit' }] }, 'https://evil.example');
  expect(refused.status).toBe(403);
  await expect(rows).toHaveCount(before + 4);
  await expect(rows.first()).toContainText('refused: origin https://evil.example');
  // A request whose every event was refused is "Events refused", not a green "Stored" (the contact it
  // named is created all the same); the values the server quotes show as code, without their backticks.
  const bogus = await collect(request, starling, token, {
    entityInfo: { primaryKey: 'not-an-email' },
    events: [{ type: 'bogus-type' }],
  });
  expect(bogus.status).toBe(200);
  await expect(rows).toHaveCount(before + 5);
  await expect(rows.first()).toContainText('Events refused');
  await expect(rows.first().locator('code', { hasText: /^not-an-email$/ })).toHaveCount(1);
  await expect(rows.first()).not.toContainText('`');

  // All of it came over the stream opened with the page: no poll, no second connection.
  expect(liveRequests).toEqual([`eventsource ${starling.url}/api/v1/stores/${starling.seed.store.id}/integration/events`]);
  await expect(page.getByTestId('live-state')).toHaveText('Live');
});

test('script options save with PATCH settings; field errors show beside the fields', async ({ page, starling }) => {
  await page.goto(`${starling.url}/settings/channels`);
  const form = page.getByRole('form', { name: 'Script options' });
  const include = form.getByRole('group', { name: 'Include URLs' });
  const exclude = form.getByRole('group', { name: 'Exclude URLs' });
  const sampling = form.getByLabel('Sampling', { exact: true });
  await expect(sampling).toHaveValue('100');

  await include.getByRole('button', { name: 'Add pattern' }).click();
  // The new row takes the cursor.
  await expect(include.getByLabel('Include URLs: pattern 1')).toBeFocused();
  // Valid options that would stop the script everywhere are pointed out while typing.
  const warning = form.getByRole('status').filter({ hasText: 'These options stop the script' });
  await page.keyboard.type('shop');
  await expect(include.getByLabel('Include URLs: pattern 1')).toHaveValue('shop');
  await expect(warning).toContainText('matches no page');
  await expect(warning.locator('code', { hasText: /^shop$/ })).toHaveCount(1);
  await include.getByLabel('Include URLs: pattern 1').fill('*/shop/*');
  await expect(warning).toHaveCount(0);
  await sampling.fill('0');
  await expect(warning).toContainText('At 0 %, the script tracks no visitor');
  // Saving such options asks first.
  await form.getByRole('button', { name: 'Save' }).click();
  const confirm = page.getByRole('dialog', { name: 'Stop tracking on every page?' });
  await expect(confirm).toContainText('At 0 %, the script tracks no visitor');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByTestId('toast').filter({ hasText: 'Script options saved.' })).toHaveCount(0);
  await exclude.getByRole('button', { name: 'Add pattern' }).click();
  await exclude.getByLabel('Exclude URLs: pattern 1').fill('*/checkout/payment*');

  // Checked before sending: a share is 0 to 100 %.
  await sampling.fill('150');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(sampling).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Enter a percentage from 0 to 100.')).toBeVisible();

  // Checked before sending too: a pattern of more than 500 characters, named by its row.
  await sampling.fill('50');
  await include.getByRole('button', { name: 'Add pattern' }).click();
  await include.getByLabel('Include URLs: pattern 2').fill(`*/${'x'.repeat(520)}*`);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(include.getByLabel('Include URLs: pattern 2')).toHaveAttribute('aria-invalid', 'true');
  await expect(include.getByLabel('Include URLs: pattern 1')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(include.getByText('Pattern 2 has 523 characters; shorten it to 500 or fewer')).toBeVisible();
  await expect(form.getByRole('alert')).toHaveCount(0);
  await expect(sampling).not.toHaveAttribute('aria-invalid', 'true');
  await screenshotOf(form, 'script-options-error');

  // An invisible character pasted into a pattern is found before sending, with where it is; the
  // cursor goes to that row. Editing the list clears the error.
  await include.getByLabel('Include URLs: pattern 2').fill('');
  await include.getByRole('button', { name: 'Add pattern' }).click();
  await include.getByLabel('Include URLs: pattern 3').fill('*/bad\u0001name*');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(include.getByLabel('Include URLs: pattern 3')).toHaveAttribute('aria-invalid', 'true');
  await expect(include.getByLabel('Include URLs: pattern 3')).toBeFocused();
  await expect(include.getByLabel('Include URLs: pattern 1')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(include.getByText('Pattern 3 contains an invisible control character at position 6')).toBeVisible();
  await expect(page.getByTestId('toast').filter({ hasText: 'Script options saved.' })).toHaveCount(0);

  // Removing a row puts the cursor on the row that takes its place, or on "Add pattern".
  await include.getByRole('button', { name: 'Remove include urls pattern 3' }).click();
  await expect(include.getByText(/invisible control character/)).toHaveCount(0);
  await expect(include.getByLabel('Include URLs: pattern 2')).toBeFocused();
  await include.getByRole('button', { name: 'Remove include urls pattern 2' }).click();
  await expect(include.getByLabel('Include URLs: pattern 1')).toBeFocused();
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Script options saved.' })).toBeVisible();

  // The address tester applies the patterns as the script does.
  await form.getByLabel('Try an address').fill('https://shop.example/checkout/payment?step=2');
  await expect(form.getByRole('status').filter({ hasText: 'Not tracked' })).toContainText('*/checkout/payment*');
  await form.getByLabel('Try an address').fill('https://shop.example/shop/shoes');
  await expect(form.getByRole('status').filter({ hasText: 'Tracked' })).toContainText('*/shop/*');
  await expect(form.getByRole('status').filter({ hasText: 'Tracked' })).toContainText('for the 50 % of visitors in the sample');
  // The store's authorized domains decide first, as in the script.
  await form.getByLabel('Try an address').fill('https://elsewhere.example/shop/shoes');
  await expect(form.getByRole('status').filter({ hasText: 'Not tracked' })).toContainText(
    'elsewhere.example is not an authorized domain of the store',
  );
  await form.getByLabel('Try an address').fill('shop.example/shop');
  await expect(form.getByRole('status').filter({ hasText: 'Not tracked' })).toContainText('starting with https://');

  const settings = await storeSettings(page.context().request, starling);
  expect(settings.script_options).toEqual({ include_urls: ['*/shop/*'], exclude_urls: ['*/checkout/payment*'], sampling: 0.5 });
  const config = await page.context().request.get(`${starling.url}/collect/${token}/config`);
  expect(await config.json()).toMatchObject({ includeUrls: ['*/shop/*'], excludeUrls: ['*/checkout/payment*'], sampling: 0.5 });

  await page.reload();
  await expect(page.getByRole('form', { name: 'Script options' }).getByLabel('Sampling', { exact: true })).toHaveValue('50');
  await expect(page.getByLabel('Include URLs: pattern 1')).toHaveValue('*/shop/*');

  // Back to every page and every visitor, for the tests that follow.
  await page.getByRole('button', { name: 'Remove include urls pattern 1' }).click();
  await page.getByRole('button', { name: 'Remove exclude urls pattern 1' }).click();
  await page.getByRole('form', { name: 'Script options' }).getByLabel('Sampling', { exact: true }).fill('100');
  await page.getByRole('form', { name: 'Script options' }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Script options saved.' }).last()).toBeVisible();
  expect((await storeSettings(page.context().request, starling)).script_options).toEqual({
    include_urls: [],
    exclude_urls: [],
    sampling: 1,
  });
});

test('the contact list finds the identified contact; its sheet shows the cart and the timeline, then the abandoned cart', async ({
  page,
  request,
  starling,
}) => {
  await page.goto(`${starling.url}/contacts`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Contacts');
  const table = page.getByRole('table', { name: 'Contacts' });
  await page.getByRole('searchbox', { name: 'Search by email or customer ID' }).fill(email.slice(0, 12));
  await expect(page).toHaveURL(new RegExp(`[?&]q=${email.slice(0, 12)}`));
  const row = table.getByRole('row').filter({ hasText: email });
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(row).toContainText('Carla Ruiz');
  await expect(row).toContainText('Active');
  await expect(row.getByRole('cell').nth(2)).toHaveText('8'); // created, 2 page visits, product, cart, identified, login, search
  await screenshot(page, 'contacts-list');

  await row.getByRole('link', { name: email }).click();
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(email);
  const profile = page.getByRole('definition');
  await expect(profile).toContainText([email, 'Carla', 'Ruiz']);
  await expect(page.getByRole('list', { name: 'Trackers' }).getByRole('listitem')).toHaveCount(1);

  const cart = page.getByRole('region', { name: 'Current cart' });
  await expect(cart).toContainText('Active');
  const line = cart.getByRole('table', { name: 'Cart products' }).locator('tbody tr');
  await expect(line).toHaveCount(1);
  await expect(line).toContainText('Shoe');
  await expect(line.getByRole('cell').nth(1)).toHaveText('2');
  await expect(cart.getByTestId('cart-total')).toHaveText(/59\.80/);

  const timeline = page.getByRole('list', { name: 'Activity timeline' });
  const activity = (type: string) => timeline.locator(`[data-testid="activity"][data-type="${type}"]`);
  await expect(timeline.getByTestId('activity')).toHaveCount(8);
  await expect(timeline.getByTestId('activity').first()).toHaveAttribute('data-type', 'search');
  await expect(activity('entity-created')).toContainText('Contact created (anonymous)');
  await expect(activity('entity-identified')).toContainText(`Identified as ${email}`);
  await expect(activity('page-visit').last()).toContainText(`Visited “Shoe” (${SHOP_ORIGIN}/p/shoe-1)`);
  await expect(activity('product-visited')).toContainText(/Viewed product Shoe \(.*29\.90.*\)/);
  await expect(activity('cart-product-added')).toContainText('Added 2 × Shoe to cart');
  await expect(activity('login')).toContainText('Signed in');
  await activity('cart-product-added').getByText('Show data').click();
  await expect(activity('cart-product-added').getByTestId('raw-data')).toContainText('"quantity": 2');

  // The type filter keeps one event type.
  await page.getByLabel('Activity type').selectOption({ label: 'Page visit' });
  await expect(timeline.getByTestId('activity')).toHaveCount(2);
  await expect(timeline.locator('[data-testid="activity"]:not([data-type="page-visit"])')).toHaveCount(0);
  await page.getByLabel('Activity type').selectOption({ label: 'All activity types' });
  await expect(timeline.getByTestId('activity')).toHaveCount(8);
  await screenshot(page, 'contact-sheet');

  // Past the store's abandonment delay, the cart is abandoned.
  const delay = (await storeSettings(page.context().request, starling)).ecommerce.cart_abandonment_minutes;
  await advanceClock(request, starling, (delay + 1) * 60);
  await expect
    .poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return activity('cart-abandoned').count();
    })
    .toBe(1);
  await expect(activity('cart-abandoned')).toContainText(/Cart abandoned: 2 products, .*59\.80/);
  await expect(cart).toContainText('Abandoned');
  await screenshot(page, 'contact-cart-abandoned');

  // The live stream says Starling did it.
  await page.goto(`${starling.url}/settings/channels`);
  const newest = page.getByTestId('live-entry').first();
  await expect(newest).toContainText('Starling');
  await expect(newest.getByRole('listitem')).toHaveText(['cart-abandoned']);
  await expect(newest.locator('time')).toHaveCount(1);
});

test('an anonymous visitor who signs in as a known customer is merged into that contact', async ({
  page,
  request,
  starling,
}) => {
  // Another browser: anonymous at first, then signing in with the same email.
  const visit = await collect(request, starling, token, { events: [{ type: 'page-visit' }, { type: 'product-visited', product: shoe }] });
  await collect(request, starling, token, {
    entityInfo: { trackerId: visit.trackerId, primaryKey: email },
    events: [{ type: 'login' }],
  });

  await page.goto(`${starling.url}/contacts?q=${encodeURIComponent(email)}`);
  await page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: email }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(email);
  const carlaUrl = page.url();
  await expect(page.getByRole('list', { name: 'Trackers' }).getByRole('listitem')).toHaveCount(2);
  const merged = page.getByRole('list', { name: 'Activity timeline' }).locator('[data-testid="activity"][data-type="entity-merged"]');
  await expect(merged).toContainText(/Merged anonymous contact #\d+ into this contact/);

  // The merged contact's sheet says where its history went.
  await merged.getByRole('link', { name: /^Anonymous contact #\d+$/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Anonymous #\d+$/);
  const notice = page.getByRole('status').filter({ hasText: 'Merged into contact #' });
  await expect(notice).toBeVisible();
  await expect(page.getByText('Its activity moved to the contact it was merged into.')).toBeVisible();
  await screenshot(page, 'merged-contact');
  await notice.getByRole('link', { name: /^Open contact #\d+$/ }).click();
  await expect(page).toHaveURL(carlaUrl);
});

test('long lists load more with the cursor: contacts and a timeline', async ({ page, request, starling }) => {
  // 55 anonymous visitors, and one of them with 40 page visits in one request.
  let busy = '';
  for (let i = 0; i < 55; i += 1) {
    const answer = await collect(request, starling, token, { events: [{ type: 'page-visit' }] }, null);
    busy = answer.trackerId ?? '';
  }
  await collect(request, starling, token, {
    entityInfo: { trackerId: busy },
    events: Array.from({ length: 40 }, (_, i) => ({ type: 'page-visit', pageInfo: { title: `Page ${i}` } })),
  });
  const all = await page.context().request.get(`${starling.url}/api/v1/stores/${starling.seed.store.id}/contacts?limit=200`);
  const total = ((await all.json()) as { contacts: unknown[] }).contacts.length;
  expect(total).toBeGreaterThan(55);

  await page.goto(`${starling.url}/contacts`);
  const rows = page.getByRole('table', { name: 'Contacts' }).locator('tbody tr');
  await expect(rows).toHaveCount(50);
  // From the keyboard: the focus goes to the first contact loaded (the button goes away on the last page).
  await page.getByRole('button', { name: 'Load more' }).focus();
  await page.keyboard.press('Enter');
  await expect(rows).toHaveCount(total);
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  await expect(rows.nth(50).getByRole('link')).toBeFocused();
  await expect(page.getByText(`That is all ${total} contacts.`)).toBeVisible();

  // The newest contact is the busy visitor: created, a first visit and 40 more; 30 activities a page.
  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Anonymous #\d+$/);
  const items = page.getByRole('list', { name: 'Activity timeline' }).getByTestId('activity');
  await expect(items).toHaveCount(30);
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(items).toHaveCount(42);
  await expect(page.getByRole('list', { name: 'Activity timeline' }).locator('> li').nth(30)).toBeFocused();
  await expect(items.last()).toHaveAttribute('data-type', 'entity-created');
  await expect(page.getByText('That is the beginning of this contact’s history.')).toBeVisible();
});

test('a marketer opens Contacts and contact sheets, but not the Channels tab', async ({ page, newContext, starling }) => {
  // An administrator invites a marketer (API), who accepts in another browser.
  const admin = page.context().request;
  const session = (await (await admin.get(`${starling.url}/api/v1/session`)).json()) as { csrf_token: string };
  const marketerEmail = `mia-${Date.now()}@shop.example`;
  const invited = await admin.post(`${starling.url}/api/v1/stores/${starling.seed.store.id}/members`, {
    headers: { 'X-CSRF-Token': session.csrf_token },
    data: { email: marketerEmail, role: 'marketer' },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const link = ((await invited.json()) as { invitation_url: string }).invitation_url;
  const theirs = await newContext();
  const accepted = await theirs.request.post(`${starling.url}/api/v1/invitations/${link.split('/').pop() ?? ''}/accept`, {
    data: { password: 'mia-password-1', name: 'Mia Marketer' },
  });
  expect(accepted.status(), await accepted.text()).toBe(200);

  const marketer = await theirs.newPage();
  await marketer.goto(`${starling.url}/contacts?q=${encodeURIComponent(email)}`);
  await expect(marketer.getByRole('heading', { level: 1 })).toHaveText('Contacts');
  const nav = marketer.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Store settings' })).toHaveCount(0);
  await marketer.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: email }).click();
  await expect(marketer.getByRole('heading', { level: 1 })).toHaveText(email);
  await expect(marketer.getByRole('list', { name: 'Activity timeline' }).getByTestId('activity').first()).toBeVisible();
  await screenshot(marketer, 'marketer-contact-sheet');

  await marketer.goto(`${starling.url}/settings/channels`);
  await expect(marketer.getByText('Only administrators can see store settings')).toBeVisible();
  await expect(marketer.getByRole('heading', { name: 'Web', exact: true })).toHaveCount(0);
  const api = await theirs.request.get(`${starling.url}/api/v1/stores/${starling.seed.store.id}/integration`);
  expect(api.status()).toBe(403);
  const live = await theirs.request.get(`${starling.url}/api/v1/stores/${starling.seed.store.id}/integration/events`);
  expect(live.status()).toBe(403);
});

// The snippet as the UI shows it, pasted into a shop page: the real script (`sdk/dist`, built with
// `npm run build` in sdk/) reads the page's tags and its request shows up in the live view. The shop is
// played by Playwright at a path of the server's own host (Chromium keeps other pages from loading scripts
// from a loopback address), which is authorized for the test.
test('the snippet pasted into a shop page sends its events, which the live view shows', async ({
  page,
  newContext,
  starling,
}) => {
  test.skip(!existsSync(path.join(repoRoot, 'sdk', 'dist', 'starling.js')), 'the tracking script is not built (sdk/: npm run build)');
  const admin = page.context().request;
  const domains = (await storeSettings(admin, starling)).authorized_domains;
  await patchSettings(admin, starling, { authorized_domains: [...domains, '127.0.0.1'] });
  try {
    await page.goto(`${starling.url}/settings/channels`);
    const snippet = ((await page.getByTestId('tracking-snippet').textContent()) ?? '').trim();
    expect(snippet).toMatch(/^<script src=".*\/sdk\/starling\.js" data-token="\S+" async><\/script>$/);
    const rows = page.getByTestId('live-entry');
    await expect(page.getByTestId('live-state')).toHaveText('Live');
    const before = await rows.count();

    const visitor = await (await newContext()).newPage();
    const shop = `${starling.url}/e2e-shop`;
    await visitor.route(`${shop}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html><head><title>Hat</title>${snippet}</head><body><h1>Hat</h1>
          <div class="cn_product_visited" style="display:none">
            <span class="product_id">hat-1</span><span class="name">Hat</span>
            <span class="url">${shop}/p/hat-1</span><span class="unit_price">12.5</span>
          </div></body></html>`,
      }),
    );
    await visitor.goto(`${shop}/p/hat-1`);
    await expect
      .poll(() => visitor.evaluate('typeof window.starling === "object" ? window.starling.getTrackerId() : "no script"'))
      .toMatch(/^\w{10,}$/);

    await expect(rows).toHaveCount(before + 1);
    await expect(rows.first().getByRole('listitem')).toHaveText(['entity-created', 'page-visit', 'product-visited']);
    await expect(rows.first()).toContainText('Stored');
    await expect(checklistItem(page, 'product_visit')).toContainText(/Viewed product Hat \(.*12\.50.*\)/);
    await screenshot(page, 'channels-web-live');
  } finally {
    await patchSettings(admin, starling, { authorized_domains: domains });
  }
});

test('a server-side Segment cart line without url or price shows on the contact sheet', async ({ page, request, starling }) => {
  const buyer = `segment-${Date.now()}@shop.example`;
  const answer = await request.post(`${starling.url}/v1/track`, {
    headers: { Authorization: `Basic ${Buffer.from(`${token}:`).toString('base64')}` },
    data: { userId: buyer, event: 'Product Added', properties: { cart_id: 'c-seg', product_id: 'teapot-1', name: 'Teapot' } },
  });
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toEqual({ success: true, errors: [] });

  await page.goto(`${starling.url}/contacts`);
  await page.getByRole('searchbox', { name: 'Search by email or customer ID' }).fill(buyer);
  await page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: buyer }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(buyer);
  const line = page.getByRole('region', { name: 'Current cart' }).getByRole('table', { name: 'Cart products' }).locator('tbody tr');
  await expect(line).toHaveCount(1);
  await expect(line).toContainText('Teapot');
  await expect(line.getByRole('link')).toHaveCount(0); // no url to link to
  const timeline = page.getByRole('list', { name: 'Activity timeline' });
  await expect(timeline.locator('[data-testid="activity"][data-type="cart-product-added"]')).toContainText('Added 1 × Teapot to cart');
});

test("a browser's push subscription shows on its contact's sheet, by push service", async ({ page, request, starling }) => {
  const subscriber = `push-${Date.now()}@shop.example`;
  const answer = await collect(request, starling, token, {
    entityInfo: { primaryKey: subscriber },
    pushSubscription: {
      endpoint: `https://fcm.googleapis.com/fcm/send/e2e-${Date.now()}`,
      expirationTime: null,
      keys: {
        p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
        auth: 'tBHItJI5svbpez7KI4CCXg',
      },
    },
    events: [{ type: 'page-visit' }],
  });
  expect(answer.status).toBe(200);
  expect(answer.errors).toEqual([]);

  await page.goto(`${starling.url}/contacts`);
  await page.getByRole('searchbox', { name: 'Search by email or customer ID' }).fill(subscriber);
  await page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: subscriber }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(subscriber);
  const subscriptions = page.getByRole('list', { name: 'Push subscriptions' }).getByRole('listitem');
  await expect(subscriptions).toHaveCount(1);
  await expect(subscriptions).toContainText('fcm.googleapis.com');
  await expect(subscriptions).not.toContainText('/fcm/send/'); // the endpoint is a secret: never shown
  const timeline = page.getByRole('list', { name: 'Activity timeline' });
  await expect(timeline.locator('[data-testid="activity"][data-type="push-subscribed"]')).toHaveCount(1);
});

test('requests from known bots are answered but not stored, and counted in the integration check', async ({ page, request, starling }) => {
  const response = await request.post(`${starling.url}/collect/${token}`, {
    headers: {
      'Content-Type': 'text/plain;charset=UTF-8',
      Origin: SHOP_ORIGIN,
      'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    },
    data: JSON.stringify({ events: [{ type: 'page-visit' }] }),
  });
  expect(response.status()).toBe(200);
  await page.goto(`${starling.url}/settings/channels`);
  const summary = page.getByTestId('dropped-summary');
  await expect(summary).toContainText('Answered but not stored since the server started');
  await expect(summary).toContainText(/[1-9]\d* requests? from known bots/);
  const dropped = page.getByTestId('live-entry').filter({ hasText: 'dropped: known bot' });
  await expect(dropped.first()).toBeVisible();
});

test('the checklist flags a login and a purchase from a visitor left anonymous, until the visitor is identified', async ({
  page,
  request,
  starling,
}) => {
  await page.goto(`${starling.url}/settings/channels`);
  const login = checklistItem(page, 'login_register');
  const purchase = checklistItem(page, 'purchase');
  // A shop that marks the sign-in but forgets the customer's email: the login identifies no one.
  const anonymous = await collect(request, starling, token, { events: [{ type: 'page-visit' }, { type: 'login' }] });
  expect(anonymous.status).toBe(200);
  const tracker = anonymous.trackerId ?? '';
  await collect(request, starling, token, {
    entityInfo: { trackerId: tracker },
    events: [{ type: 'purchase', purchase: { purchaseId: `anon-${Date.now()}`, products: [{ ...shoe, quantity: 1, price: 29.9 }] } }],
  });
  const loginWarning = login.getByRole('status').filter({ hasText: 'Check this example' });
  await expect(loginWarning).toContainText('could not identify');
  await expect(loginWarning.locator('code', { hasText: 'cn_client_info' })).toHaveCount(1);
  await expect(login.getByTestId('activity-contact')).toHaveText(/^Anonymous #\d+$/);
  await expect(login).toContainText('Needs a look');
  await expect(page.getByText(/event types seen, 2 need a look/)).toBeVisible();
  await expect(purchase.getByRole('status').filter({ hasText: 'Check this example' })).toContainText('tied to no customer');
  await screenshotOf(login, 'checklist-anonymous-login');

  // Once the same browser signs in with an email, the examples belong to an identified customer.
  const later = `late-${Date.now()}@shop.example`;
  await collect(request, starling, token, { entityInfo: { trackerId: tracker, primaryKey: later }, events: [{ type: 'page-visit' }] });
  await page.getByRole('button', { name: 'Refresh' }).first().click();
  await expect(login.getByTestId('activity-contact')).toHaveText(later);
  await expect(login.getByRole('status')).toHaveCount(0);
  await expect(purchase.getByRole('status')).toHaveCount(0);

  // A purchase by a customer the shop knows by its own user id (Segment's userId), without email, is fine
  // too; the customer is named by that id, in the checklist and in the live view.
  const userId = `cust-${Date.now()}`;
  const order = await request.post(`${starling.url}/v1/track`, {
    headers: { Authorization: `Basic ${Buffer.from(`${token}:`).toString('base64')}` },
    data: { userId, event: 'Order Completed', properties: { order_id: `seg-${Date.now()}`, total: 10 } },
  });
  expect(order.status()).toBe(200);
  await page.getByRole('button', { name: 'Refresh' }).first().click();
  await expect(purchase.getByTestId('activity-contact')).toHaveText(`Customer ${userId}`);
  await expect(purchase.getByRole('status')).toHaveCount(0);
  await expect(page.getByTestId('live-entry').first().getByTestId('live-contact')).toHaveText(`Customer ${userId}`);
  // Contacts finds the customer by that id.
  await page.goto(`${starling.url}/contacts`);
  // Typed as the list names it, too; the sheet says what it is known by.
  await page.getByRole('searchbox', { name: 'Search by email or customer ID' }).fill(`Customer ${userId}`);
  await expect(page.getByRole('link', { name: `Customer ${userId}` })).toBeVisible();
  await expect(page.getByText('That is the only contact whose email or customer ID contains')).toBeVisible();
  await page.getByRole('link', { name: `Customer ${userId}` }).click();
  await expect(page.getByText(`None (known by customer ID ${userId})`)).toBeVisible();
  await expect(page.getByText(`Contact created for customer ID ${userId}`)).toBeVisible();
});

test('a Segment call retried with its messageId shows once as stored, then as a duplicate', async ({ page, request, starling }) => {
  await page.goto(`${starling.url}/settings/channels`);
  await expect(page.getByTestId('live-state')).toHaveText('Live');
  const messageId = `e2e-${Date.now()}`;
  for (let i = 0; i < 2; i++) {
    const response = await request.post(`${starling.url}/v1/track`, {
      headers: { Authorization: `Basic ${Buffer.from(`${token}:`).toString('base64')}` },
      data: { userId: 'retrier@shop.example', event: 'Quote Requested', messageId, properties: { amount: 120 } },
    });
    expect(response.status()).toBe(200);
  }
  const rows = page.getByTestId('live-entry');
  const duplicate = rows.filter({ hasText: messageId });
  await expect(duplicate).toHaveCount(1);
  await expect(duplicate).toContainText('Duplicate');
  await expect(duplicate).toContainText('this retry is not stored again');
  await expect(duplicate.locator('code', { hasText: messageId })).toHaveCount(1);
  await expect(rows.first()).toContainText(messageId);
  await expect(rows.nth(1).getByRole('listitem')).toHaveText(['entity-created', 'custom']);
  // A retry is not a problem of the integration.
  await page.getByRole('group', { name: 'Requests shown' }).getByRole('button', { name: 'With problems' }).click();
  await expect(page.getByTestId('live-entry').filter({ hasText: messageId })).toHaveCount(0);
});

test('a request refused for its origin offers to authorize that origin', async ({ page, request, starling }) => {
  const before = (await storeSettings(page.context().request, starling)).authorized_domains;
  await page.goto(`${starling.url}/settings/channels`);
  await expect(page.getByTestId('live-state')).toHaveText('Live');
  const refused = await collect(request, starling, token, { events: [{ type: 'page-visit' }] }, 'https://second-shop.example:8443');
  expect(refused.status).toBe(403);
  const row = page.getByTestId('live-entry').filter({ hasText: 'second-shop.example' }).first();
  await row.getByRole('button', { name: 'Authorize second-shop.example:8443' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'second-shop.example:8443 authorized' })).toBeVisible();
  await expect(row.getByRole('button', { name: /^Authorize/ })).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Authorized domains' })).toContainText('second-shop.example:8443');
  const accepted = await collect(request, starling, token, { events: [{ type: 'page-visit' }] }, 'https://second-shop.example:8443');
  expect(accepted.status).toBe(200);
  // As before, for the tests that follow.
  await patchSettings(page.context().request, starling, { authorized_domains: before });
});
