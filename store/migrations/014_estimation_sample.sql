-- The sample of each estimation (Stata's e(sample), econometrics/sample.ts): every province-year of the
-- panel the estimator was given (the column's subset), whether the fit used it and why not. Stored once
-- per content key with the estimation it belongs to (in the same transaction), so a rerun or a run that
-- reuses the result adds no rows, and read by every run linked to that key through run_estimations.
-- Results stored before this migration have no sample rows; the estimation step computes them again
-- the next time a refresh needs them (store/estimations.ts linkStoredEstimation).
CREATE TABLE estimation_sample (
  step_key  text NOT NULL REFERENCES estimations (step_key) ON DELETE CASCADE,
  province  text NOT NULL,
  year      integer NOT NULL,
  used      boolean NOT NULL,
  -- why an unused row was left out (`missing L.AIT (no 2010 row)`); NULL for a used row
  reason    text,
  PRIMARY KEY (step_key, province, year)
);

CREATE VIEW analyst_sample AS
SELECT e.run_id, t.table_order, e.table_id, rc.column_order, e.column_id, e.step_id, s.province, s.year,
       s.used, s.reason
FROM run_estimations e
JOIN estimation_sample s ON s.step_key = e.step_key
LEFT JOIN run_tables t ON t.run_id = e.run_id AND t.table_id = e.table_id
LEFT JOIN run_columns rc ON rc.run_id = e.run_id AND rc.table_id = e.table_id AND rc.column_id = e.column_id;

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
