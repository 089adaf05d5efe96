-- Schema version 14: one local row per family holding what My week reads of its records (the
-- last contact made, the latest Web Star, the latest agreed plan's version and review), so My
-- week joins it to the family instead of reading the notes', stars' and plans' pages. Local
-- only: never synced, never in the row schema. Built here from scratch, then kept right by
-- triggers on every write to the source tables, whoever makes it (the ORM, sync's pulled
-- pages written as plain SQL, resync, tombstones: a deletion is an update of deleted_at).
-- A new row can only raise a family's latest value, so the insert triggers (the bulk of a
-- pull) compare and keep the later one; updates and deletes recompute the touched family's
-- value from its index (a step or two). Either way a summary is what the rules in
-- services/plain_queries.py give from scratch.
-- The "contact made" test is services.plain_queries.CONTACT_MADE_SQL (a test checks they match).
CREATE TABLE family_week_summary (
	family_id VARCHAR NOT NULL PRIMARY KEY,
	last_contact_at VARCHAR,
	last_star_on VARCHAR,
	plan_version INTEGER,
	plan_review_due VARCHAR
) WITHOUT ROWID;

INSERT INTO family_week_summary (family_id, last_contact_at, last_star_on, plan_version, plan_review_due)
SELECT f.id,
  (SELECT max(occurred_at) FROM contact_note WHERE family_id = f.id AND deleted_at IS NULL AND status = 'final' AND outcome = 'made' AND kind IN ('home-visit', 'office', 'phone', 'school', 'team-around-the-family')),
  (SELECT max(assessed_on) FROM star_assessment WHERE family_id = f.id AND deleted_at IS NULL),
  (SELECT version FROM "plan" WHERE family_id = f.id AND deleted_at IS NULL AND status = 'agreed' ORDER BY version DESC LIMIT 1),
  (SELECT review_due FROM "plan" WHERE family_id = f.id AND deleted_at IS NULL AND status = 'agreed' ORDER BY version DESC LIMIT 1)
FROM family f;

CREATE TRIGGER tr_contact_note_week_summary_insert AFTER INSERT ON contact_note
WHEN NEW.deleted_at IS NULL AND NEW.status = 'final' AND NEW.outcome = 'made' AND NEW.kind IN ('home-visit', 'office', 'phone', 'school', 'team-around-the-family')
BEGIN
  INSERT INTO family_week_summary (family_id, last_contact_at) VALUES (NEW.family_id, NEW.occurred_at)
  ON CONFLICT (family_id) DO UPDATE SET last_contact_at = excluded.last_contact_at
  WHERE last_contact_at IS NULL OR excluded.last_contact_at > last_contact_at;
END;

CREATE TRIGGER tr_contact_note_week_summary_update AFTER UPDATE OF family_id, occurred_at, status, outcome, kind, deleted_at ON contact_note
BEGIN
  INSERT OR IGNORE INTO family_week_summary (family_id) VALUES (NEW.family_id);
  UPDATE family_week_summary SET last_contact_at = (SELECT max(occurred_at) FROM contact_note
    WHERE family_id = NEW.family_id AND deleted_at IS NULL AND status = 'final' AND outcome = 'made' AND kind IN ('home-visit', 'office', 'phone', 'school', 'team-around-the-family'))
  WHERE family_id = NEW.family_id;
  INSERT OR IGNORE INTO family_week_summary (family_id) VALUES (OLD.family_id);
  UPDATE family_week_summary SET last_contact_at = (SELECT max(occurred_at) FROM contact_note
    WHERE family_id = OLD.family_id AND deleted_at IS NULL AND status = 'final' AND outcome = 'made' AND kind IN ('home-visit', 'office', 'phone', 'school', 'team-around-the-family'))
  WHERE family_id = OLD.family_id;
END;

CREATE TRIGGER tr_contact_note_week_summary_delete AFTER DELETE ON contact_note
BEGIN
  INSERT OR IGNORE INTO family_week_summary (family_id) VALUES (OLD.family_id);
  UPDATE family_week_summary SET last_contact_at = (SELECT max(occurred_at) FROM contact_note
    WHERE family_id = OLD.family_id AND deleted_at IS NULL AND status = 'final' AND outcome = 'made' AND kind IN ('home-visit', 'office', 'phone', 'school', 'team-around-the-family'))
  WHERE family_id = OLD.family_id;
