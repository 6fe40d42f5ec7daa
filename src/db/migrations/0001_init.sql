-- Installation-wide facts, one row per key: `installation_id`, `created_at` (ISO 8601 UTC), ...
-- Written by the application at first start; later migrations add the store tables.
CREATE TABLE kv_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
