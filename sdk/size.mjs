// Prints the raw and gzipped size of dist/starling.js (the budget is 15 KB gzipped).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 15 * 1024;
const file = new URL('./dist/starling.js', import.meta.url);
let code;
try {
  code = readFileSync(file);
} catch {
  console.error('dist/starling.js is missing: run `npm run build` first.');
  process.exit(1);
}
const gzipped = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(`dist/starling.js: ${code.length} bytes (${kb(code.length)}) raw, ${gzipped} bytes (${kb(gzipped)}) gzipped`);
if (gzipped > BUDGET) {
  console.error(`over the budget of ${kb(BUDGET)} gzipped`);
  process.exit(1);
}
