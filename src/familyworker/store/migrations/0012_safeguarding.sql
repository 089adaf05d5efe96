-- Schema version 12: safeguarding concerns and the decisions about them (docs/safeguarding.md),
-- both synced and append-only: a decision, and later its outcome, are new rows.
CREATE TABLE safeguarding_concern (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	about_person_id VARCHAR, 
	raised_at DATETIME NOT NULL, 
	seen_or_heard VARCHAR NOT NULL, 
	immediate_action VARCHAR NOT NULL, 
	raised_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_safeguarding_concern_family_id ON safeguarding_concern (family_id);

CREATE TABLE concern_decision (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	concern_id VARCHAR NOT NULL, 
	decided_at DATETIME NOT NULL, 
	decision VARCHAR NOT NULL, 
	referral_to VARCHAR NOT NULL, 
	referral_on DATE, 
	referral_reference VARCHAR NOT NULL, 
	outcome VARCHAR NOT NULL, 
	outcome_on DATE, 
	note VARCHAR NOT NULL, 
	decided_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_concern_decision_concern_id ON concern_decision (concern_id);

CREATE INDEX ix_concern_decision_family_id ON concern_decision (family_id);
