-- Views for analysts: one row per number, with the table and column of the study it belongs to.
-- Every view is keyed by run_id; see the README for example queries.

CREATE VIEW analyst_coefficients AS
SELECT c.run_id, e.table_id, e.column_id, e.step_id, e.estimator, e.sample, e.nobs, c.position, c.term,
       c.estimate, c.std_error, c.statistic, c.p_value,
       CASE WHEN c.p_value < 0.01 THEN '***' WHEN c.p_value < 0.05 THEN '**' WHEN c.p_value < 0.1 THEN '*' ELSE '' END
         AS stars
FROM coefficients c
JOIN estimations e ON e.run_id = c.run_id AND e.step_id = c.step_id;

CREATE VIEW analyst_statistics AS
SELECT s.run_id, e.table_id, e.column_id, e.step_id, e.estimator, s.name, s.value
FROM model_statistics s
JOIN estimations e ON e.run_id = s.run_id AND e.step_id = s.step_id;

CREATE VIEW analyst_spatial_effects AS
SELECT x.run_id, e.table_id, e.column_id, e.step_id, x.term, x.direct, x.direct_se, x.indirect, x.indirect_se,
       x.total, x.total_se
FROM spatial_effects x
JOIN estimations e ON e.run_id = x.run_id AND e.step_id = x.step_id;

CREATE VIEW analyst_moran AS
SELECT m.run_id, e.table_id, e.column_id, e.step_id, m.time, m.i, m.expected, m.variance, m.z, m.p_value,
       m.p_permutation
FROM moran m
JOIN estimations e ON e.run_id = m.run_id AND e.step_id = m.step_id;

-- Data coverage of the run's assembled panel: cells per variable by how they were obtained.
CREATE VIEW analyst_coverage AS
SELECT rs.run_id, cov->>'variable' AS variable,
       (cov->>'observed')::int AS observed,
       (cov->>'interpolated')::int AS interpolated,
       COALESCE((cov->>'extrapolated')::int, 0) AS extrapolated,
       (cov->>'missing')::int AS missing
FROM run_snapshots rs
JOIN panel_snapshots ps ON ps.snapshot_hash = rs.snapshot_hash
CROSS JOIN LATERAL jsonb_array_elements(ps.report->'coverage') AS cov
WHERE rs.kind = 'assembled';

-- Steps that could not be estimated, next to the ones that were.
CREATE VIEW analyst_steps AS
SELECT run_id, step_id, table_id, column_id, 'estimated' AS status, NULL AS error FROM estimations
UNION ALL
SELECT run_id, step_id, table_id, column_id, 'failed' AS status, error FROM estimation_failures;
