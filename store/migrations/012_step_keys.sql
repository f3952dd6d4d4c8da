-- Content keys and memoisation (freshness/): every durable step of a run is recorded in run_steps with
-- its content key, the code version the key carries, the key's ingredients (what `outdated` compares)
-- and whether the run computed it or reused a result stored under that key by an earlier run.
--
-- An estimation's result is stored once per key: the estimations row (and its coefficient, statistic,
-- effect, Moran, LISA, … rows, still under the run and step that computed them) carries a unique
-- step_key, and every run that uses the result links to it through run_steps. The analyst views read
-- through the links, so `WHERE run_id = …` gives a run's numbers whichever run computed them.
--
-- Existing results keep their numbers: each gets the key legacy:<run>|<step> and a link from its run.

ALTER TABLE runs ADD COLUMN code_version text;
-- The module hashes the run's code versions were digested from (path -> sha256), so a later plan can
-- name the module that changed.
ALTER TABLE runs ADD COLUMN code_modules jsonb;

CREATE TABLE run_steps (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  -- ingest:<manifest path> | assemble | indicators | <table>/<column> | publish
  step          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('ingest', 'assemble', 'indicators', 'estimate', 'publish')),
  step_key      text NOT NULL,
  code_version  text NOT NULL,
  ingredients   jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- true: the result was already stored under step_key (by another run); false: this run computed it.
  reused        boolean NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step)
);
CREATE INDEX run_steps_key ON run_steps (step_key);

ALTER TABLE estimations ADD COLUMN step_key text;
UPDATE estimations SET step_key = 'legacy:' || run_id || '|' || step_id;
ALTER TABLE estimations ALTER COLUMN step_key SET NOT NULL;
ALTER TABLE estimations ADD CONSTRAINT estimations_step_key UNIQUE (step_key);

ALTER TABLE estimation_failures ADD COLUMN step_key text;
UPDATE estimation_failures SET step_key = 'legacy:' || run_id || '|' || step_id;
ALTER TABLE estimation_failures ALTER COLUMN step_key SET NOT NULL;
ALTER TABLE estimation_failures ADD CONSTRAINT estimation_failures_step_key UNIQUE (step_key);

INSERT INTO run_steps (run_id, step, kind, step_key, code_version, reused)
SELECT run_id, step_id, 'estimate', step_key, 'legacy', false FROM estimations
ON CONFLICT DO NOTHING;
INSERT INTO run_steps (run_id, step, kind, step_key, code_version, reused)
SELECT run_id, step_id, 'estimate', step_key, 'legacy', false FROM estimation_failures
ON CONFLICT DO NOTHING;
INSERT INTO run_steps (run_id, step, kind, step_key, code_version, reused)
SELECT run_id, 'ingest:' || name, 'ingest', sha256, 'legacy', false FROM run_files
ON CONFLICT DO NOTHING;
INSERT INTO run_steps (run_id, step, kind, step_key, code_version, reused)
SELECT run_id, CASE kind WHEN 'assembled' THEN 'assemble' ELSE kind END,
       CASE kind WHEN 'assembled' THEN 'assemble' ELSE kind END, snapshot_hash, 'legacy', false
FROM run_snapshots WHERE kind IN ('assembled', 'indicators')
ON CONFLICT DO NOTHING;

-- A run's estimations through its links: run_id is the run that uses the result, computed_by the run
-- whose rows hold it.
CREATE VIEW run_estimations AS
SELECT s.run_id, s.reused, e.run_id AS computed_by, e.step_id, e.table_id, e.column_id, e.estimator,
       e.sample, e.spec, e.nobs, e.ngroups, e.warnings, e.duration_ms, e.finished_at, e.stars_from,
       e.step_key
FROM run_steps s
JOIN estimations e ON e.step_key = s.step_key
WHERE s.kind = 'estimate';

CREATE VIEW run_estimation_failures AS
SELECT s.run_id, s.reused, f.run_id AS computed_by, f.step_id, f.table_id, f.column_id, f.error,
       f.failed_at, f.step_key
FROM run_steps s
JOIN estimation_failures f ON f.step_key = s.step_key
WHERE s.kind = 'estimate';

