-- Estimation steps that could not be computed from the data (an unknown column, too few observations,
-- an estimator the study names but this version lacks): the run goes on and reports them.
CREATE TABLE estimation_failures (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  step_id       text NOT NULL,
  table_id      text NOT NULL,
  column_id     text NOT NULL,
  error         text NOT NULL,
  failed_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_id)
);
