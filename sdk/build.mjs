// Bundles src/index.ts into ONE file, dist/starling.js: an IIFE, minified, for browsers from 2017 on.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/starling.js',
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2017',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
});
