import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `web/` folder. */
export const webRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The repository root, parent of `web/`. */
export const repoRoot = path.resolve(webRoot, '..');
/** Where tests leave files worth looking at (screenshots); Playwright's outputDir. */
export const resultsDir = path.join(webRoot, 'test-results');
