import { signIn } from './support/auth';
import { expect, test, type PageProblems } from './support/fixtures';
import { screenshot } from './support/screenshots';
import { startStarling } from './support/server';

// The admin UI shell served by the real server: navigation, routing, deep links, and API errors.
// Tests share one server and run in order, signed in as the seed administrator (an organization owner,
// so every area, Store settings included, is in the navigation).
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browserContext, starling }) => {
  await signIn(browserContext, starling);
});

/** The nine areas of the main navigation, as a person sees them. */
const AREAS = [
  { label: 'Dashboard', path: '/' },
  { label: 'Contacts', path: '/contacts' },
  { label: 'Segments', path: '/segments' },
  { label: 'eCommerce', path: '/ecommerce' },
  { label: 'Contents', path: '/contents' },
  { label: 'Workflows', path: '/workflows' },
  { label: 'Analytics', path: '/analytics' },
  { label: 'Store settings', path: '/settings' },
  { label: 'Support', path: '/support' },
] as const;

function expectNoProblems(problems: PageProblems) {
  expect(problems.pageErrors, 'uncaught page errors').toEqual([]);
  expect(problems.consoleErrors, 'console errors').toEqual([]);
  expect(problems.failedRequests, 'failed requests').toEqual([]);
  expect(problems.errorResponses, 'responses with status >= 400').toEqual([]);
}

test('the shell renders with navigation, dashboard and server version', async ({ page, problems, starling }) => {
  const infoResponse = await fetch(`${starling.url}/api/v1/info`);
  expect(infoResponse.status).toBe(200);
  const info = (await infoResponse.json()) as { name: string; version: string };
  expect(info.name).toBe('Starling');

  const response = await page.goto(`${starling.url}/`);
  expect(response?.status()).toBe(200);

  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(AREAS.map((area) => area.label));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  await expect(page).toHaveTitle('Dashboard · Starling');
  await expect(page.getByRole('button', { name: /Demo organization.*Demo store/ })).toBeVisible();
  await expect(page.getByTestId('server-version')).toContainText(`v${info.version}`);
  await page.waitForLoadState('networkidle');

  await screenshot(page, 'shell');
  expectNoProblems(problems);
});

test('every navigation entry opens its page, and every page opens from a deep link', async ({
  page,
  problems,
  starling,
}) => {
  await page.goto(`${starling.url}/`);
  const nav = page.getByRole('navigation', { name: 'Main' });
  const heading = page.getByRole('heading', { level: 1 });
  // A full page load fetches /api/v1/info for the top bar; leaving the page before it answers would
  // abort that request, which expectNoProblems counts as a failure. The version shows once it answered.
  const versionShown = () => expect(page.getByTestId('server-version')).toBeVisible();
  await versionShown();

  // Visit in reverse so that the first click changes the URL.
  for (const area of [...AREAS].reverse()) {
    await nav.getByRole('link', { name: area.label, exact: true }).click();
    await expect(page).toHaveURL(`${starling.url}${area.path}`);
    await expect(heading).toHaveText(area.label);
    await expect(nav.getByRole('link', { name: area.label, exact: true })).toHaveAttribute('aria-current', 'page');
  }

  for (const area of AREAS) {
    const response = await page.goto(`${starling.url}${area.path}`);
    expect(response?.status(), `GET ${area.path}`).toBe(200);
    expect(response?.headers()['content-type'], `GET ${area.path}`).toContain('text/html');
    await expect(heading).toHaveText(area.label);
    await versionShown();
  }

  await page.goto(`${starling.url}/no-such-page/here`);
  await expect(heading).toHaveText('Page not found');
  await versionShown();
  await page.getByRole('link', { name: 'Back to the dashboard' }).click();
  await expect(page).toHaveURL(`${starling.url}/`);
  await expect(heading).toHaveText('Dashboard');

  expectNoProblems(problems);
});

test('an unknown API path answers 404 with a JSON error, not the UI', async ({ page, starling }) => {
  await page.goto(`${starling.url}/`);
  const answer = await page.evaluate(async () => {
    const response = await fetch('/api/v1/does-not-exist', { headers: { Accept: 'application/json' } });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  });

  expect(answer.status).toBe(404);
  expect(answer.contentType).toContain('application/json');
  expect(answer.body).not.toContain('<html');
  const body = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code).toBe('string');
  expect(body.error?.code).not.toBe('');
  expect(typeof body.error?.message).toBe('string');
});

// Its own server: the worker's server is shared with the other spec files. The server installs its
// SIGTERM handler just after printing its ready line; an answer to a request proves it has.
test('the server exits with code 0 on SIGTERM', async () => {
  const server = await startStarling();
  try {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const exit = await server.stop();
    expect(exit).toEqual({ code: 0, signal: null });
  } finally {
    await server.dispose();
  }
});
