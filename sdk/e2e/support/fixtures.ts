import { test as base, chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { Collector } from './collector';
import { startSite, type Site } from './site';

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
  // Every *.test host name is the static server on 127.0.0.1, so a test can play several domains.
  '--host-resolver-rules=MAP *.test 127.0.0.1',
];

/** What the page printed and threw while a test used it. */
export interface PageLog {
  /** console.warn texts of the script (starting with "[starling] "). */
  warnings: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

interface TestFixtures {
  context: BrowserContext;
  page: Page;
  collector: Collector;
  log: PageLog;
}

interface WorkerFixtures {
  site: Site;
  browser: Browser;
}

/**
 * One static server and one headless Chromium per worker; a fresh browser context (empty localStorage and
 * sessionStorage) and page for each test, with the script's requests answered and recorded by `collector`.
 */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  site: [
    async ({}, use) => {
      const site = await startSite();
      try {
        await use(site);
      } finally {
        await site.close();
      }
    },
    { scope: 'worker' },
  ],

  browser: [
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

  collector: async ({}, use) => {
    await use(new Collector());
  },

  context: async ({ browser, collector }, use) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    await collector.attach(context);
    await use(context);
    await context.close();
  },

  page: async ({ context }, use) => {
    await use(await context.newPage());
  },

  log: [async ({ page }, use) => {
    const log: PageLog = { warnings: [], consoleErrors: [], pageErrors: [] };
    page.on('console', (message) => {
      if (message.type() === 'warning') log.warnings.push(message.text());
      if (message.type() === 'error') log.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => log.pageErrors.push(String(error)));
    await use(log);
    // No test may leave an uncaught error in the page: the script must never throw into the host page.
    if (log.pageErrors.length > 0) throw new Error(`uncaught errors in the page: ${log.pageErrors.join('; ')}`);
  }, { auto: true }],
});

export { expect } from '@playwright/test';
