/**
 * The shapes of `docs/api-accounts.md` and their decoders. Names follow the API (`snake_case` fields), so a
 * reader can hold a type against the contract line by line.
 */
import {
  arrayOf,
  bool,
  either,
  int,
  json,
  nullable,
  object,
  oneOf,
  str,
  withDefault,
  type Decoder,
} from './decode';
import { decodeScriptOptions, type ScriptOptions } from './contactTypes';

// ---- Roles -----------------------------------------------------------------------------------------

export const STORE_ROLES = ['administrator', 'marketer'] as const;
export type StoreRole = (typeof STORE_ROLES)[number];
export const decodeStoreRole = oneOf(STORE_ROLES);

export const ORG_ROLES = ['owner', 'administrator', 'member'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const decodeOrgRole = oneOf(ORG_ROLES);

export const MEMBER_STATUSES = ['active', 'invited'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

// ---- Users and sessions ----------------------------------------------------------------------------

export interface User {
  id: number;
  email: string;
  name: string;
}

export const decodeUser: Decoder<User> = object({ id: int, email: str, name: withDefault(str, '') });

export interface SessionStore {
  id: number;
  name: string;
  /** Effective role: organization owners and administrators administer every store of the organization. */
  role: StoreRole;
}

export interface SessionOrganization {
  id: number;
  name: string;
  /** `null` when the user only belongs to some of its stores. */
  role: OrgRole | null;
  stores: SessionStore[];
}

export interface Session {
  user: User;
  csrf_token: string;
  organizations: SessionOrganization[];
}

export const decodeSession: Decoder<Session> = object({
  user: decodeUser,
  csrf_token: str,
  organizations: arrayOf(
    object({
      id: int,
      name: str,
      role: nullable(decodeOrgRole),
      stores: arrayOf(object({ id: int, name: str, role: decodeStoreRole })),
    }),
  ),
});

export interface NamedRef {
  id: number;
  name: string;
}

const decodeNamedRef: Decoder<NamedRef> = object({ id: int, name: str });

export interface InvitationPreview {
  email: string;
  /** A store role for store invitations, an organization role for organization invitations. */
  role: StoreRole | OrgRole;
  /** `null` for an invitation to the organization only. */
  store: NamedRef | null;
  organization: NamedRef;
  user_exists: boolean;
  expires_at: string;
  invited_by: string;
}

export const decodeInvitationPreview: Decoder<InvitationPreview> = object({
  email: str,
  role: either(decodeStoreRole, decodeOrgRole),
  store: nullable(decodeNamedRef),
  organization: decodeNamedRef,
  user_exists: bool,
  expires_at: str,
  invited_by: str,
});

export type Me =
  | { type: 'user'; user: User }
  | { type: 'api_key'; key_id: string; name: string; store: NamedRef; scopes: string[] };

export const decodeMe: Decoder<Me> = either(
  object({ type: oneOf(['user'] as const), user: decodeUser }),
  object({
    type: oneOf(['api_key'] as const),
    key_id: str,
    name: str,
    store: decodeNamedRef,
    scopes: arrayOf(str),
  }),
);

// ---- Shared pieces ---------------------------------------------------------------------------------

export interface Address {
  line1: string;
  line2: string;
  postal_code: string;
  city: string;
  region: string;
  country: string;
}

export const EMPTY_ADDRESS: Address = { line1: '', line2: '', postal_code: '', city: '', region: '', country: '' };

const text = withDefault(str, '');

export const decodeAddress: Decoder<Address> = withDefault(
  object({ line1: text, line2: text, postal_code: text, city: text, region: text, country: text }),
  EMPTY_ADDRESS,
);

/**
 * Who did something: a user, an API key, the command line or the system. `null` in the API (no user: made
 * with the command line, or by a user since deleted) decodes to the type `none`.
 */
export interface Actor {
  type: string;
  id: number | string | null;
  email: string | null;
  /** A readable name the server gives some actors (audit entries). */
  label: string | null;
}

export const decodeActor: Decoder<Actor> = withDefault(
  object({
    type: str,
    id: nullable(either(int, str)),
    email: nullable(str),
    label: nullable(str),
  }),
  { type: 'none', id: null, email: null, label: null },
);

/** A member of a store or an organization, or a pending invitation (`status: "invited"`). */
export interface Member<Role extends string> {
  /** `null` for an invitation to someone who has no account yet. */
  user_id: number | null;
  /** Set for pending invitations. */
  invitation_id: number | null;
  email: string;
  name: string;
  role: Role;
  status: MemberStatus;
  created_at: string;
  expires_at: string | null;
  /** Only in the answer to the request that created the invitation. */
  invitation_url: string | null;
}

function decodeMember<Role extends string>(role: Decoder<Role>): Decoder<Member<Role>> {
  return object({
    user_id: nullable(int),
    invitation_id: nullable(int),
    email: str,
    name: text,
    role,
    status: oneOf(MEMBER_STATUSES),
    created_at: str,
    expires_at: nullable(str),
    invitation_url: nullable(str),
  });
}

export type StoreMember = Member<StoreRole>;
export type OrgMember = Member<OrgRole>;
export const decodeStoreMember: Decoder<StoreMember> = decodeMember(decodeStoreRole);
export const decodeOrgMember: Decoder<OrgMember> = decodeMember(decodeOrgRole);

export interface AuditEntry {
  id: number;
  at: string;
  actor: Actor;
  action: string;
  target: string | null;
  details: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | null;
}

export const decodeAuditPage: Decoder<AuditPage> = object({
  entries: arrayOf(
    object({
      id: int,
      at: str,
      actor: decodeActor,
      action: str,
      target: nullable((value) => (typeof value === 'number' ? String(value) : str(value))),
      details: json,
    }),
  ),
  next_cursor: nullable(str),
});

// ---- Organizations ---------------------------------------------------------------------------------

export interface Organization {
  id: number;
  name: string;
  logo_url: string;
  role: OrgRole | null;
  address: Address;
  created_at: string;
}

export const decodeOrganization: Decoder<Organization> = object({
  id: int,
  name: str,
  logo_url: text,
  role: nullable(decodeOrgRole),
  address: decodeAddress,
  created_at: str,
});

export interface StoreSummary {
  id: number;
  name: string;
  site_url: string;
  role: StoreRole | null;
}

export const decodeStoreSummary: Decoder<StoreSummary> = object({
  id: int,
  name: str,
  site_url: text,
  role: nullable(decodeStoreRole),
});

// ---- Stores ----------------------------------------------------------------------------------------

export const INTEGRATION_TYPES = ['module', 'custom', 'api'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

/** What every member needs to work in a store. */
export interface Store {
  id: number;
  organization_id: number;
  name: string;
  site_url: string;
  logo_url: string;
  language: string;
  time_zone: string;
  currency: string;
  role: StoreRole | null;
}

export const decodeStore: Decoder<Store> = object({
  id: int,
  organization_id: int,
  name: str,
  site_url: text,
  logo_url: text,
  language: text,
  time_zone: text,
  currency: text,
  role: nullable(decodeStoreRole),
});

export interface EcommerceSettings {
  integration_type: IntegrationType;
  /** 5 … 10080. */
  cart_abandonment_minutes: number;
}

/** The settings of a store, as administrators see and edit them. */
export interface StoreSettings {
  id: number;
  organization_id: number;
  name: string;
  site_url: string;
  logo_url: string;
  /** ISO 639-1, two lower-case letters. */
  language: string;
  /** IANA name. */
  time_zone: string;
  /** ISO 4217, three upper-case letters. */
  currency: string;
  address: Address;
  legal_info: string;
  ecommerce: EcommerceSettings;
  /** Host names; the tracking endpoint refuses others. */
  authorized_domains: string[];
  /** Where and for whom the tracking script runs (include/exclude URL patterns, sampling). */
  script_options: ScriptOptions;
  tracking_token: string;
  created_at: string;
  updated_at: string;
}

export const decodeStoreSettings: Decoder<StoreSettings> = object({
  id: int,
  organization_id: int,
  name: str,
  site_url: text,
  logo_url: text,
  language: text,
  time_zone: text,
  currency: text,
  address: decodeAddress,
  legal_info: text,
  ecommerce: object({ integration_type: oneOf(INTEGRATION_TYPES), cart_abandonment_minutes: int }),
  authorized_domains: withDefault(arrayOf(str), []),
  script_options: decodeScriptOptions,
  tracking_token: str,
  created_at: str,
  updated_at: str,
});

/** The fields of `PATCH /stores/{id}/settings` (every one optional). */
export type StoreSettingsPatch = Partial<
  Omit<StoreSettings, 'id' | 'organization_id' | 'tracking_token' | 'created_at' | 'updated_at' | 'ecommerce'>
> & { ecommerce?: Partial<EcommerceSettings> };

/** The fields of `POST /organizations/{id}/stores`. */
export interface NewStore {
  name: string;
  site_url: string;
  time_zone?: string;
  currency?: string;
  language?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  created_by: Actor;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export const decodeApiKey: Decoder<ApiKey> = object({
  id: str,
  name: str,
  scopes: arrayOf(str),
  created_by: decodeActor,
  created_at: str,
  last_used_at: nullable(str),
  revoked_at: nullable(str),
});

export type NewApiKey = ApiKey & { secret: string };

export const decodeNewApiKey: Decoder<NewApiKey> = (value) => {
  const key = decodeApiKey(value);
  const secret = object({ secret: str })(value);
  return key === undefined || secret === undefined ? undefined : { ...key, secret: secret.secret };
};

export interface ExcludedIp {
  id: number;
  ip: string;
  label: string;
  created_at: string;
  created_by: Actor;
}

export const decodeExcludedIp: Decoder<ExcludedIp> = object({
  id: int,
  ip: str,
  label: text,
  created_at: str,
  created_by: decodeActor,
});

export interface ScopeCatalog {
  resources: string[];
  scopes: string[];
}

export const decodeScopeCatalog: Decoder<ScopeCatalog> = object({ resources: arrayOf(str), scopes: arrayOf(str) });
