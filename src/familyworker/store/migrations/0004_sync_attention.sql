-- Schema version 4: changes the server refused stay in the outbox, marked, for the worker to see
-- ("needs attention") instead of being dropped; they are not sent again on every pass.
ALTER TABLE sync_outbox ADD COLUMN rejected_reason VARCHAR;
ALTER TABLE sync_outbox ADD COLUMN rejected_at DATETIME;
