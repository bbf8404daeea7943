-- Merge `stage` into {table}. The version a staged row replaces is archived in
-- {table}_version (an earlier import still holds it: undoing this one restores it); a
-- staged version that was archived becomes the current row again. Then this import
-- holds every staged row, changed or not. {table} and {columns} are constant
-- identifiers chosen by the code, never user input; $batch is bound.
INSERT INTO {table}_version
SELECT t.* FROM {table} t JOIN stage s USING (uid) WHERE t.row_hash <> s.row_hash;

DELETE FROM {table}_version v USING stage s WHERE v.uid = s.uid AND v.row_hash = s.row_hash;

DELETE FROM {table}
WHERE uid IN (SELECT s.uid FROM stage s JOIN {table} t USING (uid) WHERE t.row_hash <> s.row_hash);

INSERT INTO {table} ({columns}, row_hash, batch_id)
SELECT {columns}, row_hash, $batch FROM stage s
WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.uid = s.uid);

INSERT INTO {table}_held SELECT $batch, md5_number(uid), md5_number(row_hash) FROM stage;
