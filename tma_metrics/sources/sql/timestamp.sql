-- Timestamps. The importer picks one list of strptime formats per column (day-first or
-- month-first, see sources.dates) and passes it as the constant `fmts`.

-- Month name or abbreviation (fr, en, es, pt, de; accents and final dot removed) -> 1..12.
CREATE OR REPLACE TEMP MACRO tma_month(tok) AS (MAP {
    'jan': 1, 'janv': 1, 'janvier': 1, 'january': 1, 'ene': 1, 'enero': 1, 'janeiro': 1,
    'januar': 1,
    'feb': 2, 'fev': 2, 'fevr': 2, 'fevrier': 2, 'february': 2, 'febrero': 2,
    'fevereiro': 2, 'februar': 2,
    'mar': 3, 'mars': 3, 'march': 3, 'marzo': 3, 'marco': 3, 'mrz': 3, 'marz': 3,
    'apr': 4, 'avr': 4, 'avril': 4, 'april': 4, 'abr': 4, 'abril': 4,
    'may': 5, 'mai': 5, 'mayo': 5, 'maio': 5,
    'jun': 6, 'juin': 6, 'june': 6, 'junio': 6, 'junho': 6, 'juni': 6,
    'jul': 7, 'juil': 7, 'juillet': 7, 'july': 7, 'julio': 7, 'julho': 7, 'juli': 7,
    'aug': 8, 'aou': 8, 'aout': 8, 'august': 8, 'ago': 8, 'agosto': 8,
    'sep': 9, 'sept': 9, 'septembre': 9, 'september': 9, 'septiembre': 9, 'set': 9,
    'setembro': 9,
    'oct': 10, 'octobre': 10, 'october': 10, 'octubre': 10, 'out': 10, 'outubro': 10,
    'okt': 10, 'oktober': 10,
    'nov': 11, 'novembre': 11, 'november': 11, 'noviembre': 11, 'novembro': 11,
    'dec': 12, 'decembre': 12, 'december': 12, 'dic': 12, 'diciembre': 12, 'dez': 12,
    'dezembro': 12, 'dezember': 12
})[strip_accents(lower(rtrim(tok, '.')))];

-- A leading day of the week (French, English) dropped when a date follows it:
-- "ven. 20/11/2026" -> "20/11/2026", "vendredi 20 novembre 2026" -> "20 novembre 2026",
-- "Friday, November 20, 2026" -> "November 20, 2026". "Mar 20, 2026" (March) stays.
CREATE OR REPLACE TEMP MACRO tma_ts_weekday(s) AS
    regexp_replace(s,
        '^\s*(?i:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(er)?\.?[\s/.-]+\pL|\pL{3,})',
        '\1');

-- The first word of 3+ letters (with its dot) replaced by its month number, after a
-- leading day of the week is dropped (and "1er" read as 1):
-- "07/déc./25 10:51" -> "07/12/25 10:51", "Jan 20, 2023" -> "1 20, 2023".
CREATE OR REPLACE TEMP MACRO tma_ts_month_word(s) AS
    CASE
        WHEN tma_month(regexp_extract(s, '\pL{3,}\.?')) IS NOT NULL
            THEN replace(s, regexp_extract(s, '\pL{3,}\.?'),
                         tma_month(regexp_extract(s, '\pL{3,}\.?'))::VARCHAR)
        ELSE s
    END;

CREATE OR REPLACE TEMP MACRO tma_ts_months(s) AS
    tma_ts_month_word(regexp_replace(tma_ts_weekday(s), '^(\s*)1er\b', '\11'));

-- A leading d-m-y or d.m.y written with slashes (GLPI "05-09-2025 14:10").
CREATE OR REPLACE TEMP MACRO tma_ts_slashes(s) AS
    regexp_replace(s, '^(\d{1,2})[.-](\d{1,2})[.-](\d{2,4})', '\1/\2/\3');

-- Spaces normalised (no-break spaces, runs of spaces) and trimmed.
CREATE OR REPLACE TEMP MACRO tma_ts_clean(s) AS
    tma_text(regexp_replace(s, '[\s\x{00A0}\x{202F}]+', ' ', 'g'));

-- Keep plausible instants only: a year outside 1950-2099 is a misread value.
CREATE OR REPLACE TEMP MACRO tma_ts_guard(t) AS
    CASE WHEN t >= TIMESTAMP '1950-01-01' AND t < TIMESTAMP '2100-01-01' THEN t END;

-- ISO 8601 with a UTC offset or Z (Jira worklog apps: 2023-01-20T18:25:30.148+0100)
-- -> wall-clock time in `tz`; NULL when the value has no offset.
CREATE OR REPLACE TEMP MACRO tma_ts_offset(s, tz) AS
    CASE
        WHEN regexp_full_match(s, '\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)? ?(Z|[+-]\d{2}:?\d{2})')
            THEN timezone(tz, try_strptime(
                regexp_replace(replace(regexp_replace(s, 'Z$', '+0000'), 'T', ' '), ' ([+-])', '\1'),
                ['%Y-%m-%d %H:%M:%S.%f%z', '%Y-%m-%d %H:%M:%S%z', '%Y-%m-%d %H:%M%z']))
    END;

-- A value in UTC (GitLab "Created At (UTC)") -> wall-clock time in `tz`.
CREATE OR REPLACE TEMP MACRO tma_utc_to(t, tz) AS
    timezone(tz, timezone('UTC', t));

-- An Excel serial day number left in a date column of a workbook (45678 = 2025-01-21).
CREATE OR REPLACE TEMP MACRO tma_excel_serial(s) AS
    CASE
        WHEN regexp_full_match(s, '\d{5}(\.\d+)?')
            THEN TIMESTAMP '1899-12-30'
                + to_microseconds(round(s::DOUBLE * 86400000000)::BIGINT)
    END;

-- ISO 8601 text (2026-11-20, 2026-11-20 17:30, 2026-11-20T17:30:00.5); an offset is
-- dropped (wall-clock time kept). Only for text that is ISO through to its end: DuckDB's
-- cast would also read "22/11/25" as the year 22, and "2026-11-20 9:00 PM" as 9:00 (it
-- takes any trailing word for a time zone); such values go to the column's formats.
CREATE OR REPLACE TEMP MACRO tma_ts_iso(x) AS
    CASE
        WHEN regexp_full_match(x,
                '\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)? ?(Z|UTC|[+-]\d{2}(:?\d{2})?)?')
            THEN try_cast(x AS TIMESTAMP)
    END;

-- The instant `hours` (a tma_hours value, at most 10^6) after `t`, kept when plausible:
-- a delay the tool measured, moved onto the time line (Zendesk first reply, GLPI
-- taking into account).
CREATE OR REPLACE TEMP MACRO tma_after(t, hours) AS
    tma_ts_guard(t + to_microseconds(CAST(round(hours * 3600000000) AS BIGINT)));

-- A timestamp from cleaned text `x`: ISO first (unambiguous), then the column's formats.
CREATE OR REPLACE TEMP MACRO tma_ts(x, fmts) AS
    coalesce(tma_ts_guard(tma_ts_iso(x)), tma_ts_guard(try_strptime(x, fmts)));

-- The same without the ISO branch, for columns whose values are never ISO.
CREATE OR REPLACE TEMP MACRO tma_ts_formats(x, fmts) AS
    tma_ts_guard(try_strptime(x, fmts));
