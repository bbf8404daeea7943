-- Remove the rows of {table} whose uid is listed in `removed_uids` (a live sync saw them
-- deleted at the source). They are archived as replaced by $batch, so undoing the batch
-- puts them back exactly as they were. {table} is a constant identifier of the code.
INSERT INTO {table}_version
SELECT t.*, $batch FROM {table} t WHERE t.uid IN (SELECT uid FROM removed_uids);

DELETE FROM {table} WHERE uid IN (SELECT uid FROM removed_uids);
