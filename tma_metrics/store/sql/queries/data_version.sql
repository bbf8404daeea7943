-- Changes whenever an import or an undo changes the data: the key of every cache.
SELECT count(*) || ':' || coalesce(max(batch_id), 0) || ':' || count(undone_at)
FROM import_batch;
