-- Runs: one row per refresh (run_id = the Temporal workflow id, derived from study and data vintage).
CREATE TABLE runs (
  run_id        text PRIMARY KEY,
  study_id      text NOT NULL,
  vintage       text NOT NULL,
  inputs_hash   text NOT NULL,
  status        text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  stage         text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  error         text,
  summary       jsonb NOT NULL DEFAULT '{}'::jsonb
);

-- Source files are content-addressed: the same bytes are ingested once, whatever their name.
CREATE TABLE source_files (
  sha256        text PRIMARY KEY,
  name          text NOT NULL,
  size          bigint NOT NULL,
  layout        text NOT NULL,
  observations  integer NOT NULL,
  ingested_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE run_files (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  name          text NOT NULL,
  sha256        text NOT NULL REFERENCES source_files (sha256),
  real          boolean NOT NULL,
  PRIMARY KEY (run_id, name)
);

-- Observations with lineage back to file, sheet and cell; keyed by the file's content hash.
CREATE TABLE observations (
  sha256        text NOT NULL REFERENCES source_files (sha256) ON DELETE CASCADE,
  province      text NOT NULL,
  year          integer NOT NULL,
  variable      text NOT NULL,
  value         double precision NOT NULL,
  unit          text NOT NULL,
  source_file   text NOT NULL,
  sheet         text NOT NULL DEFAULT '',
  cell          text NOT NULL DEFAULT '',
  method        text NOT NULL,
  PRIMARY KEY (sha256, province, year, variable, sheet, cell)
);
CREATE INDEX observations_key ON observations (province, year, variable);

-- Panel snapshots: the assembled and indicator tables, keyed by the hash of what they were built from,
-- so a rerun on unchanged inputs reuses them.
CREATE TABLE panel_snapshots (
  snapshot_hash text PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('assembled', 'indicators')),
  built_from    jsonb NOT NULL,
  rows          jsonb NOT NULL,
  report        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE run_snapshots (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  kind          text NOT NULL,
  snapshot_hash text NOT NULL REFERENCES panel_snapshots (snapshot_hash),
  PRIMARY KEY (run_id, kind)
);

-- One row per estimation step of a run (table/column of the study).
CREATE TABLE estimations (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  step_id       text NOT NULL,
  table_id      text NOT NULL,
  column_id     text NOT NULL,
  estimator     text NOT NULL,
  sample        text NOT NULL,
  spec          jsonb NOT NULL,
  nobs          integer NOT NULL,
  ngroups       integer,
  warnings      jsonb NOT NULL DEFAULT '[]'::jsonb,
  duration_ms   double precision NOT NULL,
  finished_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_id)
);

CREATE TABLE coefficients (
  run_id        text NOT NULL,
  step_id       text NOT NULL,
  position      integer NOT NULL,
  term          text NOT NULL,
  estimate      double precision,
  std_error     double precision,
  statistic     double precision,
  p_value       double precision,
  PRIMARY KEY (run_id, step_id, term),
  FOREIGN KEY (run_id, step_id) REFERENCES estimations (run_id, step_id) ON DELETE CASCADE
);

CREATE TABLE model_statistics (
  run_id        text NOT NULL,
  step_id       text NOT NULL,
  name          text NOT NULL,
  value         double precision,
  PRIMARY KEY (run_id, step_id, name),
  FOREIGN KEY (run_id, step_id) REFERENCES estimations (run_id, step_id) ON DELETE CASCADE
);

CREATE TABLE spatial_effects (
  run_id        text NOT NULL,
  step_id       text NOT NULL,
  term          text NOT NULL,
  direct        double precision,
  direct_se     double precision,
  indirect      double precision,
  indirect_se   double precision,
  total         double precision,
  total_se      double precision,
  PRIMARY KEY (run_id, step_id, term),
  FOREIGN KEY (run_id, step_id) REFERENCES estimations (run_id, step_id) ON DELETE CASCADE
);

CREATE TABLE moran (
  run_id        text NOT NULL,
  step_id       text NOT NULL,
  time          text NOT NULL,
  i             double precision,
  expected      double precision,
  variance      double precision,
  z             double precision,
  p_value       double precision,
  p_permutation double precision,
  PRIMARY KEY (run_id, step_id, time),
  FOREIGN KEY (run_id, step_id) REFERENCES estimations (run_id, step_id) ON DELETE CASCADE
);

-- Files a run published.
CREATE TABLE published_files (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  path          text NOT NULL,
  kind          text NOT NULL,
  sha256        text NOT NULL,
  PRIMARY KEY (run_id, path)
);
