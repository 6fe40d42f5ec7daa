-- Events get ids unique across stores, so the table is keyed by its integer id alone (one b-tree, rows
-- appended in id order) instead of by (store_id, id), which SQLite stored as the table plus a second,
-- automatic index: one b-tree less to write for every event. Existing events are renumbered in the
-- order they were stored.
CREATE TABLE events_by_id (
  id          INTEGER PRIMARY KEY,          -- unique across stores; assigned by the engine
  store_id    INTEGER NOT NULL,
  contact_id  INTEGER NOT NULL,
  type        TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  data        TEXT NOT NULL
);
INSERT INTO events_by_id (id, store_id, contact_id, type, occurred_at, data)
  SELECT ROW_NUMBER() OVER (ORDER BY id, store_id), store_id, contact_id, type, occurred_at, data FROM events;
DROP TABLE events;
ALTER TABLE events_by_id RENAME TO events;
CREATE INDEX events_by_contact ON events (store_id, contact_id, id);
