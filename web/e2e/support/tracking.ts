import { expect, type APIRequestContext, type Page } from '@playwright/test';
import type { StarlingServer } from './server';

/** The origin of the seed store's shop (`https://shop.example`, an authorized domain from its site URL). */
export const SHOP_ORIGIN = 'https://shop.example';

/** A product as the tracking script sends it (`docs/integration.md` §4). */
export function product(id: string, name: string, unitPrice: number | string) {
  return { productId: id, name, url: `${SHOP_ORIGIN}/p/${id}`, unitPrice };
}

export interface CollectAnswer {
  status: number;
  trackerId: string | null;
  errors: { event: number | null; field: string; message: string }[];
  body: unknown;
}

/**
 * Sends one request to `POST /collect/{token}` as the tracking script does: a JSON body as `text/plain`,
 * with the shop's `Origin` unless `origin` is `null` (server-side senders give none).
 */
export async function collect(
  request: APIRequestContext,
  starling: StarlingServer,
  token: string,
  payload: Record<string, unknown>,
  origin: string | null = SHOP_ORIGIN,
): Promise<CollectAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'text/plain;charset=UTF-8' };
  if (origin !== null) headers.Origin = origin;
  const response = await request.post(`${starling.url}/collect/${token}`, { headers, data: JSON.stringify(payload) });
  const body = (await response.json()) as { trackerId?: string | null; errors?: CollectAnswer['errors'] };
  return { status: response.status(), trackerId: body.trackerId ?? null, errors: body.errors ?? [], body };
}

/** Moves the test server's clock forward (`POST /api/v1/test/clock`; the server runs with `--test-clock true`). */
export async function advanceClock(request: APIRequestContext, starling: Pick<StarlingServer, 'url'>, seconds: number): Promise<void> {
  const response = await request.post(`${starling.url}/api/v1/test/clock`, { data: { advance_seconds: seconds } });
  expect(response.status(), await response.text()).toBe(200);
}

/** What the e2e tests need from the store's settings (read with a signed-in request context). */
export async function storeSettings(request: APIRequestContext, starling: StarlingServer, storeId = starling.seed.store.id) {
  const response = await request.get(`${starling.url}/api/v1/stores/${storeId}/settings`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as {
    tracking_token: string;
    currency: string;
    authorized_domains: string[];
    ecommerce: { cart_abandonment_minutes: number };
    script_options: { include_urls: string[]; exclude_urls: string[]; sampling: number };
  };
}

/**
 * Makes `page` open the seed store whatever store the worker's browser last used (another spec may have
 * created and switched to a store): the store selector's choice is kept in localStorage.
 */
export async function pinSeedStore(page: Page, starling: StarlingServer): Promise<void> {
  const key = `starling.workspace.${starling.seed.admin.id}`;
  const value = JSON.stringify({ organizationId: starling.seed.organization.id, storeId: starling.seed.store.id });
  // A string, run in the page: the e2e code is type-checked without the DOM library.
  await page.addInitScript(`window.localStorage.setItem(${JSON.stringify(key)}, ${JSON.stringify(value)});`);
}

/** `PATCH /api/v1/stores/{id}/settings` as the signed-in user of `request` (with the session's CSRF token). */
export async function patchSettings(
  request: APIRequestContext,
  starling: StarlingServer,
  patch: Record<string, unknown>,
  storeId = starling.seed.store.id,
): Promise<void> {
  const session = (await (await request.get(`${starling.url}/api/v1/session`)).json()) as { csrf_token: string };
  const response = await request.patch(`${starling.url}/api/v1/stores/${storeId}/settings`, {
    headers: { 'X-CSRF-Token': session.csrf_token },
    data: patch,
  });
  expect(response.status(), await response.text()).toBe(200);
}
