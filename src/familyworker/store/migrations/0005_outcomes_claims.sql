-- Schema version 5: results claims, sustainability reviews after closure, and the review date.
ALTER TABLE family ADD COLUMN sustainability_review_due DATE;

CREATE TABLE outcome_claim (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	claimed_on DATE NOT NULL, 
	claim_reference VARCHAR NOT NULL, 
	rule_key VARCHAR NOT NULL, 
	claimed_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_outcome_claim_family_id ON outcome_claim (family_id);

CREATE INDEX ix_outcome_claim_server_seq ON outcome_claim (server_seq);

CREATE TABLE sustainability_review (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	due_on DATE, 
	reviewed_on DATE NOT NULL, 
	result VARCHAR NOT NULL, 
	reviewed_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_sustainability_review_family_id ON sustainability_review (family_id);

CREATE INDEX ix_sustainability_review_server_seq ON sustainability_review (server_seq);
