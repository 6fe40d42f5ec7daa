import { defineConfig } from '@playwright/test';

// The specs load test pages and the demo shop from a small static server started by the tests
// (e2e/support/site.ts), run the built script (dist/starling.js) in Debian's Chromium (CHROMIUM_BIN,
// default /usr/bin/chromium) and answer its requests with page.route(). Nothing is downloaded.
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  reporter: 'list',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: true,
  timeout: 30_000,
  expect: { timeout: 5_000 },
});
