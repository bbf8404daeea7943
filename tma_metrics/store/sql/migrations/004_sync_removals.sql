-- Schema version 4: the rows a live sync removed (deleted at the source), per import, so
-- that undoing that import puts them back.
CREATE TABLE IF NOT EXISTS ticket_removed (batch_id INTEGER NOT NULL, uid VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS time_entry_removed (batch_id INTEGER NOT NULL, uid VARCHAR NOT NULL);
