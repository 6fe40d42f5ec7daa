import { expect, type BrowserContext, type Request, type Route } from '@playwright/test';

/** One request of the script to `{base}/collect/{token}`, as the server would receive it. */
export interface Captured {
  url: string;
  contentType: string | undefined;
  /** The parsed JSON body. */
  body: Record<string, any>;
}

export interface ScriptConfig {
  includeUrls?: string[];
  excludeUrls?: string[];
  sampling?: number;
  authorizedDomains?: string[];
}

/**
 * Plays the Starling server for the script: answers `GET …/collect/{token}/config` with `config` and
 * `POST …/collect/{token}` with `answer(body)` (by default the tracker id of the request, or a new one),
 * and records every POST in order.
 */
export class Collector {
  readonly requests: Captured[] = [];
  readonly configRequests: string[] = [];
  config: ScriptConfig | number = {};
  /** HTTP status to answer the next POSTs with (then shifted); 200 once empty. `0` aborts the request. */
  statuses: number[] = [];
  answer: (body: Record<string, any>) => Record<string, unknown> = (body) => ({
    trackerId: body.entityInfo?.trackerId ?? `tracker-${++this.issued}`,
    webContents: [],
    errors: [],
  });
  private issued = 0;
  private read = 0;

  async attach(context: BrowserContext): Promise<void> {
    await context.route(/\/collect\//, (route) => this.handle(route));
  }

  private async handle(route: Route): Promise<void> {
    const request: Request = route.request();
    const cors = { 'Access-Control-Allow-Origin': '*' };
    if (request.method() === 'GET' && request.url().endsWith('/config')) {
      this.configRequests.push(request.url());
      if (typeof this.config === 'number') {
        await route.fulfill({ status: this.config, headers: cors, contentType: 'application/json', body: '{}' });
      } else {
        await route.fulfill({ status: 200, headers: cors, json: { includeUrls: [], excludeUrls: [], sampling: 1, authorizedDomains: [], ...this.config } });
      }
      return;
    }
    if (request.method() !== 'POST') {
      await route.fulfill({ status: 405, headers: cors, body: '' });
      return;
    }
    const body = JSON.parse(request.postData() ?? 'null') as Record<string, any>;
    this.requests.push({ url: request.url(), contentType: await request.headerValue('content-type') ?? undefined, body });
    const status = this.statuses.shift() ?? 200;
    if (status === 0) {
      await route.abort('connectionreset');
    } else if (status === 200) {
      await route.fulfill({ status, headers: cors, json: this.answer(body) });
    } else {
      await route.fulfill({ status, headers: cors, json: { error: { code: 'test', message: 'refused by the test' } } });
    }
  }

  /** The next request not returned yet, waiting up to `timeout` ms for it. */
  async next(timeout = 5_000): Promise<Captured> {
    await expect.poll(() => this.requests.length, { timeout, message: 'waiting for a request of the script' }).toBeGreaterThan(this.read);
    return this.requests[this.read++]!;
  }

  /** Body of the next request. */
  async nextBody(timeout?: number): Promise<Record<string, any>> {
    return (await this.next(timeout)).body;
  }

  /** Requests received and not returned by next() yet. */
  unread(): Captured[] {
    return this.requests.slice(this.read);
  }
}
