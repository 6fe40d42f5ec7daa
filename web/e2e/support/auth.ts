import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import type { StarlingServer } from './server';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * Signs `context` in through the API (`POST /api/v1/auth/login`), so pages opened in it start signed in
 * without a trip through the sign-in page (and without its expected 401 on `GET /session`).
 */
export async function signIn(context: BrowserContext, starling: StarlingServer, who: Credentials = starling.seed.admin) {
  const response = await context.request.post(`${starling.url}/api/v1/auth/login`, {
    data: { email: who.email, password: who.password },
  });
  expect(response.status(), `sign-in of ${who.email}: ${await response.text()}`).toBe(200);
}

/** Signs in on the sign-in page, as a person would. */
export async function signInWithForm(page: Page, who: Credentials) {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The `Authorization` header of an API key, parsed from the text the UI shows once. */
export function apiKeyHeader(shown: string): string {
  const match = /^Authorization:\s*(apiKey \S+:\S+)$/.exec(shown.trim());
  if (match?.[1] === undefined) throw new Error(`Not an Authorization header: ${shown}`);
  return match[1];
}

/** `GET path` with an API key; returns the status and the parsed body. */
export async function callWithKey(request: APIRequestContext, url: string, authorization: string) {
  const response = await request.get(url, { headers: { Authorization: authorization } });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = text;
  }
  return { status: response.status(), body, headers: response.headers() };
}
