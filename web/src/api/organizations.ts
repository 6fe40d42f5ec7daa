/** Organizations, their stores, members and activity (`docs/api-accounts.md` § Organizations). */
import { request } from './client';
import { arrayOf, field, nothing } from './decode';
import {
  decodeAuditPage,
  decodeOrganization,
  decodeOrgMember,
  decodeStoreSettings,
  decodeStoreSummary,
  type Address,
  type AuditPage,
  type NewStore,
  type Organization,
  type OrgMember,
  type OrgRole,
  type StoreSettings,
  type StoreSummary,
} from './types';

const base = (orgId: number) => `/organizations/${orgId}`;

export function createOrganization(name: string): Promise<Organization> {
  return request('/organizations', decodeOrganization, { method: 'POST', body: { name } });
}

export function getOrganization(orgId: number, signal?: AbortSignal): Promise<Organization> {
  return request(base(orgId), decodeOrganization, { signal });
}

export interface OrganizationPatch {
  name?: string;
  logo_url?: string;
  address?: Address;
}

export function updateOrganization(orgId: number, patch: OrganizationPatch): Promise<Organization> {
  return request(base(orgId), decodeOrganization, { method: 'PATCH', body: patch });
}

export function listOrganizationStores(orgId: number, signal?: AbortSignal): Promise<StoreSummary[]> {
  return request(`${base(orgId)}/stores`, field('stores', arrayOf(decodeStoreSummary)), { signal });
}

/** Creates a store; the caller becomes one of its administrators. */
export function createStore(orgId: number, store: NewStore): Promise<StoreSettings> {
  return request(`${base(orgId)}/stores`, decodeStoreSettings, { method: 'POST', body: store });
}

/** Members and pending invitations. */
export function listOrganizationMembers(orgId: number, signal?: AbortSignal): Promise<OrgMember[]> {
  return request(`${base(orgId)}/members`, field('members', arrayOf(decodeOrgMember)), { signal });
}

/** Adds an existing user at once, or invites by email (the answer then carries `invitation_url`). */
export function addOrganizationMember(orgId: number, email: string, role: OrgRole): Promise<OrgMember> {
  return request(`${base(orgId)}/members`, decodeOrgMember, { method: 'POST', body: { email, role } });
}

export function changeOrganizationMemberRole(orgId: number, userId: number, role: OrgRole): Promise<OrgMember> {
  return request(`${base(orgId)}/members/${userId}`, decodeOrgMember, { method: 'PATCH', body: { role } });
}

export async function removeOrganizationMember(orgId: number, userId: number): Promise<void> {
  await request(`${base(orgId)}/members/${userId}`, nothing, { method: 'DELETE' });
}

export async function revokeOrganizationInvitation(orgId: number, invitationId: number): Promise<void> {
  await request(`${base(orgId)}/invitations/${invitationId}`, nothing, { method: 'DELETE' });
}

export function getOrganizationAuditLog(
  orgId: number,
  cursor: string | null,
  signal?: AbortSignal,
  limit = 50,
): Promise<AuditPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) query.set('cursor', cursor);
  return request(`${base(orgId)}/audit-log?${query.toString()}`, decodeAuditPage, { signal });
}
