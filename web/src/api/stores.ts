/** A store: settings, members, API keys, excluded IPs and activity (`docs/api-accounts.md` § Stores). */
import { request } from './client';
import { arrayOf, field, nothing } from './decode';
import {
  decodeApiKey,
  decodeAuditPage,
  decodeExcludedIp,
  decodeNewApiKey,
  decodeScopeCatalog,
  decodeStore,
  decodeStoreMember,
  decodeStoreSettings,
  type ApiKey,
  type AuditPage,
  type ExcludedIp,
  type NewApiKey,
  type ScopeCatalog,
  type Store,
  type StoreMember,
  type StoreRole,
  type StoreSettings,
  type StoreSettingsPatch,
} from './types';

const base = (storeId: number) => `/stores/${storeId}`;

/** What every member of the store can read. */
export function getStore(storeId: number, signal?: AbortSignal): Promise<Store> {
  return request(base(storeId), decodeStore, { signal });
}

export function getStoreSettings(storeId: number, signal?: AbortSignal): Promise<StoreSettings> {
  return request(`${base(storeId)}/settings`, decodeStoreSettings, { signal });
}

export function updateStoreSettings(storeId: number, patch: StoreSettingsPatch): Promise<StoreSettings> {
  return request(`${base(storeId)}/settings`, decodeStoreSettings, { method: 'PATCH', body: patch });
}

/** Issues a new tracking token; the old one stops working at once. */
export function rotateTrackingToken(storeId: number): Promise<StoreSettings> {
  return request(`${base(storeId)}/settings/tracking-token`, decodeStoreSettings, { method: 'POST' });
}

/** Members and pending invitations. */
export function listStoreMembers(storeId: number, signal?: AbortSignal): Promise<StoreMember[]> {
  return request(`${base(storeId)}/members`, field('members', arrayOf(decodeStoreMember)), { signal });
}

/** Adds an existing user at once, or invites by email (the answer then carries `invitation_url`). */
export function addStoreMember(storeId: number, email: string, role: StoreRole): Promise<StoreMember> {
  return request(`${base(storeId)}/members`, decodeStoreMember, { method: 'POST', body: { email, role } });
}

export function changeStoreMemberRole(storeId: number, userId: number, role: StoreRole): Promise<StoreMember> {
  return request(`${base(storeId)}/members/${userId}`, decodeStoreMember, { method: 'PATCH', body: { role } });
}

export async function removeStoreMember(storeId: number, userId: number): Promise<void> {
  await request(`${base(storeId)}/members/${userId}`, nothing, { method: 'DELETE' });
}

export async function revokeStoreInvitation(storeId: number, invitationId: number): Promise<void> {
  await request(`${base(storeId)}/invitations/${invitationId}`, nothing, { method: 'DELETE' });
}

/** Every key, revoked ones included, newest first. */
export function listApiKeys(storeId: number, signal?: AbortSignal): Promise<ApiKey[]> {
  return request(`${base(storeId)}/api-keys`, field('api_keys', arrayOf(decodeApiKey)), { signal });
}

/** Creates a key; its `secret` is in this answer only. `scopes` may be `["all"]`. */
export function createApiKey(storeId: number, name: string, scopes: string[]): Promise<NewApiKey> {
  return request(`${base(storeId)}/api-keys`, decodeNewApiKey, { method: 'POST', body: { name, scopes } });
}

export async function revokeApiKey(storeId: number, keyId: string): Promise<void> {
  await request(`${base(storeId)}/api-keys/${encodeURIComponent(keyId)}`, nothing, { method: 'DELETE' });
}

export function listExcludedIps(storeId: number, signal?: AbortSignal): Promise<ExcludedIp[]> {
  return request(`${base(storeId)}/excluded-ips`, field('excluded_ips', arrayOf(decodeExcludedIp)), { signal });
}

/** `ip` is an IPv4/IPv6 address or CIDR range; the server says why when it is not (field `ip`). */
export function addExcludedIp(storeId: number, ip: string, label: string): Promise<ExcludedIp> {
  return request(`${base(storeId)}/excluded-ips`, decodeExcludedIp, { method: 'POST', body: { ip, label } });
}

export async function removeExcludedIp(storeId: number, id: number): Promise<void> {
  await request(`${base(storeId)}/excluded-ips/${id}`, nothing, { method: 'DELETE' });
}

export function getStoreAuditLog(
  storeId: number,
  cursor: string | null,
  signal?: AbortSignal,
  limit = 50,
): Promise<AuditPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) query.set('cursor', cursor);
  return request(`${base(storeId)}/audit-log?${query.toString()}`, decodeAuditPage, { signal });
}

/** `GET /scopes` (no authentication): the resources and scopes an API key can be given. */
export function getScopeCatalog(signal?: AbortSignal): Promise<ScopeCatalog> {
  return request('/scopes', decodeScopeCatalog, { signal });
}
