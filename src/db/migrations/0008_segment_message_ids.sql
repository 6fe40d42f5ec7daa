-- Segment's messageId: libraries retry a call whose answer they did not get (a timeout, a dropped
-- connection) with the same messageId, and the call must then not be stored twice. One row per call
-- stored with a messageId, kept 24 hours: when it was stored and a 64-bit hash of the id (the first 8
-- bytes of its SHA-256). Written by the store's runtime in the call's own commit, so that a retry after
-- a crash is recognized too. The runtime keeps the last day's hashes in memory (it looks them up there,
-- never here) and deletes older rows every minute; keyed by time, both the inserts and the deletions
-- touch only the ends of the table.
CREATE TABLE segment_messages (
  store_id INTEGER NOT NULL,
  seen_at  INTEGER NOT NULL,
  id_hash  INTEGER NOT NULL,
  PRIMARY KEY (store_id, seen_at, id_hash)
) WITHOUT ROWID;
