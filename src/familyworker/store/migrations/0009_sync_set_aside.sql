-- Schema version 9: pulled rows this version could not apply, set aside with the reason (the
-- row as received, inside the encrypted store) instead of stopping every sync pass; tried again
-- after an app update.
CREATE TABLE sync_set_aside (
	table_name VARCHAR NOT NULL, 
	row_id VARCHAR NOT NULL, 
	family_id VARCHAR, 
	server_seq INTEGER, 
	reason VARCHAR NOT NULL, 
	row_json TEXT NOT NULL, 
	app_version VARCHAR NOT NULL, 
	schema_version INTEGER NOT NULL, 
	set_aside_at DATETIME NOT NULL, 
	PRIMARY KEY (table_name, row_id)
);

CREATE INDEX ix_sync_set_aside_family_id ON sync_set_aside (family_id);