DROP VIEW analyst_coefficients;
CREATE VIEW analyst_coefficients AS
SELECT x.*,
       CASE WHEN x.p_value_stars < 0.01 THEN '***' WHEN x.p_value_stars < 0.05 THEN '**'
            WHEN x.p_value_stars < 0.1 THEN '*' ELSE '' END AS stars
FROM (
  SELECT e.run_id, e.table_id, e.column_id, e.step_id, e.estimator, e.sample, e.nobs, c.position, c.term,
         c.estimate, c.std_error, c.statistic, c.p_value,
         (SELECT value FROM coefficient_inference i WHERE i.run_id = c.run_id AND i.step_id = c.step_id
            AND i.term = c.term AND i.name = 'df') AS df,
         w.value AS p_value_wild,
         (SELECT value FROM coefficient_inference i WHERE i.run_id = c.run_id AND i.step_id = c.step_id
            AND i.term = c.term AND i.name = 'ci_wild_lower') AS ci_wild_lower,
         (SELECT value FROM coefficient_inference i WHERE i.run_id = c.run_id AND i.step_id = c.step_id
            AND i.term = c.term AND i.name = 'ci_wild_upper') AS ci_wild_upper,
         e.stars_from,
         COALESCE(
           CASE WHEN e.stars_from = 'wild' THEN w.value
                WHEN e.stars_from IS NOT NULL THEN
                  (SELECT value FROM coefficient_inference i WHERE i.run_id = c.run_id AND i.step_id = c.step_id
                     AND i.term = c.term AND i.name = 'p_value_' || replace(e.stars_from, '-', '_'))
           END,
           c.p_value) AS p_value_stars
  FROM run_estimations e
  JOIN coefficients c ON c.run_id = e.computed_by AND c.step_id = e.step_id
  LEFT JOIN coefficient_inference w ON w.run_id = c.run_id AND w.step_id = c.step_id AND w.term = c.term
    AND w.name = 'p_value_wild'
) x;

DROP VIEW analyst_statistics;
CREATE VIEW analyst_statistics AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, e.estimator, s.name, s.value
FROM run_estimations e
JOIN model_statistics s ON s.run_id = e.computed_by AND s.step_id = e.step_id;

DROP VIEW analyst_spatial_effects;
CREATE VIEW analyst_spatial_effects AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, x.term, x.horizon, x.direct, x.direct_se, x.indirect,
       x.indirect_se, x.total, x.total_se
FROM run_estimations e
JOIN spatial_effects x ON x.run_id = e.computed_by AND x.step_id = e.step_id;

DROP VIEW analyst_moran;
CREATE VIEW analyst_moran AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, m.time, m.i, m.expected, m.variance, m.z, m.p_value,
       m.p_permutation
FROM run_estimations e
JOIN moran m ON m.run_id = e.computed_by AND m.step_id = e.step_id;

DROP VIEW analyst_steps;
CREATE VIEW analyst_steps AS
SELECT run_id, step_id, table_id, column_id, 'estimated' AS status, NULL AS error, reused FROM run_estimations
UNION ALL
SELECT run_id, step_id, table_id, column_id, 'failed' AS status, error, reused FROM run_estimation_failures;

DROP VIEW analyst_cluster_diagnostics;
CREATE VIEW analyst_cluster_diagnostics AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, d.position, d.cluster, d.nobs, d.leverage,
       d.partial_leverage, d.beta_jackknife
FROM run_estimations e
JOIN cluster_diagnostics d ON d.run_id = e.computed_by AND d.step_id = e.step_id;

DROP VIEW analyst_lisa;
CREATE VIEW analyst_lisa AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, e.spec ->> 'y' AS variable, l.time, l.entity AS province,
       l.ii, l.expected, l.variance, l.z_score, l.p_value, l.p_permutation, l.p_bh, l.cluster
FROM run_estimations e
JOIN local_moran l ON l.run_id = e.computed_by AND l.step_id = e.step_id;

DROP VIEW analyst_province_effects;
CREATE VIEW analyst_province_effects AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, x.term, x.entity AS province, x.direct, x.received,
       x.emitted
FROM run_estimations e
JOIN entity_effects x ON x.run_id = e.computed_by AND x.step_id = e.step_id;
