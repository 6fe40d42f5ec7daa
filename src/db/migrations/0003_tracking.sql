-- Event collection: contacts and their trackers, events, carts, the product catalog, purchases and
-- durable timers. Written only by the store's runtime (engine/), in group-committed batches.
-- Ids are per store and assigned by the runtime. Hot timestamps are INTEGER microseconds since the epoch.

CREATE TABLE contacts (
  store_id    INTEGER NOT NULL,
  id          INTEGER NOT NULL,
  email       TEXT,                          -- the primary key (lower-case); NULL while anonymous
  fields      TEXT NOT NULL DEFAULT '{}',    -- profile fields: {"_name":"Ana","loyalty":"gold"}
  merged_into INTEGER,                       -- set when this anonymous contact was merged into another
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (store_id, id)
);
CREATE UNIQUE INDEX contacts_by_email ON contacts (store_id, email);

CREATE TABLE contact_trackers (
  store_id   INTEGER NOT NULL,
  tracker_id TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (store_id, tracker_id)
);
CREATE INDEX contact_trackers_by_contact ON contact_trackers (store_id, contact_id);

CREATE TABLE events (
  store_id    INTEGER NOT NULL,
  id          INTEGER NOT NULL,
  contact_id  INTEGER NOT NULL,
  type        TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  data        TEXT NOT NULL,                 -- the event's own fields, a JSON object
  PRIMARY KEY (store_id, id)
);
CREATE INDEX events_by_contact ON events (store_id, contact_id, id);

-- The current cart of each contact (one per contact).
CREATE TABLE carts (
  store_id       INTEGER NOT NULL,
  contact_id     INTEGER NOT NULL,
  cart_id        TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('active', 'abandoned', 'purchased', 'empty')),
  total_quantity REAL NOT NULL,
  total_price    REAL NOT NULL,
  items          TEXT NOT NULL,              -- [{"product":{…},"quantity":1,"price":9.9}]
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (store_id, contact_id)
);

CREATE TABLE products (
  store_id   INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  name       TEXT NOT NULL,
  url        TEXT NOT NULL,
  unit_price REAL NOT NULL,
  data       TEXT NOT NULL,                  -- the full product object as last received
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (store_id, product_id)
);

CREATE TABLE purchases (
  store_id       INTEGER NOT NULL,
  purchase_id    TEXT NOT NULL,
  contact_id     INTEGER NOT NULL,
  total_price    REAL NOT NULL,
  total_quantity REAL NOT NULL,
  payment_method TEXT NOT NULL DEFAULT '',
  source         TEXT NOT NULL DEFAULT '',
  items          TEXT NOT NULL,
  purchased_at   INTEGER NOT NULL,
  PRIMARY KEY (store_id, purchase_id)
);
CREATE INDEX purchases_by_contact ON purchases (store_id, contact_id);

-- Durable timers (cart abandonment now; workflow waits later): loaded into memory at start.
CREATE TABLE timers (
  store_id   INTEGER NOT NULL,
  id         INTEGER NOT NULL,
  kind       TEXT NOT NULL,                  -- 'cart-abandonment'
  contact_id INTEGER NOT NULL,
  due_at     INTEGER NOT NULL,
  data       TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (store_id, id)
);
CREATE INDEX timers_by_due ON timers (store_id, due_at);

-- Options of the tracking script (Store settings › Channels › Web): {"include_urls":[…],
-- "exclude_urls":[…], "sampling":1.0}.
ALTER TABLE stores ADD COLUMN script_options TEXT NOT NULL DEFAULT '{}';
