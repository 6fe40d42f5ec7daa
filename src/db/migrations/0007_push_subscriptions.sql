-- Web Push subscriptions of the contacts' browsers (the tracking script's `pushSubscription`): one row per
-- endpoint, which is unique to one browser's subscription and is also a key that finds its contact
-- (PRODUCT.md §2 Identity). A contact may have several (one per browser). Written only by the store's
-- runtime (engine/); the web-push channel sends to them.
CREATE TABLE push_subscriptions (
  store_id     INTEGER NOT NULL,
  endpoint     TEXT NOT NULL,               -- the push service's https URL for this browser
  contact_id   INTEGER NOT NULL,
  p256dh       TEXT NOT NULL,               -- the browser's P-256 public key, base64url as sent
  auth         TEXT NOT NULL,               -- the authentication secret, base64url as sent
  created_at   INTEGER NOT NULL,            -- first seen (microseconds since the epoch)
  last_seen_at INTEGER NOT NULL,            -- last sent by the script (updated at most once a day)
  PRIMARY KEY (store_id, endpoint)
);
CREATE INDEX push_subscriptions_by_contact ON push_subscriptions (store_id, contact_id);
