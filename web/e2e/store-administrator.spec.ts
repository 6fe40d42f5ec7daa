import { apiKeyHeader, callWithKey, signIn } from './support/auth';
import { expect, test } from './support/fixtures';
import { screenshot } from './support/screenshots';

// The store administrator and the organization administrator, driven by the seed administrator (owner
// of "Demo organization", hence administrator of "Demo store") against the real server. The tests run
// in order and build on each other; the store is created last so that "Demo store" stays current before.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browserContext, starling }) => {
  await signIn(browserContext, starling);
});

test.afterEach(async ({ problems }) => {
  expect(problems.pageErrors, 'uncaught page errors').toEqual([]);
});

test('store details and eCommerce settings save; the API’s field errors show beside the field', async ({
  page,
  starling,
}) => {
  await page.goto(`${starling.url}/settings`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Store settings');
  const tabs = page.getByRole('navigation', { name: 'Store settings' });
  await expect(tabs.getByRole('link')).toHaveText([
    'General settings',
    'Channels',
    'Integrations',
    'API and IP access',
    'Billing',
    'Activity',
  ]);
  await expect(tabs.getByRole('link', { name: 'General settings' })).toHaveAttribute('aria-current', 'page');

  const details = page.getByRole('form', { name: 'Store details' });
  await expect(details.getByLabel('Store name')).toHaveValue('Demo store');
  await expect(details.getByLabel('Site URL')).toHaveValue('https://shop.example');
  await details.getByLabel('Legal information').fill('Demo Shop SL, VAT ES-B12345678');
  await details.getByLabel('City').fill('Madrid');
  await details.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Store details saved.' })).toBeVisible();

  const ecommerce = page.getByRole('form', { name: 'eCommerce' });
  const delay = ecommerce.getByLabel('Cart abandonment delay');
  await expect(delay).toHaveValue('30');
  await ecommerce.getByRole('radio', { name: /API/ }).check();
  await delay.fill('3');
  await ecommerce.getByRole('button', { name: 'Save' }).click();
  // Out of range (5 … 10080): the server's message lands under the input, not in a banner.
  await expect(delay).toHaveAttribute('aria-invalid', 'true');
  const delayError = page.locator(`#${await delay.getAttribute('aria-describedby').then((ids) => ids?.split(' ')[0])}`);
  await expect(delayError).toBeVisible();
  await expect(delayError).not.toHaveText('');
  await expect(ecommerce.getByRole('alert')).toHaveCount(0);

  await delay.fill('45');
  await ecommerce.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'eCommerce settings saved.' })).toBeVisible();
  await expect(delay).not.toHaveAttribute('aria-invalid', 'true');

  await page.reload();
  await expect(page.getByRole('form', { name: 'eCommerce' }).getByLabel('Cart abandonment delay')).toHaveValue('45');
  await expect(page.getByRole('form', { name: 'eCommerce' }).getByRole('radio', { name: /API/ })).toBeChecked();
  await expect(page.getByRole('form', { name: 'Store details' }).getByLabel('City')).toHaveValue('Madrid');
  await screenshot(page, 'store-settings-general');
});

