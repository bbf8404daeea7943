-- Decimal numbers written the French or the English way.

-- The cell with every kind of space (no-break U+00A0, narrow U+202F, thin U+2009)
-- turned into a plain space, trimmed.
CREATE OR REPLACE TEMP MACRO tma_num_text(s) AS
    trim(replace(replace(replace(s, chr(160), ' '), chr(8239), ' '), chr(8201), ' '));

-- 7,5 / 7.5 / 1 234,5 / 1'234.5 / 1.234,5 / 1,234.5 / ,5 -> DOUBLE; anything else NULL.
-- A lone separator is the decimal one, so 1,234 is 1.234 (French files are the norm)
-- and 1.234 is 1.234 too; thousands groups need a second separator or a space.
CREATE OR REPLACE TEMP MACRO tma_decimal_text(s) AS (
    CASE
        -- Fast path for the common case (8,00 / 7.5), without normalising spaces.
        WHEN regexp_full_match(s, '[+-]?\d+([.,]\d+)?')
            THEN replace(s, ',', '.')::DOUBLE
        WHEN regexp_full_match(tma_num_text(s), '[+-]?\d+([.,]\d+)?')
            THEN replace(tma_num_text(s), ',', '.')::DOUBLE
        WHEN regexp_full_match(tma_num_text(s), '[+-]?\d{1,3}([ ''’]\d{3})+([.,]\d+)?')
            THEN replace(regexp_replace(tma_num_text(s), '[ ''’]', '', 'g'), ',', '.')::DOUBLE
        WHEN regexp_full_match(tma_num_text(s), '[+-]?\d{1,3}(\.\d{3})+(,\d+)?')
            THEN replace(replace(tma_num_text(s), '.', ''), ',', '.')::DOUBLE
        WHEN regexp_full_match(tma_num_text(s), '[+-]?\d{1,3}(,\d{3})+(\.\d+)?')
            THEN replace(tma_num_text(s), ',', '')::DOUBLE
        WHEN regexp_full_match(tma_num_text(s), '[+-]?[.,]\d+')
            THEN replace(tma_num_text(s), ',', '.')::DOUBLE
    END
);

-- A plausible number: infinities, NaN and magnitudes beyond 10^12 are misread values
-- (and would overflow the arithmetic that follows).
CREATE OR REPLACE TEMP MACRO tma_plausible(x, limit_) AS
    CASE WHEN abs(x) < limit_ THEN x END;

-- A decimal number read with tma_decimal_text, kept when plausible.
CREATE OR REPLACE TEMP MACRO tma_decimal(s) AS
    tma_plausible(tma_decimal_text(s), 1e12);
