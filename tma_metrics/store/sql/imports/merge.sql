-- Merge `stage` into {table}: archive the versions it replaces (for undo), then write
-- new and changed rows. {table} and {columns} are constant identifiers chosen by the
-- code, never user input; $batch is bound.
INSERT INTO {table}_version
SELECT t.*, $batch FROM {table} t JOIN stage s USING (uid) WHERE t.row_hash <> s.row_hash;

DELETE FROM {table}
WHERE uid IN (SELECT s.uid FROM stage s JOIN {table} t USING (uid) WHERE t.row_hash <> s.row_hash);

INSERT INTO {table} ({columns}, row_hash, batch_id)
SELECT {columns}, row_hash, $batch FROM stage s
WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.uid = s.uid);
