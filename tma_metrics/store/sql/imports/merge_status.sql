-- Record the file's status changes under this batch. The same change imported twice is
-- stored twice (one copy per batch) so undoing either import leaves the other's copy;
-- readers take DISTINCT.
INSERT INTO status_change (source, ticket_key, "at", status, batch_id, project)
SELECT source, ticket_key, "at", status, $batch, project FROM status_stage;
