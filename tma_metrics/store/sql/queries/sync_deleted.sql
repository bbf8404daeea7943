-- Rows of {table} the source reported deleted (`sync_seen`), among those a sync of the
-- same server wrote ($server opens the label of its imports). {table} is a code constant.
SELECT t.uid
FROM {table} t
JOIN import_batch b ON b.batch_id = t.batch_id
WHERE starts_with(b.file_name, $server)
  AND t.uid IN (SELECT uid FROM sync_seen);
