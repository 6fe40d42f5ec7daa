import { expect, test } from './support/fixtures';
import { signInWithForm } from './support/auth';
import { screenshot } from './support/screenshots';

// Signing in and out, and the password reset pages, each in a browser context of its own.

test('a signed-out visitor is sent to sign in, then back to the page they asked for', async ({ newContext, starling }) => {
  const page = await (await newContext()).newPage();
  await page.goto(`${starling.url}/contacts?view=all`);
  await expect(page).toHaveURL(`${starling.url}/login?next=${encodeURIComponent('/contacts?view=all')}`);
  await expect(page.getByRole('heading', { name: 'Sign in to Starling' })).toBeVisible();
  await expect(page).toHaveTitle('Sign in to Starling · Starling');
  await screenshot(page, 'login');

  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Enter the email address of your account.')).toBeVisible();

  await signInWithForm(page, { email: starling.seed.admin.email, password: 'not the password' });
  await expect(page.getByRole('alert')).toContainText(/wrong email or password/i);
  await expect(page).toHaveURL(/\/login/);

  await signInWithForm(page, starling.seed.admin);
  await expect(page).toHaveURL(`${starling.url}/contacts?view=all`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Contacts');
  await expect(page.getByRole('button', { name: /Demo organization › Demo store/ })).toBeVisible();

  // The session survives a reload.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Contacts');
});

test('signing out from the user menu ends the session', async ({ newContext, starling }) => {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(`${starling.url}/login`);
  await signInWithForm(page, starling.seed.admin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');

  await page.getByRole('button', { name: /Account menu/ }).click();
  await expect(page.getByRole('group', { name: 'Account' })).toContainText(starling.seed.admin.email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${starling.url}/login`);

  // The cookie is gone: the API says so, and the UI asks to sign in again.
  const session = await context.request.get(`${starling.url}/api/v1/session`);
  expect(session.status()).toBe(401);
  await page.goto(`${starling.url}/settings`);
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings/);
});

test('forgot password: the page says a link was sent, whatever the email', async ({ newContext, starling }) => {
  const page = await (await newContext()).newPage();
  await page.goto(`${starling.url}/login`);
  await page.getByLabel('Email').fill('nobody@shop.example');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/reset-password\?email=nobody%40shop\.example/);
  await expect(page.getByLabel('Email')).toHaveValue('nobody@shop.example');
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await expect(page.getByText('nobody@shop.example')).toBeVisible();
  await screenshot(page, 'reset-password-sent');
});

test('a reset link sets a new password; a used link is refused', async ({ newContext, starling }) => {
  const email = `reset-${Date.now()}@shop.example`;
  await starling.cli(['user', 'create', '--email', email, '--password-stdin'], 'first-password-1');
  const printed = await starling.cli(['user', 'reset-link', '--email', email]);
  const link = extractLink(printed);
  const { pathname, search } = new URL(link);

  const page = await (await newContext()).newPage();
  await page.goto(`${starling.url}${pathname}${search}`);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('Confirm new password').fill('short');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible();

  await page.getByLabel('New password', { exact: true }).fill('second-password-2');
  await page.getByLabel('Confirm new password').fill('second-password-2');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page).toHaveURL(`${starling.url}/login?reset=1`);
  await expect(page.getByText('Your password has been changed.')).toBeVisible();
  await signInWithForm(page, { email, password: 'second-password-2' });
  // A user in no organization yet is welcomed with a way to create one.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Starling');
  await expect(page.getByRole('button', { name: 'Create organization' })).toBeVisible();

  // The same link a second time.
  const again = await (await newContext()).newPage();
  await again.goto(`${starling.url}${pathname}${search}`);
  await again.getByLabel('New password', { exact: true }).fill('third-password-3');
  await again.getByLabel('Confirm new password').fill('third-password-3');
  await again.getByRole('button', { name: 'Set new password' }).click();
  await expect(again.getByText('This link cannot be used')).toBeVisible();
});

/** `user reset-link` prints the link, as plain text or inside a JSON object. */
function extractLink(printed: unknown): string {
  const text = typeof printed === 'string' ? printed : JSON.stringify(printed);
  const match = /https?:\/\/[^\s"]+\/reset-password\?token=[^\s"]+/.exec(text);
  if (match === null) throw new Error(`No reset link in ${text}`);
  return match[0];
}
