-- Schema version 2: every import holds the rows it brought, so undoing one import only
-- removes what no other active import holds, and restores what it replaced; each import
-- records who made it and which contracts its rows belong to (for the scope checks).

-- (import, row, the version that import brought): one row per row an import brought,
-- whether it added, changed or left it unchanged. The row is md5_number(uid) and the
-- version md5_number(row_hash): 128-bit numbers, as unique as the md5 fingerprints the
-- rows are already identified by, and a third of the cost of the strings (two million
-- memberships per import of a large time log).
CREATE TABLE ticket_held (
    batch_id INTEGER NOT NULL,
    row_key  UHUGEINT NOT NULL,
    version  UHUGEINT NOT NULL
);

CREATE TABLE time_entry_held (
    batch_id INTEGER NOT NULL,
    row_key  UHUGEINT NOT NULL,
    version  UHUGEINT NOT NULL
);

ALTER TABLE import_batch ADD COLUMN imported_by VARCHAR;
-- JSON list of the contracts the import's rows belonged to when it was made
ALTER TABLE import_batch ADD COLUMN contracts VARCHAR;
-- rows of the import that belonged to no contract
ALTER TABLE import_batch ADD COLUMN outside_rows BIGINT;
-- rows refused because they were outside the importing user's contracts
ALTER TABLE import_batch ADD COLUMN out_of_scope BIGINT DEFAULT 0;
UPDATE import_batch SET out_of_scope = 0;

-- Holders of the rows imported before this version. Schema 1 only recorded the import
-- that last wrote a row, not the later imports that brought it unchanged; so that no
-- undo can lose a row, a row is also held by every later active import of the same
-- tool that left rows unchanged (for an archived version: up to the import that
-- replaced it).
INSERT INTO ticket_held
SELECT DISTINCT b.batch_id, md5_number(t.uid), md5_number(t.row_hash)
FROM ticket t
JOIN import_batch b
  ON b.batch_id >= t.batch_id AND b.undone_at IS NULL
 AND (b.batch_id = t.batch_id
      OR (b.unchanged > 0 AND list_contains(string_split(b.tool, '+'), t.source)));

INSERT INTO ticket_held
SELECT DISTINCT b.batch_id, md5_number(v.uid), md5_number(v.row_hash)
FROM ticket_version v
JOIN import_batch b
  ON b.batch_id >= v.batch_id AND b.batch_id < v.replaced_by AND b.undone_at IS NULL
 AND (b.batch_id = v.batch_id
      OR (b.unchanged > 0 AND list_contains(string_split(b.tool, '+'), v.source)));

INSERT INTO time_entry_held
SELECT DISTINCT b.batch_id, md5_number(t.uid), md5_number(t.row_hash)
FROM time_entry t
JOIN import_batch b
  ON b.batch_id >= t.batch_id AND b.undone_at IS NULL
 AND (b.batch_id = t.batch_id
      OR (b.unchanged > 0 AND list_contains(string_split(b.tool, '+'), t.source)));

INSERT INTO time_entry_held
SELECT DISTINCT b.batch_id, md5_number(v.uid), md5_number(v.row_hash)
FROM time_entry_version v
JOIN import_batch b
  ON b.batch_id >= v.batch_id AND b.batch_id < v.replaced_by AND b.undone_at IS NULL
 AND (b.batch_id = v.batch_id
      OR (b.unchanged > 0 AND list_contains(string_split(b.tool, '+'), v.source)));

-- Archived versions: each held version that is not the current row, once.
CREATE TABLE ticket_version_2 AS
SELECT DISTINCT ON (v.uid, v.row_hash) v.* EXCLUDE (replaced_by)
FROM ticket_version v
WHERE NOT EXISTS (SELECT 1 FROM ticket t WHERE t.uid = v.uid AND t.row_hash = v.row_hash)
ORDER BY v.uid, v.row_hash, v.batch_id;
DROP TABLE ticket_version;
ALTER TABLE ticket_version_2 RENAME TO ticket_version;

CREATE TABLE time_entry_version_2 AS
SELECT DISTINCT ON (v.uid, v.row_hash) v.* EXCLUDE (replaced_by)
FROM time_entry_version v
WHERE NOT EXISTS (SELECT 1 FROM time_entry t WHERE t.uid = v.uid AND t.row_hash = v.row_hash)
ORDER BY v.uid, v.row_hash, v.batch_id;
DROP TABLE time_entry_version;
ALTER TABLE time_entry_version_2 RENAME TO time_entry_version;
