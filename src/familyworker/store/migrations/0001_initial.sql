-- Schema version 1: the caseload as first released.
CREATE TABLE agency_involvement (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	agency VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	contact VARCHAR NOT NULL, 
	from_date DATE, 
	to_date DATE, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_agency_involvement_family_id ON agency_involvement (family_id);

CREATE INDEX ix_agency_involvement_server_seq ON agency_involvement (server_seq);

CREATE TABLE audit_event (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR, 
	at DATETIME NOT NULL, 
	action VARCHAR NOT NULL, 
	entity VARCHAR NOT NULL, 
	entity_id VARCHAR, 
	actor_id VARCHAR, 
	device_id VARCHAR, 
	detail VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_audit_event_family_id ON audit_event (family_id);

CREATE INDEX ix_audit_event_server_seq ON audit_event (server_seq);

CREATE TABLE contact_note (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	occurred_at DATETIME NOT NULL, 
	narrative VARCHAR NOT NULL, 
	present JSON NOT NULL, 
	agencies JSON NOT NULL, 
	duration_minutes INTEGER, 
	follow_ups VARCHAR NOT NULL, 
	author_id VARCHAR, 
	status VARCHAR NOT NULL, 
	finalised_at DATETIME, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_contact_note_family_id ON contact_note (family_id);

CREATE INDEX ix_contact_note_server_seq ON contact_note (server_seq);

CREATE TABLE family (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	team_id VARCHAR, 
	reference VARCHAR NOT NULL, 
	household_name VARCHAR NOT NULL, 
	address VARCHAR NOT NULL, 
	postcode VARCHAR NOT NULL, 
	locality VARCHAR NOT NULL, 
	lead_worker_id VARCHAR, 
	status VARCHAR NOT NULL, 
	closure_reason VARCHAR, 
	referred_on DATE, 
	opened_on DATE, 
	closed_on DATE, 
	consent_given_on DATE, 
	consent_scope VARCHAR NOT NULL, 
	next_visit_due DATE, 
	review_due DATE, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_family_family_id ON family (family_id);

CREATE INDEX ix_family_lead_worker_id ON family (lead_worker_id);

CREATE INDEX ix_family_reference ON family (reference);

CREATE INDEX ix_family_server_seq ON family (server_seq);

CREATE TABLE family_criterion (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	criterion_key VARCHAR NOT NULL, 
	evidence VARCHAR NOT NULL, 
	identified_on DATE, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_family_criterion_family_id ON family_criterion (family_id);

CREATE INDEX ix_family_criterion_server_seq ON family_criterion (server_seq);

CREATE TABLE local_setting (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);

CREATE TABLE note_addendum (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	note_id VARCHAR NOT NULL, 
	text VARCHAR NOT NULL, 
	written_at DATETIME NOT NULL, 
	author_id VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_note_addendum_family_id ON note_addendum (family_id);

CREATE INDEX ix_note_addendum_note_id ON note_addendum (note_id);

CREATE INDEX ix_note_addendum_server_seq ON note_addendum (server_seq);

CREATE TABLE outcome (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	criterion_key VARCHAR NOT NULL, 
	achieved_on DATE NOT NULL, 
	evidence VARCHAR NOT NULL, 
	recorded_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_outcome_family_id ON outcome (family_id);

CREATE INDEX ix_outcome_server_seq ON outcome (server_seq);

CREATE TABLE oversight_note (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	supervisor_id VARCHAR, 
	written_at DATETIME NOT NULL, 
	decision VARCHAR NOT NULL, 
	actions VARCHAR NOT NULL, 
	review_due DATE, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_oversight_note_family_id ON oversight_note (family_id);

CREATE INDEX ix_oversight_note_server_seq ON oversight_note (server_seq);

CREATE TABLE person (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	relationship VARCHAR NOT NULL, 
	date_of_birth DATE, 
	school_setting VARCHAR NOT NULL, 
	flags JSON NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_person_family_id ON person (family_id);

CREATE INDEX ix_person_server_seq ON person (server_seq);

CREATE TABLE "plan" (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	status VARCHAR NOT NULL, 
	working_well VARCHAR NOT NULL, 
	worried_about VARCHAR NOT NULL, 
	needs_to_happen VARCHAR NOT NULL, 
	family_words VARCHAR NOT NULL, 
	agreed_on DATE, 
	review_due DATE, 
	created_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_plan_family_id ON "plan" (family_id);

CREATE INDEX ix_plan_server_seq ON "plan" (server_seq);

CREATE TABLE plan_action (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	plan_id VARCHAR NOT NULL, 
	goal_id VARCHAR NOT NULL, 
	position INTEGER NOT NULL, 
	what VARCHAR NOT NULL, 
	who VARCHAR NOT NULL, 
	by_when DATE, 
	status VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_plan_action_family_id ON plan_action (family_id);

CREATE INDEX ix_plan_action_goal_id ON plan_action (goal_id);

CREATE INDEX ix_plan_action_plan_id ON plan_action (plan_id);

CREATE INDEX ix_plan_action_server_seq ON plan_action (server_seq);

CREATE TABLE plan_goal (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	plan_id VARCHAR NOT NULL, 
	position INTEGER NOT NULL, 
	text VARCHAR NOT NULL, 
	star_domain_key VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_plan_goal_family_id ON plan_goal (family_id);

CREATE INDEX ix_plan_goal_plan_id ON plan_goal (plan_id);

CREATE INDEX ix_plan_goal_server_seq ON plan_goal (server_seq);

CREATE TABLE star_assessment (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	person_id VARCHAR, 
	assessed_on DATE NOT NULL, 
	template_key VARCHAR NOT NULL, 
	template_version INTEGER NOT NULL, 
	scores JSON NOT NULL, 
	family_words VARCHAR NOT NULL, 
	completed_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_star_assessment_family_id ON star_assessment (family_id);

CREATE INDEX ix_star_assessment_server_seq ON star_assessment (server_seq);

CREATE TABLE sync_outbox (
	seq INTEGER NOT NULL, 
	op_id VARCHAR NOT NULL, 
	batch_id VARCHAR, 
	table_name VARCHAR NOT NULL, 
	row_id VARCHAR NOT NULL, 
	family_id VARCHAR, 
	kind VARCHAR NOT NULL, 
	hlc VARCHAR NOT NULL, 
	fields JSON NOT NULL, 
	base_server_seq INTEGER, 
	schema_version INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (seq), 
	UNIQUE (op_id)
);

CREATE INDEX ix_outbox_row ON sync_outbox (table_name, row_id);

CREATE INDEX ix_sync_outbox_batch_id ON sync_outbox (batch_id);

CREATE INDEX ix_sync_outbox_family_id ON sync_outbox (family_id);

CREATE TABLE team (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	name VARCHAR NOT NULL, 
	area VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_team_server_seq ON team (server_seq);

CREATE TABLE worker (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	name VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	team_id VARCHAR, 
	contact VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_worker_server_seq ON worker (server_seq);
