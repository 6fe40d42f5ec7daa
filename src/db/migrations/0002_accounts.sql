-- Accounts: users, sessions, organizations, stores, members, invitations, API keys, excluded IPs, audit.
-- Ids are assigned by the application (accounts/account_store.cc). Times are ISO 8601 UTC text.
-- Emails are stored trimmed and lower-cased. Secrets are stored as SHA-256 hex, never in clear.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',   -- '' until the user sets one (accepting an invitation)
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,              -- absolute end
  last_seen_at TEXT NOT NULL,              -- idle timeout counts from here
  ip           TEXT NOT NULL DEFAULT '',
  user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT
);

CREATE TABLE organizations (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  logo_url    TEXT NOT NULL DEFAULT '',
  address     TEXT NOT NULL DEFAULT '{}',  -- JSON object: line1, line2, postal_code, city, region, country
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE organization_members (
  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role            TEXT NOT NULL CHECK (role IN ('owner', 'administrator', 'member')),
  created_at      TEXT NOT NULL,
  PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_members_by_user ON organization_members (user_id);

CREATE TABLE stores (
  id                       INTEGER PRIMARY KEY,
  organization_id          INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name                     TEXT NOT NULL,
  site_url                 TEXT NOT NULL DEFAULT '',
  logo_url                 TEXT NOT NULL DEFAULT '',
  language                 TEXT NOT NULL DEFAULT 'en',
  time_zone                TEXT NOT NULL DEFAULT 'UTC',
  currency                 TEXT NOT NULL DEFAULT 'EUR',
  address                  TEXT NOT NULL DEFAULT '{}',
  legal_info               TEXT NOT NULL DEFAULT '',
  integration_type         TEXT NOT NULL DEFAULT 'custom' CHECK (integration_type IN ('module', 'custom', 'api')),
  cart_abandonment_minutes INTEGER NOT NULL DEFAULT 30,
  tracking_token           TEXT NOT NULL UNIQUE,
  created_at               TEXT NOT NULL,
  updated_at               TEXT NOT NULL
);
CREATE INDEX stores_by_organization ON stores (organization_id);

CREATE TABLE store_domains (
  store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  domain   TEXT NOT NULL,
  PRIMARY KEY (store_id, domain)
);

CREATE TABLE store_members (
  store_id   INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('administrator', 'marketer')),
  created_at TEXT NOT NULL,
  PRIMARY KEY (store_id, user_id)
);
CREATE INDEX store_members_by_user ON store_members (user_id);

-- An invitation to an organization (store_id NULL) or to one store of it.
CREATE TABLE invitations (
  id              INTEGER PRIMARY KEY,
  token_hash      TEXT NOT NULL UNIQUE,
  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  store_id        INTEGER REFERENCES stores (id) ON DELETE CASCADE,
  email           TEXT NOT NULL,
  role            TEXT NOT NULL,
  invited_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  accepted_at     TEXT,
  revoked_at      TEXT
);
CREATE INDEX invitations_by_store ON invitations (store_id);
CREATE INDEX invitations_by_organization ON invitations (organization_id);

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,             -- public key id, sent in the Authorization header
  store_id     INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  secret_hash  TEXT NOT NULL,
  scopes       TEXT NOT NULL,                -- space-separated, e.g. "contacts:read contacts:write"
  created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);
CREATE INDEX api_keys_by_store ON api_keys (store_id);

CREATE TABLE excluded_ips (
  id         INTEGER PRIMARY KEY,
  store_id   INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  ip         TEXT NOT NULL,                  -- canonical CIDR text ("203.0.113.0/24", "2001:db8::1")
  label      TEXT NOT NULL DEFAULT '',
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  UNIQUE (store_id, ip)
);

-- Who changed what: settings, members, keys. Store-level rows have store_id; organization-level rows
-- have only organization_id.
CREATE TABLE audit_log (
  id              INTEGER PRIMARY KEY,
  organization_id INTEGER,
  store_id        INTEGER,
  actor_type      TEXT NOT NULL,             -- user | api_key | cli | system
  actor_id        TEXT NOT NULL DEFAULT '',
  actor_label     TEXT NOT NULL DEFAULT '',  -- email or key name at the time
  action          TEXT NOT NULL,
  target          TEXT NOT NULL DEFAULT '',
  details         TEXT NOT NULL DEFAULT '{}',
  created_at      TEXT NOT NULL
);
CREATE INDEX audit_log_by_store ON audit_log (store_id, id);
CREATE INDEX audit_log_by_organization ON audit_log (organization_id, id);
