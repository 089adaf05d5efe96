-- Schema version 7: co-workers allocated to a family besides its lead worker (synced).
CREATE TABLE family_co_worker (
	id VARCHAR NOT NULL, 
	server_seq INTEGER, 
	field_hlc TEXT NOT NULL, 
	deleted_at DATETIME, 
	deleted_hlc VARCHAR, 
	family_id VARCHAR NOT NULL, 
	worker_id VARCHAR NOT NULL, 
	added_on DATE NOT NULL, 
	ended_on DATE, 
	added_by VARCHAR, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_family_co_worker_family_id ON family_co_worker (family_id);

CREATE INDEX ix_family_co_worker_server_seq ON family_co_worker (server_seq);
