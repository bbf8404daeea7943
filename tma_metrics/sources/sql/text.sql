-- Text cells and references. Installed as TEMP macros by sources.macros.install_macros.

-- A text cell: trimmed of spaces; empty -> NULL. (Plain trim: it runs on every cell
-- of big files; tabs and no-break spaces are handled where a tool writes them.)
CREATE OR REPLACE TEMP MACRO tma_text(s) AS
    nullif(trim(s), '');

-- A placeholder-aware text cell: worklog apps write "_" and Zendesk "-" for "empty".
CREATE OR REPLACE TEMP MACRO tma_text_or(s, placeholder) AS
    nullif(tma_text(s), placeholder);

-- A ticket reference inside free text (description, task, notes): a Jira-like key
-- (ABC-123) first, else a Redmine-like #123, else a number after the word ticket,
-- incident, anomalie or bug ("Ticket 14494", "incident n° 12"; also "demande n° 12"),
-- as people write it in home-made timesheets; NULL when there is none.
CREATE OR REPLACE TEMP MACRO tma_ticket_ref(s) AS
    coalesce(
        nullif(regexp_extract(s, '\b([A-Z][A-Z0-9_]+-\d+)\b', 1), ''),
        nullif(regexp_extract(s, '#(\d+)\b', 1), ''),
        nullif(regexp_extract(s,
            '(?i)(?:\b(?:tickets?|incidents?|anomalies?|bugs?)\s*(?:(?:n°|nº|no\.?|num[ée]ro)\s*)?'
            || '|\bdemandes?\s*(?:n°|nº|no\.?|num[ée]ro)\s*):?\s*(\d+)\b', 1), '')
    );

-- A numeric id written with thousands separators (GLPI "2 553") -> "2553"; NULL when
-- the cell holds anything but digits and separators.
CREATE OR REPLACE TEMP MACRO tma_digits(s) AS
    CASE
        WHEN regexp_full_match(tma_text(s), '\d+([\s\x{00A0}\x{202F}’''.,]\d{3})*')
            THEN regexp_replace(tma_text(s), '[^0-9]', '', 'g')
    END;

-- Several people in one cell (GLPI joins technicians with "<br>" and may suffix user
-- ids " (1234)"): "A (12)<br>B" -> "A, B".
CREATE OR REPLACE TEMP MACRO tma_people(s) AS
    tma_text(regexp_replace(
        regexp_replace(s, '\s*\(\d+\)\s*(<br\s*/?>|$)', '\1', 'gi'),
        '\s*<br\s*/?>\s*', ', ', 'gi'));
