/**
 * The one typed client for the Starling HTTP API. Every call from the UI goes through `request`; the
 * endpoint functions live beside it by area (`auth.ts`, `organizations.ts`, `stores.ts`).
 *
 * Failures never surface as raw `fetch` errors: they are thrown as `ApiError`, whose `code` is either the
 * server's stable error code (from its body `{"error":{"code","message","field"}}`) or one of the client-side
 * codes in `ClientErrorCode` when there was no usable answer.
 *
 * Authentication is the session cookie. State-changing requests carry the session's CSRF token in
 * `X-CSRF-Token` (`setCsrfToken`), and a 401 answer calls the handler set with `setUnauthenticatedHandler`
 * (the session provider sends the person to the sign-in page), unless the call opts out.
 *
 * Server-sent event streams go through `openEventStream`, with the same errors and the same 401 handling.
 */
import { isRecord, type Decoder } from './decode';

export type { Decoder } from './decode';

/** Prefix of every versioned API path. */
export const API_BASE = '/api/v1';

/** The error object the server puts in the body of every non-2xx API response. */
export interface ApiErrorBody {
  code: string;
  message: string;
  /** The request field at fault, when the error is about one. */
  field?: string;
}

/** Codes the client uses when the server gave no error body of its own. */
export const ClientErrorCode = {
  /** The request never got an HTTP response (server down, connection refused, offline). */
  Network: 'network_error',
  /** The caller aborted the request through its `AbortSignal`. */
  Aborted: 'aborted',
  /** The server answered, but not with the JSON the caller expects (or a non-2xx without an error body). */
  UnexpectedResponse: 'unexpected_response',
} as const;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status, or 0 when no response was received. */
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  /** From a `Retry-After` header (seconds), on 429 and 503 answers. */
  retryAfterSeconds: number | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  get isAborted(): boolean {
    return this.code === ClientErrorCode.Aborted;
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: HttpMethod;
  /** Serialised as JSON. */
  body?: unknown;
  signal?: AbortSignal | undefined;
  /**
   * When false, a 401 answer is only thrown, without calling the unauthenticated handler: for calls where
   * 401 is an expected answer (sign-in with a wrong password, loading the session when signed out).
   */
  redirectOnUnauthenticated?: boolean;
  /**
   * Calls as an API key (`Authorization: apiKey {keyId}:{keySecret}`) instead of the session: no cookie, no
   * CSRF header, and a 401 is only thrown. For the routes that only API keys may call.
   */
  apiKey?: string;
}

// ---- Session state shared by every request ---------------------------------------------------------

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** The CSRF token of the current session (from sign-in or `GET /session`); `null` when signed out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request (that did not opt out) is answered 401: the session has ended. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

