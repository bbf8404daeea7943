-- Durations, always returned in hours.

-- Hours in one unit word (English, French, Spanish, Portuguese, abbreviations).
-- A day is 8 hours and a week 5 days: Jira's default working time, and the 8 h day of
-- the TMA contracts (DOMAIN.md). Months and years are not work durations: NULL.
CREATE OR REPLACE TEMP MACRO tma_unit_hours(u) AS (MAP {
    's': 1 / 3600, 'sec': 1 / 3600, 'secs': 1 / 3600, 'second': 1 / 3600,
    'seconds': 1 / 3600, 'seconde': 1 / 3600, 'secondes': 1 / 3600, 'seg': 1 / 3600,
    'segundo': 1 / 3600, 'segundos': 1 / 3600,
    'm': 1 / 60, 'mn': 1 / 60, 'min': 1 / 60, 'mins': 1 / 60, 'minute': 1 / 60,
    'minutes': 1 / 60, 'minuto': 1 / 60, 'minutos': 1 / 60,
    'h': 1, 'hr': 1, 'hrs': 1, 'hour': 1, 'hours': 1, 'heure': 1, 'heures': 1,
    'hora': 1, 'horas': 1,
    'j': 8, 'd': 8, 'day': 8, 'days': 8, 'jour': 8, 'jours': 8, 'jr': 8, 'jrs': 8,
    'jh': 8, 'journee': 8, 'journees': 8, 'dia': 8, 'dias': 8,
    'w': 40, 'wk': 40, 'week': 40, 'weeks': 40, 'semaine': 40, 'semaines': 40,
    'sem': 40, 'semana': 40, 'semanas': 40
})[u];

-- Number + unit pairs summed ("10h 40m", "1 heure 18 minutes", "0.5 j"); NULL when one
-- unit is unknown. `w` is lower-case, accent-free, with "." as decimal separator.
CREATE OR REPLACE TEMP MACRO tma_sum_units(w) AS (
    CASE
        WHEN list_count(list_transform(
                regexp_extract_all(w, '\d+(?:\.\d+)?\s*([a-z]+)', 1),
                lambda u: tma_unit_hours(u)))
            = len(regexp_extract_all(w, '\d+(?:\.\d+)?\s*([a-z]+)', 1))
        THEN list_sum(list_transform(
            list_zip(
                regexp_extract_all(w, '(\d+(?:\.\d+)?)\s*[a-z]+', 1),
                regexp_extract_all(w, '\d+(?:\.\d+)?\s*([a-z]+)', 1)),
            lambda p: p[1]::DOUBLE * tma_unit_hours(p[2])))
    END
);

-- h:mm[:ss] in hours ("-1:30" is -1.5); NULL for anything else.
CREATE OR REPLACE TEMP MACRO tma_hmm(t) AS (
    CASE
        WHEN regexp_full_match(t, '[+-]?\d+:\d{1,2}(:\d{1,2}(\.\d+)?)?')
            THEN (CASE WHEN t[1] = '-' THEN -1 ELSE 1 END) * (
                abs(string_split(t, ':')[1]::DOUBLE)
                + string_split(t, ':')[2]::DOUBLE / 60
                + coalesce(string_split(t, ':')[3]::DOUBLE, 0) / 3600)
    END
);

-- A duration written with words or h:mm; NULL when unreadable. `t` is a tma_text().
-- Also "1:30 h", and halves of a day as spreadsheets write them ("1/2 j", "½ journée",
-- "demi-journée").
CREATE OR REPLACE TEMP MACRO tma_duration_text(t) AS (
    CASE
        WHEN regexp_full_match(t, '[+-]?\d+:\d{1,2}(:\d{1,2}(\.\d+)?)?')
            THEN tma_hmm(t)
        WHEN regexp_full_match(t, '[+-]?\d+:\d{1,2}(:\d{1,2})?\s*[hH]\.?')
            THEN tma_hmm(rtrim(regexp_replace(t, '\s*[hH]\.?$', '')))
        WHEN regexp_full_match(strip_accents(lower(t)), '(1/2|½|demi|une demi)[ -]?(j|jour|journee)\.?')
            THEN 4.0
        WHEN regexp_full_match(lower(t), '\d+\s*h\s*\d{1,2}')
            THEN regexp_extract(t, '^(\d+)', 1)::DOUBLE
                + regexp_extract(t, '(\d{1,2})$', 1)::DOUBLE / 60
        WHEN regexp_full_match(
                regexp_replace(replace(strip_accents(lower(t)), ',', '.'), '^pt', ''),
                '(\s*\d+(\.\d+)?\s*[a-z]+\.?)+')
            THEN tma_sum_units(
                regexp_replace(replace(strip_accents(lower(t)), ',', '.'), '^pt', ''))
    END
);

-- A duration in hours: a bare number counts in `unit_hours` (1 for hours, 1/60 for
-- minutes, 1/3600 for seconds); otherwise h:mm[:ss], 1h30, or number+unit pairs
-- (35m, 10h 40m, 90 min, 1 heure 18 minutes, 1 horas 18 minutos, 0,5 j, PT1H30M).
-- More than a million hours (114 years) is a misread value.
CREATE OR REPLACE TEMP MACRO tma_hours(s, unit_hours) AS
    tma_plausible(coalesce(tma_decimal(s) * unit_hours, tma_duration_text(tma_text(s))), 1e6);
