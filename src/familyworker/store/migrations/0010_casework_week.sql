-- Schema version 10: the casework week (docs/casework.md). Case status detail, household and
-- lone-working safety details, the booked visit and a lead professional on the family; the
-- dates a person's flags applied from; whether a contact happened, the child seen and their
-- words on a note; tasks (synced).
ALTER TABLE family ADD COLUMN status_since DATE;
ALTER TABLE family ADD COLUMN status_reason VARCHAR NOT NULL DEFAULT '';
ALTER TABLE family ADD COLUMN stepped_down_to VARCHAR NOT NULL DEFAULT '';
ALTER TABLE family ADD COLUMN phone VARCHAR NOT NULL DEFAULT '';
ALTER TABLE family ADD COLUMN preferred_language VARCHAR NOT NULL DEFAULT '';
ALTER TABLE family ADD COLUMN interpreter_needed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE family ADD COLUMN safety_information VARCHAR NOT NULL DEFAULT '';
ALTER TABLE family ADD COLUMN next_visit_at DATETIME;
ALTER TABLE family ADD COLUMN next_visit_where VARCHAR NOT NULL DEFAULT '';
ALTER TABLE family ADD COLUMN lead_professional_name VARCHAR NOT NULL DEFAULT '';
ALTER TABLE family ADD COLUMN lead_professional_agency VARCHAR NOT NULL DEFAULT '';
ALTER TABLE family ADD COLUMN lead_professional_contact VARCHAR NOT NULL DEFAULT '';

ALTER TABLE person ADD COLUMN flag_since JSON;

ALTER TABLE contact_note ADD COLUMN outcome VARCHAR NOT NULL DEFAULT 'made';
ALTER TABLE contact_note ADD COLUMN child_seen VARCHAR NOT NULL DEFAULT 'not-recorded';
ALTER TABLE contact_note ADD COLUMN child_voice VARCHAR NOT NULL DEFAULT '';
ALTER TABLE contact_note ADD COLUMN next_meeting_on DATE;

CREATE TABLE task (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	text VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	due_on DATE, 
	assigned_to VARCHAR, 
	created_by VARCHAR, 
	done_on DATE, 
	source_note_id VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_task_family_id ON task (family_id);