const STATE_CHANGING: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reads `{"error":{"code","message","field"}}`; `undefined` when the body has another shape. */
export function parseErrorBody(value: unknown): ApiErrorBody | undefined {
  if (!isRecord(value) || !isRecord(value.error)) return undefined;
  const { code, message, field } = value.error;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return typeof field === 'string' ? { code, message, field } : { code, message };
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Sends one request to `API_BASE + path` and decodes the JSON answer.
 * Resolves with the decoded value; rejects only with `ApiError`.
 */
export async function request<T>(
  path: string,
  decode: Decoder<T>,
  options: RequestOptions = {},
): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  const apiKey = options.apiKey;
  if (apiKey !== undefined) headers.Authorization = `apiKey ${apiKey}`;
  else if (STATE_CHANGING.has(method) && csrfToken !== null) headers['X-CSRF-Token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: apiKey !== undefined ? 'omit' : 'same-origin' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal !== undefined) init.signal = options.signal;

  let response: Response;
  let payload: unknown;
  try {
    response = await fetch(API_BASE + path, init);
    payload = await readJson(response);
  } catch (error) {
    if (isAbort(error)) throw new ApiError(0, ClientErrorCode.Aborted, 'The request was cancelled.');
    throw new ApiError(0, ClientErrorCode.Network, 'The Starling server could not be reached.');
  }

  if (!response.ok) {
    if (response.status === 401 && options.redirectOnUnauthenticated !== false && apiKey === undefined) {
      onUnauthenticated?.();
    }
    const body = parseErrorBody(payload);
    const error =
      body !== undefined
        ? new ApiError(response.status, body.code, body.message, body.field)
        : new ApiError(
            response.status,
            ClientErrorCode.UnexpectedResponse,
            `The server answered ${response.status} ${response.statusText}`.trim() + '.',
          );
    const retryAfter = Number(response.headers.get('Retry-After') ?? NaN);
    if (Number.isFinite(retryAfter)) error.retryAfterSeconds = retryAfter;
    throw error;
  }

  const value = decode(payload);
  if (value === undefined) {
    throw new ApiError(
      response.status,
      ClientErrorCode.UnexpectedResponse,
      `The server's answer to ${path} does not have the expected shape.`,
    );
  }
  return value;
}

// ---- Event streams (server-sent events) ------------------------------------------------------------

export interface EventStreamHandlers<T> {
  /** The stream is open (again): what follows is live. */
  onOpen: () => void;
  /** One event of the stream's type, decoded, with its `id` (the server's sequence number). */
  onEvent: (value: T, id: string) => void;
  /**
   * The connection dropped (or the server ended the stream). The browser reconnects by itself after the
   * server's `retry:` delay and sends the last id as `Last-Event-ID`, so nothing is missed; `onOpen` follows.
   */
  onInterrupted: () => void;
  /**
   * The browser gave up: the server refused the stream (an error status) or sent something else. No more
   * events come; `error` says why as `request` would, and a 401 also calls the unauthenticated handler.
   */
  onFailed: (error: ApiError) => void;
}

export interface EventStream {
  /** Closes the connection; no handler is called afterwards. */
  close(): void;
}

/**
 * Opens `GET API_BASE + path` as an `EventSource` (same origin: the session cookie goes along) and hands its
 * `eventName` events, decoded, to `handlers`. An event that does not decode ends the stream with `onFailed`.
 */
export function openEventStream<T>(
  path: string,
  eventName: string,
  decode: Decoder<T>,
  handlers: EventStreamHandlers<T>,
): EventStream {
  const url = API_BASE + path;
  const source = new EventSource(url);
  let stopped = false;
  const fail = (error: ApiError) => {
    if (stopped) return;
    stopped = true;
    source.close();
    handlers.onFailed(error);
  };
  source.onopen = () => {
    if (!stopped) handlers.onOpen();
  };
  source.addEventListener(eventName, (message: MessageEvent<string>) => {
    if (stopped) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.data) as unknown;
    } catch {
      parsed = undefined;
    }
    const value = decode(parsed);
    if (value === undefined) {
      fail(new ApiError(200, ClientErrorCode.UnexpectedResponse, `An event of ${path} does not have the expected shape.`));
      return;
    }
    handlers.onEvent(value, message.lastEventId);
  });
  source.onerror = () => {
    if (stopped) return;
    if (source.readyState !== EventSource.CLOSED) {
      handlers.onInterrupted();
      return;
    }
    // EventSource does not say why it gave up: ask once with fetch to learn the status and error body.
    source.close();
    void explainStreamFailure(url).then(fail);
  };
  return {
    close() {
      stopped = true;
      source.close();
    },
  };
}

/** Why `url` refuses to stream: its error answer as an `ApiError` (the stream itself is dropped unread). */
async function explainStreamFailure(url: string): Promise<ApiError> {
  const controller = new AbortController();
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: 'text/event-stream' },
      credentials: 'same-origin',
      signal: controller.signal,
    });
  } catch {
    return new ApiError(0, ClientErrorCode.Network, 'The Starling server could not be reached.');
  }
  if (response.ok) {
    controller.abort();
    return new ApiError(0, ClientErrorCode.Network, 'The live connection was interrupted.');
  }
  let payload: unknown;
  try {
    payload = await readJson(response);
  } catch {
    payload = undefined;
  }
  if (response.status === 401) onUnauthenticated?.();
  const body = parseErrorBody(payload);
  return body !== undefined
    ? new ApiError(response.status, body.code, body.message, body.field)
    : new ApiError(
        response.status,
        ClientErrorCode.UnexpectedResponse,
        `The server answered ${response.status} ${response.statusText}`.trim() + '.',
      );
}

// ---- Endpoints -------------------------------------------------------------------------------------

/** `GET /api/v1/info`: what this server is. */
export interface ServerInfo {
  name: string;
  version: string;
}

const decodeServerInfo: Decoder<ServerInfo> = (value) => {
  if (!isRecord(value)) return undefined;
  const { name, version } = value;
  if (typeof name !== 'string' || typeof version !== 'string') return undefined;
  return { name, version };
};

export function getServerInfo(signal?: AbortSignal): Promise<ServerInfo> {
  return request('/info', decodeServerInfo, signal === undefined ? {} : { signal });
}
