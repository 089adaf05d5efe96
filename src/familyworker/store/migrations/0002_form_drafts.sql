-- Schema version 2: unsaved form drafts, so closing or locking never loses typed text.
CREATE TABLE form_draft (
	"key" VARCHAR NOT NULL, 
	family_id VARCHAR, 
	payload VARCHAR NOT NULL, 
	saved_at DATETIME NOT NULL, 
	PRIMARY KEY ("key")
);

CREATE INDEX ix_form_draft_family_id ON form_draft (family_id);
