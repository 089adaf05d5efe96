-- Schema version 6: when this supervisor last reviewed each family (device-local, not synced).
CREATE TABLE team_review_mark (
	family_id VARCHAR NOT NULL, 
	reviewed_seq INTEGER NOT NULL, 
	reviewed_at DATETIME NOT NULL, 
	PRIMARY KEY (family_id)
);
