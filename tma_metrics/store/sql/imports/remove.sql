-- Remove the rows of {table} whose uid is listed in `removed_uids` (a live sync saw them
-- deleted at the source). The current version is archived (the imports that brought it
-- still hold it) and the removal recorded for $batch, so undoing the batch puts back the
-- version the newest active holder brought. {table} is a constant identifier of the code.
INSERT INTO {table}_version
SELECT t.* FROM {table} t
WHERE t.uid IN (SELECT uid FROM removed_uids)
  AND NOT EXISTS (
      SELECT 1 FROM {table}_version v WHERE v.uid = t.uid AND v.row_hash = t.row_hash
  );

INSERT INTO {table}_removed
SELECT $batch, t.uid FROM {table} t WHERE t.uid IN (SELECT uid FROM removed_uids);

DELETE FROM {table} WHERE uid IN (SELECT uid FROM removed_uids);
