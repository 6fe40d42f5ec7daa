import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { resultsDir } from './paths';

/** Saves a full-page screenshot as `test-results/<name>.png`, for people to look at. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage, animations: 'disabled' });
}
