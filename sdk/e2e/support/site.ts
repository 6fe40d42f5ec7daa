import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `sdk/` folder. */
export const sdkRoot = fileURLToPath(new URL('../..', import.meta.url));
const repoRoot = path.resolve(sdkRoot, '..');
const SCRIPT = path.join(sdkRoot, 'dist', 'starling.js');

/** URL prefix → folder (or file) it serves. The longest matching prefix wins. */
const MOUNTS: [string, string][] = [
  ['/sdk/starling.js', SCRIPT],
  ['/pages/', path.join(sdkRoot, 'e2e', 'pages')],
  // Stand-in for the server's /demo/loader.js: inserts the script with the demo store's token.
  ['/demo/loader.js', path.join(sdkRoot, 'e2e', 'support', 'demo-loader.js')],
  ['/demo/', path.join(repoRoot, 'demo', 'shop')],
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/**
 * A static file server on 127.0.0.1 and a free port. Pages are opened under any host name ending in
 * `.test` (Chromium maps them to 127.0.0.1, see fixtures.ts), so tests can play several domains.
 * In .html files, `%ORIGIN_PORT%` is replaced by the server's port.
 */
export interface Site {
  readonly port: number;
  /** `http://{host}:{port}{path}`; host defaults to `shop.test`. */
  url(pathname: string, host?: string): string;
  close(): Promise<void>;
}

function resolve(pathname: string): string | null {
  const mount = MOUNTS.filter(([prefix]) => pathname.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  if (!mount) return null;
  const [prefix, target] = mount;
  if (!prefix.endsWith('/')) return pathname === prefix ? target : null;
  let rest = decodeURIComponent(pathname.slice(prefix.length));
  if (rest === '' || rest.endsWith('/')) rest += 'index.html';
  const file = path.resolve(target, rest);
  return file.startsWith(target + path.sep) ? file : null;
}

export async function startSite(): Promise<Site> {
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run \`npm run build\` in sdk/ first.`);
  let port = 0;
  const server: Server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname;
    const file = resolve(pathname);
    void (file ? readFile(file) : Promise.reject(new Error('not mounted'))).then(
      (content) => {
        const type = TYPES[path.extname(file!)] ?? 'application/octet-stream';
        const body = type.startsWith('text/html') ? content.toString('utf8').replaceAll('%ORIGIN_PORT%', String(port)) : content;
        response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
        response.end(body);
      },
      () => {
        response.writeHead(404, { 'Content-Type': 'text/plain' });
        response.end(`not found: ${pathname}`);
      },
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (pathname, host = 'shop.test') => `http://${host}:${port}${pathname}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
