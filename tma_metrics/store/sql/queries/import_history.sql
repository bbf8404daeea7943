SELECT batch_id, file_name, file_hash, file_bytes, tool, variant, imported_at, rows_read,
       added, updated, unchanged, rejected, warnings, undone_at, imported_by, contracts,
       outside_rows, out_of_scope
FROM import_batch
ORDER BY batch_id DESC;
