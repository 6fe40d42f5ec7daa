import type { Page } from '@playwright/test';
import { browserInfo } from './support/expected';
import { expect, test, type PageLog } from './support/fixtures';

// The script options of GET {base}/collect/{token}/config: include/exclude URL globs, sampling and
// authorized domains; and where the script sends (base URL and token from its own <script> tag).

/** Waits for the script's "not running" warning, then checks that it sent nothing. */
async function expectNotRunning(page: Page, log: PageLog, why: string, requests: unknown[]) {
  await expect.poll(() => log.warnings).toContain(`[starling] not running: ${why}`);
  await page.waitForTimeout(200);
  expect(requests).toEqual([]);
}

test('the options are read from {base}/collect/{token}/config', async ({ page, site, collector }) => {
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  expect(collector.configRequests).toEqual([site.url('/collect/tok-1/config')]);
});

test('includeUrls: a page matching none sends nothing; a matching one sends', async ({ page, site, collector, log }) => {
  collector.config = { includeUrls: ['*/shop/*', '*/pages/prod*'] };
  await page.goto(site.url('/pages/plain.html'));
  await expectNotRunning(page, log, 'the page matches none of includeUrls', collector.requests);

  await page.goto(site.url('/pages/product.html'));
  expect((await collector.nextBody()).events[0]).toEqual({ type: 'page-visit' });
});

test('excludeUrls: a matching page sends nothing, even when included', async ({ page, site, collector, log }) => {
  collector.config = { includeUrls: ['*/pages/*'], excludeUrls: ['*/plain.html*'] };
  await page.goto(site.url('/pages/plain.html?x=1'));
  await expectNotRunning(page, log, 'the page matches excludeUrls', collector.requests);

  await page.goto(site.url('/pages/search.html'));
  await collector.next();
});

test('glob characters other than * are literal', async ({ page, site, collector, log }) => {
  collector.config = { includeUrls: ['*/pages/plain.html?only'] };
  await page.goto(site.url('/pages/plain.html'));
  await expectNotRunning(page, log, 'the page matches none of includeUrls', collector.requests);
  await page.goto(site.url('/pages/plain.html?only'));
  await collector.next();
});

test('authorizedDomains: exact and wildcard hosts run, other hosts do not', async ({ page, site, collector, log }) => {
  collector.config = { authorizedDomains: ['shop.test', '*.shop.test'] };
  await page.goto(site.url('/pages/plain.html', 'shop.test'));
  await collector.next();
  await page.goto(site.url('/pages/plain.html', 'www.shop.test'));
  await collector.next();

  await page.goto(site.url('/pages/plain.html', 'evil.test'));
  await expectNotRunning(page, log, 'evil.test is not an authorized domain of the store', collector.unread());
  await page.goto(site.url('/pages/plain.html', 'shop.test.evil.test'));
  await expectNotRunning(page, log, 'shop.test.evil.test is not an authorized domain of the store', collector.unread());
});

test('authorizedDomains: a host:port entry needs that port; a wildcard also covers the bare domain', async ({
  page,
  site,
  collector,
  log,
}) => {
  const port = new URL(site.url('/pages/plain.html', 'shop.test')).port;
  collector.config = { authorizedDomains: [`shop.test:${port}`, '*.brand.test'] };
  await page.goto(site.url('/pages/plain.html', 'shop.test'));
  await collector.next();
  await page.goto(site.url('/pages/plain.html', 'brand.test'));
  await collector.next();
  collector.config = { authorizedDomains: ['shop.test:1'] };
  await page.goto(site.url('/pages/plain.html', 'shop.test'));
  await expectNotRunning(page, log, 'shop.test is not an authorized domain of the store', collector.unread());
});

test('sampling 0 sends nothing; sampling 1 sends', async ({ page, site, collector, log }) => {
  collector.config = { sampling: 0 };
  await page.goto(site.url('/pages/plain.html'));
  await expectNotRunning(page, log, 'this browser is outside the sample', collector.requests);
  // Nothing written either: no draw is needed to know a rate of 0.
  expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
  collector.config = { sampling: 1 };
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
});

