-- Rows of {table} that a sync of the same server wrote ($server opens the label of its
-- imports) and that the source no longer has: in the synced projects (`sync_projects`),
-- dated from $since (NULL: any date), and not among the uids just read (`sync_seen`).
-- Rows written by a file import are never touched. {table}, {day} are code constants.
SELECT t.uid
FROM {table} t
JOIN import_batch b ON b.batch_id = t.batch_id
WHERE t.source = $source
  AND starts_with(t.uid, $prefix)
  AND starts_with(b.file_name, $server)
  AND t.project IN (SELECT name FROM sync_projects)
  AND ($since IS NULL OR {day} >= $since)
  AND t.uid NOT IN (SELECT uid FROM sync_seen);
