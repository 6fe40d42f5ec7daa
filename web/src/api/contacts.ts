/** Contacts, activity timelines and the integration check (`docs/api-contacts.md`). */
import { openEventStream, request, type EventStream, type EventStreamHandlers } from './client';
import { object, str } from './decode';
import {
  decodeActivityPage,
  decodeContact,
  decodeContactPage,
  decodeIntegration,
  decodeLiveEntry,
  type ActivityPage,
  type Contact,
  type ContactPage,
  type Integration,
  type LiveEntry,
} from './contactTypes';

const base = (storeId: number) => `/stores/${storeId}`;

export interface PageQuery {
  cursor?: string | null;
  /** 1 … 200; the server's default when left out. */
  limit?: number;
}

export interface ContactQuery extends PageQuery {
  /** A fragment of the email or of the external id (case-insensitive). */
  q?: string;
}

export interface ActivityQuery extends PageQuery {
  /** Keep one event type. */
  type?: string;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

// ---- With the session (the UI) ---------------------------------------------------------------------

/** `GET /stores/{id}/contacts`: newest first; merged contacts are left out. */
export function listContacts(storeId: number, options: ContactQuery = {}, signal?: AbortSignal): Promise<ContactPage> {
  const path = `${base(storeId)}/contacts${query({ q: options.q, cursor: options.cursor, limit: options.limit })}`;
  return request(path, decodeContactPage, { signal });
}

/** `GET /stores/{id}/contacts/{contactId}`; a merged contact answers with `merged_into` set. */
export function getContact(storeId: number, contactId: number, signal?: AbortSignal): Promise<Contact> {
  return request(`${base(storeId)}/contacts/${contactId}`, decodeContact, { signal });
}

/** `GET /stores/{id}/contacts/{contactId}/activities`: the timeline, newest first. */
export function listContactActivities(
  storeId: number,
  contactId: number,
  options: ActivityQuery = {},
  signal?: AbortSignal,
): Promise<ActivityPage> {
  const path = `${base(storeId)}/contacts/${contactId}/activities${query({
    type: options.type,
    cursor: options.cursor,
    limit: options.limit,
  })}`;
  return request(path, decodeActivityPage, { signal });
}

/** `GET /stores/{id}/integration` (administrators): snippet, token, domains, script options, checklist. */
export function getIntegration(storeId: number, signal?: AbortSignal): Promise<Integration> {
  return request(`${base(storeId)}/integration`, decodeIntegration, { signal });
}

/**
 * `GET /stores/{id}/integration/events` (administrators): the store's incoming requests as server-sent
 * events, oldest first. First those the server still keeps after `after` (all of them when `null`), then
 * each as it arrives. The browser resumes by itself after a dropped connection.
 */
export function openIntegrationEvents(
  storeId: number,
  after: number | null,
  handlers: EventStreamHandlers<LiveEntry>,
): EventStream {
  const path = `${base(storeId)}/integration/events${query({ after: after ?? undefined })}`;
  return openEventStream(path, 'entry', decodeLiveEntry, handlers);
}

// ---- With an API key (`Authorization: apiKey {keyId}:{keySecret}`) --------------------------------

/** `GET /contacts/{email_or_id}`: a contact of the key's store, by email or id (scope `contacts:read`). */
export function getContactWithKey(apiKey: string, emailOrId: string | number, signal?: AbortSignal): Promise<Contact> {
  return request(`/contacts/${encodeURIComponent(String(emailOrId))}`, decodeContact, { apiKey, signal });
}

/** `GET /contacts/{contactId}/activities` with an API key (scope `contacts:read`). */
export function listActivitiesWithKey(
  apiKey: string,
  contactId: number,
  options: ActivityQuery = {},
  signal?: AbortSignal,
): Promise<ActivityPage> {
  const path = `/contacts/${contactId}/activities${query({ type: options.type, cursor: options.cursor, limit: options.limit })}`;
  return request(path, decodeActivityPage, { apiKey, signal });
}

// ---- Test servers only -----------------------------------------------------------------------------

/**
 * `POST /test/clock` moves the clock of a server started with `test_clock = true` (timers such as cart
 * abandonment fire); the route does not exist otherwise. Answers the server's new time.
 */
export async function advanceTestClock(seconds: number): Promise<string> {
  const answer = await request('/test/clock', object({ now: str }), { method: 'POST', body: { advance_seconds: seconds } });
  return answer.now;
}
