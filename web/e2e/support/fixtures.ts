import { test as base, chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startStarling, type StarlingServer } from './server';

/** Debian's Chromium; Playwright's own browser builds are never downloaded. */
const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What went wrong on a page while a test used it. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  /** Responses with a status of 400 or more. */
  errorResponses: string[];
}

function watch(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], errorResponses: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  page.on('requestfailed', (request) =>
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? '?'}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.errorResponses.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}

interface TestFixtures {
  page: Page;
  problems: PageProblems;
}

interface WorkerFixtures {
  starling: StarlingServer;
  browserContext: BrowserContext;
}

/**
 * One Starling server and one headless Chromium (fresh profile) per worker, shared by the tests of a file;
 * a new page for each test, with its console errors, page errors and failed requests recorded in `problems`.
 */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  starling: [
    async ({}, use) => {
      const server = await startStarling();
      try {
        await use(server);
      } finally {
        await server.dispose();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  browserContext: [
    async ({}, use) => {
      const profileDir = await mkdtemp(path.join(os.tmpdir(), 'starling-e2e-chromium-'));
      const context = await chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM_BIN,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 800 },
      });
      try {
        await use(context);
      } finally {
        await context.close();
        await rm(profileDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  page: async ({ browserContext }, use) => {
    const page = await browserContext.newPage();
    await use(page);
    await page.close();
  },

  problems: async ({ page }, use) => {
    await use(watch(page));
  },
});

export { expect } from '@playwright/test';
