-- Schema version 8: indexes that every write paid for and no query used.
-- server_seq on the synced tables: rows are found by id or by family, never by server_seq;
-- dropping them makes a 40,000-row initial pull's inserts markedly cheaper.
DROP INDEX IF EXISTS ix_agency_involvement_server_seq;
DROP INDEX IF EXISTS ix_audit_event_server_seq;
DROP INDEX IF EXISTS ix_contact_note_server_seq;
DROP INDEX IF EXISTS ix_family_server_seq;
DROP INDEX IF EXISTS ix_family_criterion_server_seq;
DROP INDEX IF EXISTS ix_note_addendum_server_seq;
DROP INDEX IF EXISTS ix_outcome_server_seq;
DROP INDEX IF EXISTS ix_oversight_note_server_seq;
DROP INDEX IF EXISTS ix_person_server_seq;
DROP INDEX IF EXISTS ix_plan_server_seq;
DROP INDEX IF EXISTS ix_plan_action_server_seq;
DROP INDEX IF EXISTS ix_plan_goal_server_seq;
DROP INDEX IF EXISTS ix_star_assessment_server_seq;
DROP INDEX IF EXISTS ix_team_server_seq;
DROP INDEX IF EXISTS ix_worker_server_seq;
DROP INDEX IF EXISTS ix_sync_conflict_server_seq;
DROP INDEX IF EXISTS ix_outcome_claim_server_seq;
DROP INDEX IF EXISTS ix_sustainability_review_server_seq;
DROP INDEX IF EXISTS ix_family_co_worker_server_seq;

-- The outbox: nothing looks rows up by (table, row); only a batch's last row carries its
-- batch id, so a partial index holds one entry per pending batch instead of one per change.
DROP INDEX IF EXISTS ix_outbox_row;
DROP INDEX IF EXISTS ix_sync_outbox_batch_id;
CREATE INDEX ix_sync_outbox_batch_id ON sync_outbox (batch_id) WHERE batch_id IS NOT NULL;
