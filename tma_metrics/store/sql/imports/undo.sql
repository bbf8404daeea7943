-- Undo batch $batch in {table} along `undo_plan_{table}` (undo_plan.sql): the import
-- no longer holds its rows; a row nobody else holds goes; a row another import holds gets the
-- version the newest of them brought; archived versions nobody holds any more go.
DELETE FROM {table}_held WHERE batch_id = $batch;

INSERT INTO {table}_version
SELECT t.* FROM {table} t JOIN undo_plan_{table} p USING (uid)
WHERE NOT p.kept
  AND EXISTS (
      SELECT 1 FROM {table}_held h
      WHERE h.row_key = md5_number(t.uid) AND h.version = md5_number(t.row_hash)
  );

DELETE FROM {table} WHERE uid IN (SELECT uid FROM undo_plan_{table} WHERE NOT kept);

INSERT INTO {table}
SELECT DISTINCT ON (v.uid) v.*
FROM {table}_version v
JOIN undo_plan_{table} p ON p.uid = v.uid AND p.target = md5_number(v.row_hash)
WHERE NOT p.kept;

DELETE FROM {table}_version v
WHERE v.uid IN (SELECT uid FROM undo_plan_{table})
  AND (NOT EXISTS (
           SELECT 1 FROM {table}_held h
           WHERE h.row_key = md5_number(v.uid) AND h.version = md5_number(v.row_hash))
       OR EXISTS (SELECT 1 FROM {table} t WHERE t.uid = v.uid AND t.row_hash = v.row_hash));

DROP TABLE undo_plan_{table};
