import { test as base, chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDemoStarling, startStarling, type DemoStarlingServer, type StarlingServer } from './server';

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

export function watch(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], errorResponses: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '?';
    // The UI aborts the requests of a page the person has left (AbortController): not a problem.
    if (reason === 'net::ERR_ABORTED' && request.resourceType() === 'fetch') return;
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.errorResponses.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}

interface TestFixtures {
  page: Page;
  problems: PageProblems;
  /** Opens a browser context with nothing in it (no cookies, no storage): another person, another device. */
  newContext: () => Promise<BrowserContext>;
}

interface WorkerFixtures {
  starling: StarlingServer;
  /**
   * A second server, started with `--demo true` on an empty data directory (its demo store, shop at `/demo/`
   * and administrator), only for the specs that ask for it.
   */
  demoStarling: DemoStarlingServer;
  browserContext: BrowserContext;
  /** A second Chromium for `newContext`, launched only when a test asks for one. */
  isolatedBrowser: Browser;
}

/**
 * One Starling server (with the seed accounts of `server.ts`) and one headless Chromium (fresh profile) per
 * worker, shared by the tests of a file; a new page for each test, with its console errors, page errors
 * and failed requests recorded in `problems`. The worker's browser context is not signed in: call
 * `signIn` (`auth.ts`) first.
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

  demoStarling: [
    async ({}, use) => {
      const server = await startDemoStarling();
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

  isolatedBrowser: [
    async ({}, use) => {
      const browser = await chromium.launch({ executablePath: CHROMIUM_BIN, headless: true, args: CHROMIUM_ARGS });
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  newContext: async ({ isolatedBrowser }, use) => {
    const opened: BrowserContext[] = [];
    await use(async () => {
      const context = await isolatedBrowser.newContext({ viewport: { width: 1280, height: 800 } });
      opened.push(context);
      return context;
    });
    await Promise.all(opened.map((context) => context.close()));
  },

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
