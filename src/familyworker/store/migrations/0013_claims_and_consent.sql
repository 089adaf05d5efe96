-- Schema version 13 (docs/claims.md, docs/consent.md): readings of the council's outcome
-- measures, employment spells (the continuous-employment route), claims with their route,
-- progress and frozen versions, the quarterly return's sex and intervention level, and the
-- consent register (append-only statements).
ALTER TABLE family ADD COLUMN intervention_level VARCHAR NOT NULL DEFAULT '';
ALTER TABLE person ADD COLUMN sex VARCHAR NOT NULL DEFAULT '';
ALTER TABLE outcome_claim ADD COLUMN route VARCHAR NOT NULL DEFAULT 'outcome-plan';
ALTER TABLE outcome_claim ADD COLUMN person_id VARCHAR;
ALTER TABLE outcome_claim ADD COLUMN quarter VARCHAR NOT NULL DEFAULT '';
ALTER TABLE outcome_claim ADD COLUMN status VARCHAR NOT NULL DEFAULT 'claimed';
ALTER TABLE outcome_claim ADD COLUMN status_on DATE;
ALTER TABLE outcome_claim ADD COLUMN rejected_reason VARCHAR NOT NULL DEFAULT '';
ALTER TABLE outcome_claim ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE outcome_claim ADD COLUMN supersedes_id VARCHAR;
ALTER TABLE outcome_claim ADD COLUMN snapshot JSON;

CREATE TABLE measure_reading (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	person_id VARCHAR, 
	measure_key VARCHAR NOT NULL, 
	period_start DATE, 
	period_end DATE NOT NULL, 
	value VARCHAR NOT NULL, 
	source VARCHAR NOT NULL, 
	source_reference VARCHAR NOT NULL, 
	verified_by VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	recorded_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_measure_reading_family_id ON measure_reading (family_id);

CREATE TABLE employment_spell (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	benefit_ended_on DATE, 
	started_on DATE NOT NULL, 
	ended_on DATE, 
	hours_per_week INTEGER NOT NULL, 
	source VARCHAR NOT NULL, 
	source_reference VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	recorded_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_employment_spell_family_id ON employment_spell (family_id);

CREATE TABLE consent_record (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	purpose VARCHAR NOT NULL, 
	agency VARCHAR NOT NULL, 
	decision VARCHAR NOT NULL, 
	given_by VARCHAR NOT NULL, 
	how VARCHAR NOT NULL, 
	stated_on DATE NOT NULL, 
	review_on DATE, 
	note VARCHAR NOT NULL, 
	recorded_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_consent_record_family_id ON consent_record (family_id);