test('authorized domains are added and removed; the tracking token rotates after confirmation', async ({
  page,
  starling,
}) => {
  // Both live in Channels › Web, with the rest of the tracking set-up.
  await page.goto(`${starling.url}/settings/channels`);
  const domains = page.getByRole('form', { name: 'Add authorized domain' });
  await domains.getByLabel('Add a domain').fill('https://WWW.Shop.example/checkout');
  await domains.getByRole('button', { name: 'Add domain' }).click();
  const list = page.getByRole('list', { name: 'Authorized domains' });
  await expect(list.getByText('www.shop.example', { exact: true })).toBeVisible();

  const token = page.getByTestId('tracking-token');
  const before = (await token.textContent()) ?? '';
  expect(before).toBe(starling.seed.store.trackingToken);
  await page.getByRole('button', { name: 'Rotate', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Rotate the tracking token?' });
  await confirm.getByRole('button', { name: 'Rotate token' }).click();
  await expect(confirm).toBeHidden();
  await expect(token).not.toHaveText(before);

  await list.getByRole('button', { name: 'Remove www.shop.example' }).click();
  await expect(list.getByText('www.shop.example', { exact: true })).toHaveCount(0);
});

test('an administrator invites a marketer, who joins with the link and cannot see store settings', async ({
  page,
  newContext,
  starling,
}) => {
  const email = `bo-${Date.now()}@shop.example`;
  await page.goto(`${starling.url}/settings`);
  const members = page.getByRole('region', { name: 'Member management' });
  await members.getByRole('button', { name: 'Add new member' }).click();

  const dialog = page.getByRole('dialog', { name: 'Add new member' });
  await dialog.getByLabel('Email').fill(email);
  await expect(dialog.getByRole('radio', { name: /Marketer/ })).toBeChecked();
  await dialog.getByRole('button', { name: 'Accept' }).click();

  const created = page.getByRole('dialog', { name: 'Invitation created' });
  const link = ((await created.getByTestId('invitation-link').textContent()) ?? '').trim();
  expect(link).toMatch(new RegExp(`^${starling.url}/invitations/\\S+$`));
  await screenshot(page, 'member-invited', false);
  await created.getByRole('button', { name: 'Done' }).click();
  const invitedRow = members.getByRole('row').filter({ hasText: email });
  await expect(invitedRow).toContainText('Invited');
  await expect(invitedRow.getByRole('button', { name: `Copy invitation link for ${email}` })).toBeVisible();

  // The invited person, on another device.
  const theirs = await newContext();
  const invitation = await theirs.newPage();
  await invitation.goto(link);
  await expect(invitation.getByRole('heading', { name: 'Join Demo store' })).toBeVisible();
  const facts = invitation.getByRole('definition');
  await expect(facts).toContainText(['Demo store', 'Demo organization', 'Marketer', email, starling.seed.admin.email]);
  await screenshot(invitation, 'invitation');
  await invitation.getByLabel('Your name').fill('Bo Marketer');
  await invitation.getByLabel('Password', { exact: true }).fill('bo-password-1');
  await invitation.getByLabel('Confirm password').fill('bo-password-1');
  await invitation.getByRole('button', { name: 'Create account and join' }).click();

  await expect(invitation).toHaveURL(`${starling.url}/`);
  await expect(invitation.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  await expect(invitation.getByRole('button', { name: /Account menu for Bo Marketer/ })).toBeVisible();
  await expect(invitation.getByRole('button', { name: /Demo organization › Demo store/ })).toBeVisible();
  const nav = invitation.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Contacts' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Store settings' })).toHaveCount(0);

  await invitation.goto(`${starling.url}/settings`);
  await expect(invitation.getByText('Only administrators can see store settings')).toBeVisible();
  await expect(invitation.getByRole('form', { name: 'Store details' })).toHaveCount(0);
  await screenshot(invitation, 'marketer-store-settings');
  await invitation.getByRole('button', { name: /switch organization or store/ }).click();
  await expect(invitation.getByRole('button', { name: 'Configuration of Demo store' })).toHaveCount(0);
  const settingsAsMarketer = await theirs.request.get(`${starling.url}/api/v1/stores/${starling.seed.store.id}/settings`);
  expect(settingsAsMarketer.status()).toBe(403);

  // Back on the administrator's screen, the invitation has become a member.
  await page.reload();
  const memberRow = members.getByRole('row').filter({ hasText: email });
  await expect(memberRow).toContainText('Bo Marketer');
  await expect(memberRow).toContainText('Active');

  // Promoted from the role drop-down, the member now sees the store settings.
  await memberRow.getByRole('combobox', { name: `Role of ${email}` }).selectOption('administrator');
  await expect(page.getByTestId('toast').filter({ hasText: 'Bo Marketer is now Administrator.' })).toBeVisible();
  await invitation.goto(`${starling.url}/settings`);
  await expect(invitation.getByRole('form', { name: 'Store details' })).toBeVisible();
  await expect(invitation.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Store settings' })).toBeVisible();

  // And removed, after a confirmation.
  await memberRow.getByRole('button', { name: `Remove ${email}` }).click();
  await page.getByRole('dialog', { name: 'Remove member?' }).getByRole('button', { name: 'Remove member' }).click();
  await expect(members.getByRole('row').filter({ hasText: email })).toHaveCount(0);
});

test('an API key calls the API until it is revoked in the UI', async ({ page, request, starling }) => {
  const storeId = starling.seed.store.id;
  await page.goto(`${starling.url}/settings/api-access`);
  await expect(page.getByRole('navigation', { name: 'Store settings' }).getByRole('link', { name: 'API and IP access' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  const keys = page.getByRole('region', { name: 'API keys' });
  await keys.getByRole('button', { name: 'Create new API key' }).click();

  const dialog = page.getByRole('dialog', { name: 'Create new API key' });
  await dialog.getByRole('button', { name: 'Create API key' }).click();
  await expect(dialog.getByText('Name the key after the system that will use it.')).toBeVisible();
  await expect(dialog.getByText('Choose at least one permission.')).toBeVisible();
  await dialog.getByLabel('Name', { exact: true }).fill('ERP sync');
  await dialog.getByLabel('Contacts: write').check();
  await expect(dialog.getByLabel('Contacts: read')).toBeChecked();
  await dialog.getByLabel('All — every resource, read and write').check();
  await expect(dialog.getByLabel('Products: write')).toBeChecked();
  await dialog.getByRole('button', { name: 'Create API key' }).click();

  const secret = page.getByRole('dialog', { name: 'API key “ERP sync” created' });
  const authorization = apiKeyHeader((await secret.getByTestId('api-key-header').textContent()) ?? '');
  await screenshot(page, 'api-key-created', false);

  const me = await callWithKey(request, `${starling.url}/api/v1/me`, authorization);
  expect(me.status, JSON.stringify(me.body)).toBe(200);
  expect(me.body).toMatchObject({ type: 'api_key', name: 'ERP sync', store: { id: storeId, name: 'Demo store' } });
  expect((me.body as { scopes: string[] }).scopes).toEqual(expect.arrayContaining(['contacts:read', 'workflows:write']));
  expect(me.headers['x-ratelimit-limit']).toBeDefined();
  const store = await callWithKey(request, `${starling.url}/api/v1/stores/${storeId}`, authorization);
  expect(store.status, JSON.stringify(store.body)).toBe(200);
  expect(store.body).toMatchObject({ id: storeId, name: 'Demo store' });

  await secret.getByRole('button', { name: 'I have copied the secret' }).click();
  const row = keys.getByRole('row').filter({ hasText: 'ERP sync' });
  await expect(row).toContainText('All resources · read & write');
  await expect(row).toContainText(starling.seed.admin.email);
  await expect(row).toContainText('Active');
  await row.getByRole('button', { name: 'Revoke API key ERP sync' }).click();
  await page.getByRole('dialog', { name: 'Revoke API key?' }).getByRole('button', { name: 'Revoke key' }).click();
  await expect(row).toContainText('Revoked');
  await expect(row.getByRole('button', { name: /Revoke/ })).toHaveCount(0);

  expect((await callWithKey(request, `${starling.url}/api/v1/me`, authorization)).status).toBe(401);
  expect((await callWithKey(request, `${starling.url}/api/v1/stores/${storeId}`, authorization)).status).toBe(401);
});

test('excluded IPs: an invalid range is refused beside the field, a valid one is listed', async ({ page, starling }) => {
  await page.goto(`${starling.url}/settings/api-access`);
  const panel = page.getByRole('region', { name: 'Excluded IPs' });
  await panel.getByRole('button', { name: 'Add an IP to exclude' }).click();

  const dialog = page.getByRole('dialog', { name: 'Add an IP to exclude' });
  const ip = dialog.getByLabel('IP address or range');
  await ip.fill('10.0.0.1/8');
  await dialog.getByLabel('Label').fill('Office VPN');
  await dialog.getByRole('button', { name: 'Add IP' }).click();
  await expect(ip).toHaveAttribute('aria-invalid', 'true');
  const error = dialog.locator(`#${await ip.getAttribute('aria-describedby').then((ids) => ids?.split(' ')[0])}`);
  await expect(error).toBeVisible();
  await expect(error).not.toHaveText('');
  await screenshot(page, 'excluded-ip-error', false);

  await ip.fill('10.0.0.0/8');
  await dialog.getByRole('button', { name: 'Add IP' }).click();
  await expect(dialog).toBeHidden();
  const row = panel.getByRole('row').filter({ hasText: '10.0.0.0/8' });
  await expect(row).toContainText('Office VPN');
  await expect(row).toContainText(starling.seed.admin.email);

  // Twice the same range: a conflict, also shown beside the field.
  await panel.getByRole('button', { name: 'Add an IP to exclude' }).click();
  await dialog.getByLabel('IP address or range').fill('10.0.0.0/8');
  await dialog.getByRole('button', { name: 'Add IP' }).click();
  await expect(dialog.getByLabel('IP address or range')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await panel.getByRole('button', { name: 'Add an IP to exclude' }).click();
  await dialog.getByLabel('IP address or range').fill('2001:db8::/32');
  await dialog.getByRole('button', { name: 'Add IP' }).click();
  await expect(panel.getByRole('row').filter({ hasText: '2001:db8::/32' })).toBeVisible();
  await panel.getByRole('button', { name: 'Remove 2001:db8::/32' }).click();
  await page.getByRole('dialog', { name: 'Stop excluding this IP?' }).getByRole('button', { name: 'Remove' }).click();
  await expect(panel.getByRole('row').filter({ hasText: '2001:db8::/32' })).toHaveCount(0);
  await screenshot(page, 'api-and-ip-access');
});

test('the activity log says who did what', async ({ page, starling }) => {
  await page.goto(`${starling.url}/settings/activity`);
  const log = page.getByRole('table', { name: 'Activity' });
  for (const what of ['Created an API key', 'Revoked an API key', 'Invited a member', 'Excluded an IP', 'Changed store settings']) {
    await expect(log.getByRole('row').filter({ hasText: what }).first()).toBeVisible();
  }
  await expect(log.getByRole('row').filter({ hasText: 'Created an API key' }).first()).toContainText(starling.seed.admin.email);
  await screenshot(page, 'store-activity');
});

test('the other tabs say what each section will hold', async ({ page, starling }) => {
  await page.goto(`${starling.url}/settings`);
  const tabs = page.getByRole('navigation', { name: 'Store settings' });
  const expected: Record<string, string[]> = {
    // Web is built (see tracking.spec.ts); the other channels say what they will hold.
    Channels: ['Web', 'Email', 'Web push', 'SMS'],
    Integrations: ['Ads and audiences', 'ERPs and CRMs', 'Custom integrations'],
    Billing: ['Billing and payment', 'Subscription'],
  };
  for (const [tab, sections] of Object.entries(expected)) {
    await tabs.getByRole('link', { name: tab }).click();
    await expect(page.getByRole('heading', { level: 2 })).toHaveText(sections);
  }
});

test('an organization owner creates a store from the organization administrator', async ({ page, starling }) => {
  await page.goto(`${starling.url}/`);
  await page.getByRole('button', { name: /switch organization or store/ }).click();
  await page.getByRole('link', { name: 'Organization settings' }).click();
  await expect(page).toHaveURL(`${starling.url}/organizations/${starling.seed.organization.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo organization');

  const tabs = page.getByRole('navigation', { name: 'Organization settings' });
  await tabs.getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('row').filter({ hasText: starling.seed.admin.email })).toContainText('Owner');

  await tabs.getByRole('link', { name: 'Stores' }).click();
  await page.getByRole('region', { name: 'Stores' }).getByRole('button', { name: 'Create store' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create store' });
  await dialog.getByLabel('Store name').fill('Outlet store');
  await dialog.getByLabel('Site URL').fill('https://outlet.shop.example');
  await dialog.getByRole('combobox', { name: 'Time zone' }).fill('paris');
  await dialog.getByRole('option', { name: /Europe\/Paris/ }).click();
  await dialog.getByRole('combobox', { name: 'Currency' }).fill('usd');
  await page.keyboard.press('Enter');
  await screenshot(page, 'create-store', false);
  await dialog.getByRole('button', { name: 'Create store' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByRole('row').filter({ hasText: 'Outlet store' })).toContainText('https://outlet.shop.example');
  await expect(page.getByRole('button', { name: /Demo organization › Outlet store/ })).toBeVisible();
  await screenshot(page, 'organization-stores');

  // The new store is the current one, with what was chosen at creation.
  await page.getByRole('button', { name: /switch organization or store/ }).click();
  const selector = page.getByRole('group', { name: 'Organizations and stores' });
  await selector.getByRole('button', { name: 'Configuration of Outlet store' }).click();
  await expect(page).toHaveURL(`${starling.url}/settings`);
  const details = page.getByRole('form', { name: 'Store details' });
  await expect(details.getByLabel('Store name')).toHaveValue('Outlet store');
  await expect(details.getByRole('combobox', { name: 'Time zone' })).toHaveValue('Europe/Paris');
  await expect(page.getByRole('form', { name: 'eCommerce' }).getByRole('combobox', { name: 'Currency' })).toHaveValue('USD');

  // Switching back from the selector; the choice survives a reload.
  await page.getByRole('button', { name: /switch organization or store/ }).click();
  await selector.getByRole('button', { name: /^Demo store/ }).click();
  await expect(page.getByRole('form', { name: 'Store details' }).getByLabel('Store name')).toHaveValue('Demo store');
  await page.reload();
  await expect(page.getByRole('button', { name: /Demo organization › Demo store/ })).toBeVisible();
});