test('sampling is decided once per browser and kept', async ({ page, site, collector, log }) => {
  collector.config = { sampling: 0.5 };
  await page.goto(site.url('/pages/plain.html'));
  await expect.poll(() => page.evaluate(() => localStorage.getItem('starling.sample'))).not.toBeNull();
  const draw = Number(await page.evaluate(() => localStorage.getItem('starling.sample')));
  expect(draw).toBeGreaterThanOrEqual(0);
  expect(draw).toBeLessThan(1);
  await expect
    .poll(() => collector.requests.length === 1 || log.warnings.includes('[starling] not running: this browser is outside the sample'))
    .toBe(true);
  expect(collector.requests.length).toBe(draw < 0.5 ? 1 : 0);

  // The same browser keeps its draw: in the sample below it, out of it above it.
  for (const [stored, inSample] of [['0.3', true], ['0.7', false], ['0.3', true]] as const) {
    await page.evaluate((value) => localStorage.setItem('starling.sample', value), stored);
    const before = collector.requests.length;
    log.warnings.length = 0;
    await page.goto(site.url('/pages/plain.html'));
    if (inSample) {
      await expect.poll(() => collector.requests.length).toBe(before + 1);
    } else {
      await expectNotRunning(page, log, 'this browser is outside the sample', collector.requests.slice(before));
    }
    expect(await page.evaluate(() => localStorage.getItem('starling.sample'))).toBe(stored);
  }
});

test('an unknown token (config 404) sends nothing', async ({ page, site, collector, log }) => {
  collector.config = 404;
  await page.goto(site.url('/pages/plain.html'));
  await expect.poll(() => log.warnings).toContain('[starling] unknown store token: nothing is sent');
  await page.waitForTimeout(200);
  expect(collector.requests).toEqual([]);
  expect(await page.evaluate(() => window.starling?.sendEvents([{ type: 'login' }]))).toBeUndefined();
  expect(collector.requests).toEqual([]);
});

test('options that cannot be read (config 500) fall back to the defaults', async ({ page, site, collector, log }) => {
  collector.config = 500;
  await page.goto(site.url('/pages/plain.html'));
  await collector.next();
  expect(log.warnings).toContain('[starling] could not read the script options (Error: status 500); running with the defaults');
});

test('data-base-url and the token are taken from the script tag; the script may come from another origin', async ({
  page, site, collector,
}) => {
  const url = site.url('/pages/cross-origin.html');
  await page.goto(url);
  const request = await collector.next();
  expect(collector.configRequests).toEqual([`http://starling.test:${site.port}/base/collect/tok%202%2Fx/config`]);
  expect(request.url).toBe(`http://starling.test:${site.port}/base/collect/tok%202%2Fx`);
  expect(request.body).toEqual({
    events: [{ type: 'page-visit' }],
    pageInfo: { title: 'Script from a CDN, events to Starling' },
    browserInfo: browserInfo(url),
  });
});

test('without data-token the script sends nothing', async ({ page, site, collector, log }) => {
  await page.goto(site.url('/pages/no-token.html'));
  await expect.poll(() => log.warnings).toContain('[starling] no data-token on the script tag: nothing is sent');
  await page.waitForTimeout(200);
  expect(collector.configRequests).toEqual([]);
  expect(collector.requests).toEqual([]);
});

test('a script included twice sends the page once', async ({ page, site, collector, log }) => {
  await page.goto(site.url('/pages/twice.html'));
  await collector.next();
  await page.evaluate(() => window.starling!.sendEvents([{ type: 'custom', eventId: 'marker' }]));
  expect((await collector.nextBody()).events).toEqual([{ type: 'custom', eventId: 'marker' }]);
  expect(collector.unread()).toEqual([]);
  expect(log.warnings).toContain('[starling] the script is included twice; the second copy does nothing');
});
