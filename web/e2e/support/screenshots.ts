import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { resultsDir } from './paths';

/** Saves a full-page screenshot as `test-results/<name>.png`, for people to look at. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  // The shell's bars stay in place while the page scrolls: a full-page picture starts from the top.
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage, animations: 'disabled' });
}

/** Saves a picture of one part of a page (a form, a panel) as `test-results/<name>.png`. */
export async function screenshotOf(locator: Locator, name: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await locator.screenshot({ path: path.join(resultsDir, `${name}.png`), animations: 'disabled' });
}
