-- Schema version 1: canonical tables, their archived versions (for undo), import history.
CREATE SEQUENCE IF NOT EXISTS import_batch_seq START 1;

CREATE TABLE import_batch (
    batch_id     INTEGER PRIMARY KEY,
    file_name    VARCHAR NOT NULL,
    file_hash    VARCHAR NOT NULL,
    file_bytes   BIGINT,
    tool         VARCHAR,
    variant      VARCHAR,
    imported_at  TIMESTAMP NOT NULL,
    rows_read    BIGINT NOT NULL DEFAULT 0,
    added        BIGINT NOT NULL DEFAULT 0,
    updated      BIGINT NOT NULL DEFAULT 0,
    unchanged    BIGINT NOT NULL DEFAULT 0,
    rejected     BIGINT NOT NULL DEFAULT 0,
    warnings     VARCHAR,          -- JSON list of French messages
    undone_at    TIMESTAMP
);

CREATE TABLE ticket (
    uid               VARCHAR NOT NULL,   -- source || ':' || key
    source            VARCHAR NOT NULL,
    key               VARCHAR NOT NULL,
    project           VARCHAR,
    project_name      VARCHAR,
    title             VARCHAR,
    tracker           VARCHAR,
    kind              VARCHAR,
    priority          VARCHAR,
    status            VARCHAR,
    resolution        VARCHAR,
    created_at        TIMESTAMP,
    responded_at      TIMESTAMP,
    workaround_at     TIMESTAMP,
    resolved_at       TIMESTAMP,
    closed_at         TIMESTAMP,
    estimate_hours    DOUBLE,
    estimate_status   VARCHAR,
    reestimate_hours  DOUBLE,
    reestimated_at    TIMESTAMP,
    reestimate_status VARCHAR,
    estimated_at      TIMESTAMP,
    approved_at       TIMESTAMP,
    delivered_at      TIMESTAMP,
    spent_hours       DOUBLE,
    assignee          VARCHAR,
    extra             VARCHAR,
    row_hash          VARCHAR NOT NULL,
    batch_id          INTEGER NOT NULL
);

-- Versions replaced by a later import; replaced_by is the batch that replaced them.
CREATE TABLE ticket_version AS SELECT *, NULL::INTEGER AS replaced_by FROM ticket LIMIT 0;

CREATE TABLE time_entry (
    uid           VARCHAR NOT NULL,   -- source:id:<entry_id> or source:fp:<content hash>:<n>
    source        VARCHAR NOT NULL,
    entry_id      VARCHAR,
    date          DATE NOT NULL,
    started_at    TIMESTAMP,
    person        VARCHAR,
    hours         DOUBLE NOT NULL,
    ticket_source VARCHAR,
    ticket_key    VARCHAR,
    project       VARCHAR,
    activity      VARCHAR,
    comment       VARCHAR,
    row_hash      VARCHAR NOT NULL,
    batch_id      INTEGER NOT NULL
);

CREATE TABLE time_entry_version AS
    SELECT *, NULL::INTEGER AS replaced_by FROM time_entry LIMIT 0;

CREATE TABLE status_change (
    source     VARCHAR NOT NULL,
    ticket_key VARCHAR NOT NULL,
    "at"       TIMESTAMP NOT NULL,
    status     VARCHAR NOT NULL,
    batch_id   INTEGER NOT NULL
);

CREATE TABLE rejected_row (
    batch_id INTEGER NOT NULL,
    line     BIGINT,
    "column" VARCHAR,
    raw      VARCHAR,
    reason   VARCHAR NOT NULL
);

CREATE TABLE mapping_profile (
    name         VARCHAR PRIMARY KEY,
    signature    VARCHAR NOT NULL,
    target_table VARCHAR NOT NULL,
    columns_json VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- How a project label is compared with a contract's projects (mirrors
-- contracts.normalise_label: case, accents, inner spaces and typographic apostrophes).
CREATE MACRO norm_label(x) AS
    regexp_replace(replace(strip_accents(lower(trim(x))), '’', ''''), '\s+', ' ', 'g');
