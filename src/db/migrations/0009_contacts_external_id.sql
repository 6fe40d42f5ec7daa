-- A contact's external id (the `_external_id` field: the shop's own id of the customer, a Segment userId
-- that is not an email) as a column of its own, written by the runtime with the fields, so that the
-- contact search can match it without parsing every contact's fields.
ALTER TABLE contacts ADD COLUMN external_id TEXT;
UPDATE contacts SET external_id = CAST(json_extract(fields, '$._external_id') AS TEXT)
  WHERE json_valid(fields) AND json_extract(fields, '$._external_id') IS NOT NULL;
