// The Starling tracking script (docs/integration.md §1–§4). Loaded by
//   <script src="{base}/sdk/starling.js" data-token="STORE_TOKEN" [data-base-url="…"] async></script>
// It must never throw into the host page: every entry point catches what it does not expect.
import { readPage } from './tags';
import { Tracker, type SendOptions } from './tracker';
import type { ScriptConfig } from './types';
import { fire, globMatch, isObject, load, save, warn } from './util';

const SAMPLE_KEY = 'starling.sample';
const TRACKER_PARAM = '__cn_tracker';

interface StarlingApi {
  sendEvents(events: unknown, options?: SendOptions): Promise<void>;
  getTrackerId(): string | null;
  readonly version: string;
}

declare global {
  interface Window {
    starling?: StarlingApi;
    cnEvents?: StarlingApi;
  }
}

const VERSION = '0.1.0';

/** The `<script>` element that loaded us. */
function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.hasAttribute('data-token')) return current;
  return document.querySelector<HTMLScriptElement>('script[data-token][src*="starling"]');
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/** The script options; null when the token is unknown; permissive defaults when the server cannot be reached. */
async function fetchConfig(url: string): Promise<ScriptConfig | null> {
  const config: ScriptConfig = { includeUrls: [], excludeUrls: [], sampling: 1, authorizedDomains: [] };
  try {
    const response = await fetch(url, { credentials: 'omit' });
    if (response.status === 404) {
      warn('unknown store token: nothing is sent');
      return null;
    }
    if (!response.ok) throw new Error(`status ${response.status}`);
    const body: unknown = await response.json();
    if (isObject(body)) {
      config.includeUrls = strings(body.includeUrls);
      config.excludeUrls = strings(body.excludeUrls);
      config.authorizedDomains = strings(body.authorizedDomains);
      if (typeof body.sampling === 'number' && body.sampling >= 0) config.sampling = body.sampling;
    }
  } catch (e) {
    warn(`could not read the script options (${String(e)}); running with the defaults`);
  }
  return config;
}

/** Each browser draws one number once; it is in the sample while that number is below the rate. */
function inSample(rate: number): boolean {
  if (rate >= 1) return true;
  if (!(rate > 0)) return false;  // nothing written: the browser is out whatever its draw
  let draw = parseFloat(load('localStorage', SAMPLE_KEY) ?? '');
  if (!(draw >= 0 && draw < 1)) {
    draw = Math.random();
    save('localStorage', SAMPLE_KEY, String(draw));
  }
  return draw < rate;
}

/**
 * The server's rule for authorized domains: `host:port` entries match the page's host and port, plain
 * entries its host name on any port, and `*.x` matches x and every subdomain of x. Case-insensitive.
 */
function domainAllowed(pattern: string, hostname: string, hostWithPort: string): boolean {
  const p = pattern.toLowerCase();
  const got = (p.includes(':') ? hostWithPort : hostname).toLowerCase();
  if (p.startsWith('*.')) {
    const base = p.slice(2);
    return got === base || got.endsWith('.' + base);
  }
  return got === p;
}

/** Why the script does not run on this page, or null when it does. */
function refusal(config: ScriptConfig): string | null {
  const host = location.hostname;
  const href = location.href;
  if (
    config.authorizedDomains.length > 0 &&
    !config.authorizedDomains.some((d) => domainAllowed(d, host, location.host))
  ) {
    return `${host} is not an authorized domain of the store`;
  }
  if (config.includeUrls.length > 0 && !config.includeUrls.some((p) => globMatch(p, href, false))) {
    return 'the page matches none of includeUrls';
  }
  if (config.excludeUrls.some((p) => globMatch(p, href, false))) return 'the page matches excludeUrls';
  if (!inSample(config.sampling)) return 'this browser is outside the sample';
  return null;
}

/** Takes `__cn_tracker` out of the address bar (other parameters are left exactly as they were). */
function takeTrackerParam(): string | null {
  const search = location.search;
  if (search.indexOf(TRACKER_PARAM) < 0) return null;
  let found: string | null = null;
  const kept = search
    .slice(1)
    .split('&')
    .filter((part) => {
      const [name = '', raw = ''] = part.split('=');
      let decodedName = name;
      let decoded = raw;
      try {
        decodedName = decodeURIComponent(name.replace(/\+/g, ' '));
        decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        // malformed escapes: compare and use the raw text
      }
      if (decodedName !== TRACKER_PARAM) return true;
      found = decoded;
      return false;
    });
  if (found === null) return null;
  try {
    const url = location.pathname + (kept.length > 0 ? `?${kept.join('&')}` : '') + location.hash;
    history.replaceState(history.state, '', url);
  } catch {
    // history unavailable (sandboxed frame): the parameter stays visible, nothing else changes
  }
  return found;
}

function domReady(): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
}

function main(): void {
  if (window.starling && window.starling.version) {
    warn('the script is included twice; the second copy does nothing');
    return;
  }
  const script = ownScript();
  const token = script?.getAttribute('data-token')?.trim() ?? '';
  if (!script || token === '') {
    warn('no data-token on the script tag: nothing is sent');
    return;
  }
  const explicitBase = script.getAttribute('data-base-url');
  const base = (explicitBase ? explicitBase : new URL(script.src, location.href).origin).replace(/\/+$/, '');
  const endpoint = `${base}/collect/${encodeURIComponent(token)}`;
  const tracker = new Tracker(endpoint);

  // Resolves once the page request is queued, with whether the script runs on this page.
  const ready: Promise<boolean> = Promise.all([fetchConfig(`${endpoint}/config`), domReady()])
    .then(([config]) => {
      if (!config) return false;
      const why = refusal(config);
      if (why !== null) {
        warn(`not running: ${why}`);
        return false;
      }
      const fromUrl = takeTrackerParam();
      if (fromUrl) tracker.setTrackerId(fromUrl);
      tracker.flushRetries();
      void tracker.sendPage(readPage());
      return true;
    })
    .catch((e: unknown) => {
      warn(`could not start: ${String(e)}`);
      return false;
    });

  const api: StarlingApi = {
    version: VERSION,
    sendEvents(events, options) {
      try {
        const send = tracker.prepareEvents(events, options);
        return ready.then((running) => (running ? send() : undefined)).catch(() => undefined);
      } catch (e) {
        warn(`sendEvents: ${String(e)}`);
        return Promise.resolve();
      }
    },
    getTrackerId() {
      return tracker.getTrackerId();
    },
  };
  window.starling = api;
  window.cnEvents = api;
  fire('starling:loaded', {});
}

try {
  main();
} catch (e) {
  warn(`could not start: ${String(e)}`);
}
