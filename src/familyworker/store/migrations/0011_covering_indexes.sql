-- Schema version 11: when each family was last contacted (caseload, My week, team view) is read
-- from an index holding every column the "contact made" test needs, so the notes' long text
-- pages are never read (and decrypted) for it.
CREATE INDEX ix_contact_note_last_contact ON contact_note (family_id, occurred_at, status, outcome, kind, deleted_at);
-- Likewise the latest Web Star per family (My week's re-scores, the team view), without reading
-- the scores.
CREATE INDEX ix_star_assessment_latest ON star_assessment (family_id, assessed_on, deleted_at);
