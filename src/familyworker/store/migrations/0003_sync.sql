-- Schema version 3: conflict records from sync (both values of a same-field concurrent edit).
CREATE TABLE sync_conflict (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	table_name VARCHAR NOT NULL, 
	row_id VARCHAR NOT NULL, 
	field VARCHAR NOT NULL, 
	kept_value JSON, 
	kept_hlc VARCHAR NOT NULL, 
	other_value JSON, 
	other_hlc VARCHAR NOT NULL, 
	detected_at DATETIME NOT NULL, 
	resolution VARCHAR, 
	resolved_by VARCHAR, 
	resolved_at DATETIME, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_sync_conflict_family_id ON sync_conflict (family_id);

CREATE INDEX ix_sync_conflict_server_seq ON sync_conflict (server_seq);
