/**
 * The one typed client for the Starling HTTP API. Every call from the UI goes through `request`.
 *
 * Failures never surface as raw `fetch` errors: they are thrown as `ApiError`, whose `code` is either the
 * server's stable error code (from its body `{"error":{"code","message","field"}}`) or one of the client-side
 * codes in `ClientErrorCode` when there was no usable answer.
 */

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

/** Turns parsed JSON into a typed value, or returns `undefined` when the shape is wrong. */
export type Decoder<T> = (value: unknown) => T | undefined;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: HttpMethod;
  /** Serialised as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method: options.method ?? 'GET', headers };
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
    const body = parseErrorBody(payload);
    if (body !== undefined) throw new ApiError(response.status, body.code, body.message, body.field);
    throw new ApiError(
      response.status,
      ClientErrorCode.UnexpectedResponse,
      `The server answered ${response.status} ${response.statusText}`.trim() + '.',
    );
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
