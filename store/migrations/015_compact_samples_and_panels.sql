-- What a run stores, stored compactly (the stored values and what the views give analysts unchanged).
--
-- 1. An estimation's sample: one row per content key with the province-years as parallel arrays, in place
--    of a row per province-year (330 per column: a refresh's 52 columns stored 17,000 rows, each with its
--    primary-key and foreign-key checks, the largest statements of its estimate stage). estimation_sample
--    becomes a view with the table's columns, so every query of it, and analyst_sample, reads as before.
CREATE TABLE estimation_samples (
  step_key  text PRIMARY KEY REFERENCES estimations (step_key) ON DELETE CASCADE,
  -- the province-years in (province, year) order, one element each in every array
  provinces text[] NOT NULL,
  years     integer[] NOT NULL,
  used      boolean[] NOT NULL,
  -- why an unused row was left out (`missing L.AIT (no 2010 row)`); NULL for a used row
  reasons   text[] NOT NULL,
  CHECK (cardinality(years) = cardinality(provinces) AND cardinality(used) = cardinality(provinces)
         AND cardinality(reasons) = cardinality(provinces))
);

INSERT INTO estimation_samples (step_key, provinces, years, used, reasons)
SELECT step_key, array_agg(province ORDER BY province, year), array_agg(year ORDER BY province, year),
       array_agg(used ORDER BY province, year), array_agg(reason ORDER BY province, year)
FROM estimation_sample
GROUP BY step_key;

DROP VIEW analyst_sample;
DROP TABLE estimation_sample;

CREATE VIEW estimation_sample AS
SELECT s.step_key, u.province, u.year, u.used, u.reason
FROM estimation_samples s
CROSS JOIN LATERAL unnest(s.provinces, s.years, s.used, s.reasons) AS u(province, year, used, reason);

CREATE VIEW analyst_sample AS
SELECT e.run_id, t.table_order, e.table_id, rc.column_order, e.column_id, e.step_id, s.province, s.year,
       s.used, s.reason
FROM run_estimations e
JOIN estimation_sample s ON s.step_key = e.step_key
LEFT JOIN run_tables t ON t.run_id = e.run_id AND t.table_id = e.table_id
LEFT JOIN run_columns rc ON rc.run_id = e.run_id AND rc.table_id = e.table_id AND rc.column_id = e.column_id;

COMMENT ON TABLE estimation_samples IS 'Each estimation''s sample (Stata''s e(sample)) under its content key, as parallel arrays in (province, year) order; estimation_sample and analyst_sample list it a row per province-year.';
COMMENT ON VIEW estimation_sample IS 'Each estimation''s sample under its content key (step_key), a row per province-year: used or left out and why.';
COMMENT ON VIEW analyst_sample IS 'Each estimation''s sample (Stata''s e(sample)): every province-year of the column''s rows, used or left out and why; the used rows number the column''s N.';
COMMENT ON COLUMN analyst_sample.run_id IS 'The run (refresh) id, as `aicarbon run` prints it.';
COMMENT ON COLUMN analyst_sample.table_order IS 'Position of the table in the study, as the paper numbers its tables; ORDER BY table_order.';
COMMENT ON COLUMN analyst_sample.table_id IS 'The study table id (study definition tables[].id).';
COMMENT ON COLUMN analyst_sample.column_order IS 'Position of the column in its table (1 = leftmost); ORDER BY table_order, column_order.';
COMMENT ON COLUMN analyst_sample.column_id IS 'The column id within its table, e.g. (4).';
COMMENT ON COLUMN analyst_sample.step_id IS 'The estimation step, table_id/column_id.';
COMMENT ON COLUMN analyst_sample.province IS 'Province code (BJ, GD, ...).';
COMMENT ON COLUMN analyst_sample.year IS 'Year.';
COMMENT ON COLUMN analyst_sample.used IS 'True when the estimation used the province-year (counted in N).';
COMMENT ON COLUMN analyst_sample.reason IS 'Why a row was left out, e.g. missing L.AIT (no 2010 row); NULL when used.';

-- 2. Panel snapshots' rows and report as json, the text as written, instead of jsonb: jsonb parses every
--    value into its binary form on the way in and prints it again on the way out, which for the two
--    panels of a refresh (6.6 MB) cost about twice as much as keeping the text. The json operators
--    (->, ->>, json_array_elements) read them as before; analyst_coverage is the same view on json.
DROP VIEW analyst_coverage;
ALTER TABLE panel_snapshots ALTER COLUMN report DROP DEFAULT;
ALTER TABLE panel_snapshots ALTER COLUMN rows TYPE json USING rows::json,
                            ALTER COLUMN report TYPE json USING report::json;
ALTER TABLE panel_snapshots ALTER COLUMN report SET DEFAULT '{}'::json;

CREATE VIEW analyst_coverage AS
SELECT run_id, 'study' AS stage, variable, observed, interpolated, substituted, extrapolated, missing,
       synthetic_inputs
FROM study_coverage
UNION ALL
SELECT rs.run_id, 'assembled' AS stage, cov->>'variable' AS variable,
       (cov->>'observed')::int AS observed,
       (cov->>'interpolated')::int AS interpolated,
       COALESCE((cov->>'substituted')::int, 0) AS substituted,
       COALESCE((cov->>'extrapolated')::int, 0) AS extrapolated,
       (cov->>'missing')::int AS missing,
       '' AS synthetic_inputs
FROM run_snapshots rs
JOIN panel_snapshots ps ON ps.snapshot_hash = rs.snapshot_hash
CROSS JOIN LATERAL json_array_elements(ps.report->'coverage') AS cov
WHERE rs.kind = 'assembled';

COMMENT ON VIEW analyst_coverage IS 'How each variable''s province-years were obtained: the study variables after the indicator step (stage study, what the tables use), then the assembled source series (stage assembled).';
COMMENT ON COLUMN analyst_coverage.run_id IS 'The run (refresh) id, as `aicarbon run` prints it.';
COMMENT ON COLUMN analyst_coverage.stage IS 'study (after the indicator step) or assembled (the source series).';
COMMENT ON COLUMN analyst_coverage.variable IS 'The study variable (stage study) or assembled series (stage assembled).';
COMMENT ON COLUMN analyst_coverage.observed IS 'Values whose every cell behind them was read from a file.';
COMMENT ON COLUMN analyst_coverage.interpolated IS 'Values resting on an interpolated cell.';
COMMENT ON COLUMN analyst_coverage.substituted IS 'Values resting on a cell a study rule filled with another variable''s value.';
COMMENT ON COLUMN analyst_coverage.extrapolated IS 'Values resting on a cell past its source''s years.';
COMMENT ON COLUMN analyst_coverage.missing IS 'Province-years without a value.';
COMMENT ON COLUMN analyst_coverage.synthetic_inputs IS 'Synthetic input files (manifest real: false) behind the values, comma-separated; empty when none.';