END;

CREATE TRIGGER tr_star_assessment_week_summary_insert AFTER INSERT ON star_assessment
WHEN NEW.deleted_at IS NULL
BEGIN
  INSERT INTO family_week_summary (family_id, last_star_on) VALUES (NEW.family_id, NEW.assessed_on)
  ON CONFLICT (family_id) DO UPDATE SET last_star_on = excluded.last_star_on
  WHERE last_star_on IS NULL OR excluded.last_star_on > last_star_on;
END;

CREATE TRIGGER tr_star_assessment_week_summary_update AFTER UPDATE OF family_id, assessed_on, deleted_at ON star_assessment
BEGIN
  INSERT OR IGNORE INTO family_week_summary (family_id) VALUES (NEW.family_id);
  UPDATE family_week_summary SET last_star_on = (SELECT max(assessed_on) FROM star_assessment
    WHERE family_id = NEW.family_id AND deleted_at IS NULL)
  WHERE family_id = NEW.family_id;
  INSERT OR IGNORE INTO family_week_summary (family_id) VALUES (OLD.family_id);
  UPDATE family_week_summary SET last_star_on = (SELECT max(assessed_on) FROM star_assessment
    WHERE family_id = OLD.family_id AND deleted_at IS NULL)
  WHERE family_id = OLD.family_id;
END;

CREATE TRIGGER tr_star_assessment_week_summary_delete AFTER DELETE ON star_assessment
BEGIN
  INSERT OR IGNORE INTO family_week_summary (family_id) VALUES (OLD.family_id);
  UPDATE family_week_summary SET last_star_on = (SELECT max(assessed_on) FROM star_assessment
    WHERE family_id = OLD.family_id AND deleted_at IS NULL)
  WHERE family_id = OLD.family_id;
END;

CREATE TRIGGER tr_plan_week_summary_insert AFTER INSERT ON "plan"
WHEN NEW.deleted_at IS NULL AND NEW.status = 'agreed'
BEGIN
  INSERT INTO family_week_summary (family_id, plan_version, plan_review_due)
  VALUES (NEW.family_id, NEW.version, NEW.review_due)
  ON CONFLICT (family_id) DO UPDATE SET plan_version = excluded.plan_version,
    plan_review_due = excluded.plan_review_due
  WHERE plan_version IS NULL OR excluded.plan_version > plan_version;
END;

CREATE TRIGGER tr_plan_week_summary_update AFTER UPDATE OF family_id, version, status, review_due, deleted_at ON "plan"
BEGIN
  INSERT OR IGNORE INTO family_week_summary (family_id) VALUES (NEW.family_id);
  UPDATE family_week_summary SET (plan_version, plan_review_due) = (SELECT version, review_due
    FROM "plan" WHERE family_id = NEW.family_id AND deleted_at IS NULL AND status = 'agreed'
    ORDER BY version DESC LIMIT 1)
  WHERE family_id = NEW.family_id;
  INSERT OR IGNORE INTO family_week_summary (family_id) VALUES (OLD.family_id);
  UPDATE family_week_summary SET (plan_version, plan_review_due) = (SELECT version, review_due
    FROM "plan" WHERE family_id = OLD.family_id AND deleted_at IS NULL AND status = 'agreed'
    ORDER BY version DESC LIMIT 1)
  WHERE family_id = OLD.family_id;
END;

CREATE TRIGGER tr_plan_week_summary_delete AFTER DELETE ON "plan"
BEGIN
  INSERT OR IGNORE INTO family_week_summary (family_id) VALUES (OLD.family_id);
  UPDATE family_week_summary SET (plan_version, plan_review_due) = (SELECT version, review_due
    FROM "plan" WHERE family_id = OLD.family_id AND deleted_at IS NULL AND status = 'agreed'
    ORDER BY version DESC LIMIT 1)
  WHERE family_id = OLD.family_id;
END;

-- A family removed for good (deleted from this device) takes its summary with it.
CREATE TRIGGER tr_family_week_summary_delete AFTER DELETE ON family
BEGIN
  DELETE FROM family_week_summary WHERE family_id = OLD.id;
END;
