-- A contact's events form a chain, newest first: events.prev_id is the id of the same contact's previous
-- event (0: none), and contacts.last_event_id is the newest. This replaces the index events_by_contact
-- (store_id, contact_id, id): its entries went to a random page of the index for every event, which was
-- a third of the committer's work under ingestion load; the chain costs nothing but a column of the
-- appended row.
--
-- contacts.last_event_id and contacts.event_count are written by the engine in the background, a few
-- contacts at a time (not with every event): the rows are exact for every event up to
-- engine_marks.heads_through, and the engine replays the events after it when it loads a store (every
-- such event whose id is above its contact's stored last_event_id). Reads take the newest head from the
-- engine (Engine::Heads).
ALTER TABLE events ADD COLUMN prev_id INTEGER NOT NULL DEFAULT 0;
UPDATE events SET prev_id = COALESCE((SELECT MAX(p.id) FROM events p WHERE p.store_id = events.store_id AND
                                      p.contact_id = events.contact_id AND p.id < events.id), 0);
DROP INDEX events_by_contact;

ALTER TABLE contacts ADD COLUMN last_event_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
UPDATE contacts SET
  last_event_id = COALESCE((SELECT MAX(e.id) FROM events e WHERE e.store_id = contacts.store_id AND e.contact_id = contacts.id), 0),
  event_count = (SELECT COUNT(*) FROM events e WHERE e.store_id = contacts.store_id AND e.contact_id = contacts.id);

-- Per store: every event with an id up to heads_through is counted in contacts and store_event_types.
CREATE TABLE engine_marks (
  store_id      INTEGER PRIMARY KEY,
  heads_through INTEGER NOT NULL
);
INSERT INTO engine_marks (store_id, heads_through) SELECT id, (SELECT COALESCE(MAX(id), 0) FROM events) FROM stores;

-- The newest event of each type per store (the integration checklist), as of engine_marks.heads_through.
CREATE TABLE store_event_types (
  store_id      INTEGER NOT NULL,
  type          TEXT NOT NULL,
  last_event_id INTEGER NOT NULL,
  PRIMARY KEY (store_id, type)
) WITHOUT ROWID;
INSERT INTO store_event_types (store_id, type, last_event_id) SELECT store_id, type, MAX(id) FROM events GROUP BY store_id, type;
