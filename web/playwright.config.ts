import { defineConfig } from '@playwright/test';

// The tests boot the real Starling server (STARLING_BIN) on the built UI (web/dist) and drive the system
// Chromium (CHROMIUM_BIN, default /usr/bin/chromium); see e2e/support/. Nothing is downloaded.
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  reporter: 'list',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
});
