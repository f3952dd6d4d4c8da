-- What a run's tables are and rest on, written when the run publishes (store/run-tables.ts): the study's
-- tables in the paper's order, their columns (dependent variable, matrix name), what each column's
-- variables rest on (synthetic inputs, filled values in its sample), and the study variables' coverage
-- after the indicator step. Every analyst view gains table_order and column_order (so tables sort as
-- the paper numbers them, not table10 before table3), and every view and column has a comment.
CREATE TABLE run_tables (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  table_id      text NOT NULL,
  table_order   integer NOT NULL,
  title         text NOT NULL,
  PRIMARY KEY (run_id, table_id)
);

CREATE TABLE run_columns (
  run_id              text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  table_id            text NOT NULL,
  column_id           text NOT NULL,
  column_order        integer NOT NULL,
  label               text NOT NULL,
  dependent_variable  text NOT NULL,
  weights             text,
  PRIMARY KEY (run_id, table_id, column_id)
);

CREATE TABLE column_basis (
  run_id            text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  table_id          text NOT NULL,
  column_id         text NOT NULL,
  variable          text NOT NULL,
  -- comma-separated synthetic input files behind the variable's values in the column's rows
  synthetic_inputs  text NOT NULL DEFAULT '',
  interpolated      integer NOT NULL,
  substituted       integer NOT NULL,
  extrapolated      integer NOT NULL,
  rows              integer NOT NULL,
  PRIMARY KEY (run_id, table_id, column_id, variable)
);

CREATE TABLE study_coverage (
  run_id            text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  variable          text NOT NULL,
  observed          integer NOT NULL,
  interpolated      integer NOT NULL,
  substituted       integer NOT NULL,
  extrapolated      integer NOT NULL,
  missing           integer NOT NULL,
  synthetic_inputs  text NOT NULL DEFAULT '',
  missing_cells     text NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, variable)
);

CREATE VIEW analyst_tables AS
SELECT run_id, table_order, table_id, title FROM run_tables;

CREATE VIEW analyst_columns AS
SELECT c.run_id, t.table_order, c.table_id, c.column_order, c.column_id, c.label, c.dependent_variable,
       c.weights, e.estimator, e.nobs,
       EXISTS (SELECT 1 FROM column_basis b WHERE b.run_id = c.run_id AND b.table_id = c.table_id
                 AND b.column_id = c.column_id AND b.synthetic_inputs <> '') AS rests_on_synthetic,
       (SELECT string_agg(b.variable, ', ' ORDER BY b.variable) FROM column_basis b
         WHERE b.run_id = c.run_id AND b.table_id = c.table_id AND b.column_id = c.column_id
           AND b.synthetic_inputs <> '') AS synthetic_variables,
       (SELECT string_agg(b.variable || ' (' || concat_ws(', ',
                 CASE WHEN b.extrapolated > 0 THEN b.extrapolated || ' extrapolated' END,
                 CASE WHEN b.substituted > 0 THEN b.substituted || ' substituted' END,
                 CASE WHEN b.interpolated > 0 THEN b.interpolated || ' interpolated' END)
                 || ' of ' || b.rows || ')', '; ' ORDER BY b.variable) FROM column_basis b
         WHERE b.run_id = c.run_id AND b.table_id = c.table_id AND b.column_id = c.column_id
           AND b.extrapolated + b.substituted + b.interpolated > 0) AS filled_variables
FROM run_columns c
JOIN run_tables t ON t.run_id = c.run_id AND t.table_id = c.table_id
LEFT JOIN run_estimations e ON e.run_id = c.run_id AND e.table_id = c.table_id AND e.column_id = c.column_id;

CREATE VIEW analyst_column_basis AS
SELECT b.run_id, t.table_order, b.table_id, c.column_order, b.column_id, b.variable, b.synthetic_inputs,
       b.interpolated, b.substituted, b.extrapolated, b.rows
FROM column_basis b
LEFT JOIN run_tables t ON t.run_id = b.run_id AND t.table_id = b.table_id
LEFT JOIN run_columns c ON c.run_id = b.run_id AND c.table_id = b.table_id AND c.column_id = b.column_id;

-- Coverage: the study variables after the indicator step (what the tables use), then the assembled series.
DROP VIEW analyst_coverage;
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
CROSS JOIN LATERAL jsonb_array_elements(ps.report->'coverage') AS cov
WHERE rs.kind = 'assembled';

-- The views of 012 as they were (read through run_estimations), with the paper's order appended.
CREATE OR REPLACE VIEW analyst_coefficients AS
SELECT x.*,
       CASE WHEN x.p_value_stars < 0.01 THEN '***' WHEN x.p_value_stars < 0.05 THEN '**'
            WHEN x.p_value_stars < 0.1 THEN '*' ELSE '' END AS stars,
       t.table_order, rc.column_order
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
) x
LEFT JOIN run_tables t ON t.run_id = x.run_id AND t.table_id = x.table_id
LEFT JOIN run_columns rc ON rc.run_id = x.run_id AND rc.table_id = x.table_id AND rc.column_id = x.column_id;

CREATE OR REPLACE VIEW analyst_statistics AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, e.estimator, s.name, s.value, t.table_order, rc.column_order
FROM run_estimations e
JOIN model_statistics s ON s.run_id = e.computed_by AND s.step_id = e.step_id
LEFT JOIN run_tables t ON t.run_id = e.run_id AND t.table_id = e.table_id
LEFT JOIN run_columns rc ON rc.run_id = e.run_id AND rc.table_id = e.table_id AND rc.column_id = e.column_id;

CREATE OR REPLACE VIEW analyst_spatial_effects AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, x.term, x.horizon, x.direct, x.direct_se, x.indirect,
       x.indirect_se, x.total, x.total_se, t.table_order, rc.column_order
FROM run_estimations e
JOIN spatial_effects x ON x.run_id = e.computed_by AND x.step_id = e.step_id
LEFT JOIN run_tables t ON t.run_id = e.run_id AND t.table_id = e.table_id
LEFT JOIN run_columns rc ON rc.run_id = e.run_id AND rc.table_id = e.table_id AND rc.column_id = e.column_id;

CREATE OR REPLACE VIEW analyst_moran AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, m.time, m.i, m.expected, m.variance, m.z, m.p_value,
       m.p_permutation, t.table_order, rc.column_order
FROM run_estimations e
JOIN moran m ON m.run_id = e.computed_by AND m.step_id = e.step_id
LEFT JOIN run_tables t ON t.run_id = e.run_id AND t.table_id = e.table_id
LEFT JOIN run_columns rc ON rc.run_id = e.run_id AND rc.table_id = e.table_id AND rc.column_id = e.column_id;

CREATE OR REPLACE VIEW analyst_steps AS
SELECT e.run_id, e.step_id, e.table_id, e.column_id, e.status, e.error, e.reused, t.table_order, rc.column_order
FROM (
  SELECT run_id, step_id, table_id, column_id, 'estimated' AS status, NULL AS error, reused FROM run_estimations
  UNION ALL
  SELECT run_id, step_id, table_id, column_id, 'failed' AS status, error, reused FROM run_estimation_failures
) e
LEFT JOIN run_tables t ON t.run_id = e.run_id AND t.table_id = e.table_id
LEFT JOIN run_columns rc ON rc.run_id = e.run_id AND rc.table_id = e.table_id AND rc.column_id = e.column_id;

CREATE OR REPLACE VIEW analyst_cluster_diagnostics AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, d.position, d.cluster, d.nobs, d.leverage,
       d.partial_leverage, d.beta_jackknife, t.table_order, rc.column_order
FROM run_estimations e
JOIN cluster_diagnostics d ON d.run_id = e.computed_by AND d.step_id = e.step_id
LEFT JOIN run_tables t ON t.run_id = e.run_id AND t.table_id = e.table_id
LEFT JOIN run_columns rc ON rc.run_id = e.run_id AND rc.table_id = e.table_id AND rc.column_id = e.column_id;

CREATE OR REPLACE VIEW analyst_lisa AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, e.spec ->> 'y' AS variable, l.time, l.entity AS province,
       l.ii, l.expected, l.variance, l.z_score, l.p_value, l.p_permutation, l.p_bh, l.cluster,
       t.table_order, rc.column_order
FROM run_estimations e
JOIN local_moran l ON l.run_id = e.computed_by AND l.step_id = e.step_id
LEFT JOIN run_tables t ON t.run_id = e.run_id AND t.table_id = e.table_id
LEFT JOIN run_columns rc ON rc.run_id = e.run_id AND rc.table_id = e.table_id AND rc.column_id = e.column_id;

CREATE OR REPLACE VIEW analyst_province_effects AS
SELECT e.run_id, e.table_id, e.column_id, e.step_id, x.term, x.entity AS province, x.direct, x.received,
       x.emitted, t.table_order, rc.column_order
FROM run_estimations e
JOIN entity_effects x ON x.run_id = e.computed_by AND x.step_id = e.step_id
LEFT JOIN run_tables t ON t.run_id = e.run_id AND t.table_id = e.table_id
LEFT JOIN run_columns rc ON rc.run_id = e.run_id AND rc.table_id = e.table_id AND rc.column_id = e.column_id;

-- Comments (psql: \d+ analyst_coefficients). Columns shared by the views first, then each view's own.
DO $$
DECLARE
  shared jsonb := '{
    "run_id": "The run (refresh) id, as `aicarbon run` prints it.",
    "table_id": "The study table id (study definition tables[].id).",
    "column_id": "The column id within its table, e.g. (4).",
    "step_id": "The estimation step, table_id/column_id.",
    "estimator": "The estimator of the column (ols, fe, iv, sysgmm, mediation, moderation, moran, sdm, ...).",
    "sample": "The study sample the column is estimated on (all, East, Central, West, ...).",
    "table_order": "Position of the table in the study, as the paper numbers its tables; ORDER BY table_order.",
    "column_order": "Position of the column in its table (1 = leftmost); ORDER BY table_order, column_order."
  }';
  v record;
  k text;
BEGIN
  FOR v IN SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
           WHERE c.relkind = 'v' AND c.relname LIKE 'analyst\_%' AND a.attnum > 0 AND NOT a.attisdropped LOOP
    k := v.attname;
    IF shared ? k THEN
      EXECUTE format('COMMENT ON COLUMN %I.%I IS %L', v.relname, k, shared ->> k);
    END IF;
  END LOOP;
END $$;

COMMENT ON VIEW analyst_coefficients IS 'One row per coefficient of every estimated column, with the p-value the table''s stars come from.';
COMMENT ON COLUMN analyst_coefficients.nobs IS 'Observations the column was estimated on (the table''s N).';
COMMENT ON COLUMN analyst_coefficients.position IS 'Order of the term in the estimator''s result.';
COMMENT ON COLUMN analyst_coefficients.term IS 'The regressor: a study variable, W*x (its spatial lag), L.y (a lag), x*z (a product), _cons, rho.';
COMMENT ON COLUMN analyst_coefficients.estimate IS 'The coefficient.';
COMMENT ON COLUMN analyst_coefficients.std_error IS 'Its standard error under the column''s vce.';
COMMENT ON COLUMN analyst_coefficients.statistic IS 'estimate / std_error (t or z).';
COMMENT ON COLUMN analyst_coefficients.p_value IS 'Two-sided p-value under the column''s vce.';
COMMENT ON COLUMN analyst_coefficients.df IS 'Degrees of freedom of the t reference (Satterthwaite for vce cr2); NULL = the estimator''s default.';
COMMENT ON COLUMN analyst_coefficients.p_value_wild IS 'Wild cluster restricted bootstrap p-value, when the column computed one.';
COMMENT ON COLUMN analyst_coefficients.ci_wild_lower IS 'Lower end of the 95 % interval from inverting the wild bootstrap test.';
COMMENT ON COLUMN analyst_coefficients.ci_wild_upper IS 'Upper end of the 95 % interval from inverting the wild bootstrap test.';
COMMENT ON COLUMN analyst_coefficients.stars_from IS 'Where the table takes its stars from: wild, a vce name, or NULL for the column''s own p_value.';
COMMENT ON COLUMN analyst_coefficients.p_value_stars IS 'The p-value the stars follow.';
COMMENT ON COLUMN analyst_coefficients.stars IS 'Significance stars at 10 / 5 / 1 % from p_value_stars.';

COMMENT ON VIEW analyst_statistics IS 'One row per named statistic of every estimated column (N, R², within R², Hansen J, VIF, ...).';
COMMENT ON COLUMN analyst_statistics.name IS 'The statistic''s name (nobs, r2, r2_within, hansen_p, vif:AIT, ...).';
COMMENT ON COLUMN analyst_statistics.value IS 'Its value.';

COMMENT ON VIEW analyst_spatial_effects IS 'Direct, indirect and total effects of spatial models, with their simulated standard errors.';
COMMENT ON COLUMN analyst_spatial_effects.term IS 'The regressor whose effects these are.';
COMMENT ON COLUMN analyst_spatial_effects.horizon IS 'static (LeSage–Pace impacts), or short / long run of the dynamic model.';
COMMENT ON COLUMN analyst_spatial_effects.direct IS 'Average direct effect (own province).';
COMMENT ON COLUMN analyst_spatial_effects.direct_se IS 'Its standard error.';
COMMENT ON COLUMN analyst_spatial_effects.indirect IS 'Average indirect effect (spill-over to and from the other provinces).';
COMMENT ON COLUMN analyst_spatial_effects.indirect_se IS 'Its standard error.';
COMMENT ON COLUMN analyst_spatial_effects.total IS 'Average total effect, direct + indirect.';
COMMENT ON COLUMN analyst_spatial_effects.total_se IS 'Its standard error.';

COMMENT ON VIEW analyst_moran IS 'Global Moran''s I of a variable by year (and pooled), under the column''s weight matrix.';
COMMENT ON COLUMN analyst_moran.time IS 'The year, or pooled.';
COMMENT ON COLUMN analyst_moran.i IS 'Moran''s I.';
COMMENT ON COLUMN analyst_moran.expected IS 'E[I] under the null, -1/(n - 1).';
COMMENT ON COLUMN analyst_moran.variance IS 'Var[I] under the randomisation assumption.';
COMMENT ON COLUMN analyst_moran.z IS '(I - E[I]) / sqrt(Var[I]).';
COMMENT ON COLUMN analyst_moran.p_value IS 'Analytical p-value of z (the stars).';
COMMENT ON COLUMN analyst_moran.p_permutation IS 'Permutation p-value (the rule is the Moran spec''s permutationP).';

COMMENT ON VIEW analyst_steps IS 'Every estimation step of a run: estimated, or failed with the reason the data could not support it.';
COMMENT ON COLUMN analyst_steps.status IS 'estimated or failed.';
COMMENT ON COLUMN analyst_steps.error IS 'Why a failed step failed; NULL when estimated.';
COMMENT ON COLUMN analyst_steps.reused IS 'True when the run reused a result an earlier run stored under the same content key.';

COMMENT ON VIEW analyst_cluster_diagnostics IS 'Leverage and influence of each cluster (province) of clustered fits.';
COMMENT ON COLUMN analyst_cluster_diagnostics.position IS 'Order of the cluster in the fit.';
COMMENT ON COLUMN analyst_cluster_diagnostics.cluster IS 'The cluster (province code).';
COMMENT ON COLUMN analyst_cluster_diagnostics.nobs IS 'Observations in the cluster.';
COMMENT ON COLUMN analyst_cluster_diagnostics.leverage IS 'The cluster''s leverage, trace of its block of the hat matrix.';
COMMENT ON COLUMN analyst_cluster_diagnostics.partial_leverage IS 'Its partial leverage for the core regressor.';
COMMENT ON COLUMN analyst_cluster_diagnostics.beta_jackknife IS 'The core coefficient estimated without this cluster.';

COMMENT ON VIEW analyst_lisa IS 'Local Moran''s I (LISA) of each province and year, with its cluster label.';
COMMENT ON COLUMN analyst_lisa.variable IS 'The study variable.';
COMMENT ON COLUMN analyst_lisa.time IS 'The year.';
COMMENT ON COLUMN analyst_lisa.province IS 'The province code.';
COMMENT ON COLUMN analyst_lisa.ii IS 'Local Moran''s I_i.';
COMMENT ON COLUMN analyst_lisa.expected IS 'E[I_i] under the null.';
COMMENT ON COLUMN analyst_lisa.variance IS 'Var[I_i] under the randomisation assumption.';
COMMENT ON COLUMN analyst_lisa.z_score IS '(I_i - E[I_i]) / sqrt(Var[I_i]).';
COMMENT ON COLUMN analyst_lisa.p_value IS 'Analytical (normal) p-value.';
COMMENT ON COLUMN analyst_lisa.p_permutation IS 'Conditional-permutation pseudo p-value.';
COMMENT ON COLUMN analyst_lisa.p_bh IS 'Benjamini–Hochberg adjusted permutation p-value.';
COMMENT ON COLUMN analyst_lisa.cluster IS 'High-High, Low-Low, High-Low, Low-High or Not significant (from the p-value the Moran spec chose).';

COMMENT ON VIEW analyst_province_effects IS 'Each province''s direct, received and emitted impacts of a regressor in a spatial Durbin column.';
COMMENT ON COLUMN analyst_province_effects.term IS 'The regressor.';
COMMENT ON COLUMN analyst_province_effects.province IS 'The province code.';
COMMENT ON COLUMN analyst_province_effects.direct IS 'Its own x on its own y.';
COMMENT ON COLUMN analyst_province_effects.received IS 'Everyone else''s x on its y.';
COMMENT ON COLUMN analyst_province_effects.emitted IS 'Its x on everyone else''s y (the spill-over it sends).';

COMMENT ON VIEW analyst_conflicts IS 'Cells two sources disagree on: the value kept, each value set aside, and why.';
COMMENT ON COLUMN analyst_conflicts.run_id IS 'The run (refresh) id, as `aicarbon run` prints it.';
COMMENT ON COLUMN analyst_conflicts.variable IS 'The assembled variable.';
COMMENT ON COLUMN analyst_conflicts.province IS 'The province code.';
COMMENT ON COLUMN analyst_conflicts.year IS 'The year.';
COMMENT ON COLUMN analyst_conflicts.kept_value IS 'The value kept, in the variable''s canonical unit.';
COMMENT ON COLUMN analyst_conflicts.kept_file IS 'The input file it came from.';
COMMENT ON COLUMN analyst_conflicts.kept_at IS 'Where in that file (file!sheet!cell).';
COMMENT ON COLUMN analyst_conflicts.discarded_value IS 'A value set aside, in the same unit.';
COMMENT ON COLUMN analyst_conflicts.discarded_file IS 'The input file it came from.';
COMMENT ON COLUMN analyst_conflicts.discarded_at IS 'Where in that file (file!sheet!cell).';
COMMENT ON COLUMN analyst_conflicts.reason IS 'Why the kept value won (assembly.priority, else the manifest''s order).';

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

COMMENT ON VIEW analyst_tables IS 'The study''s tables as the run published them, in the paper''s order.';
COMMENT ON COLUMN analyst_tables.title IS 'The table''s title.';

COMMENT ON VIEW analyst_columns IS 'Every table column: its dependent variable, matrix, estimate and what it rests on.';
COMMENT ON COLUMN analyst_columns.label IS 'The column''s header label (model or matrix name).';
COMMENT ON COLUMN analyst_columns.dependent_variable IS 'The dependent variable printed over the column.';
COMMENT ON COLUMN analyst_columns.weights IS 'The study''s weight matrix (W1, ...) of a spatial column, whose name label prints; NULL otherwise.';
COMMENT ON COLUMN analyst_columns.nobs IS 'Observations the column was estimated on; NULL when it failed.';
COMMENT ON COLUMN analyst_columns.rests_on_synthetic IS 'True when a variable of the column rests on a synthetic input: the column illustrates, it is not a finding.';
COMMENT ON COLUMN analyst_columns.synthetic_variables IS 'The column''s variables that rest on synthetic inputs.';
COMMENT ON COLUMN analyst_columns.filled_variables IS 'The column''s variables with values not observed in its rows: how many extrapolated, substituted, interpolated, of how many.';

COMMENT ON VIEW analyst_column_basis IS 'For each table column and each variable it uses: synthetic inputs and filled values within the column''s rows.';
COMMENT ON COLUMN analyst_column_basis.variable IS 'A study variable the column uses.';
COMMENT ON COLUMN analyst_column_basis.synthetic_inputs IS 'Synthetic input files behind its values in the column''s rows, comma-separated; empty when none.';
COMMENT ON COLUMN analyst_column_basis.interpolated IS 'Values in the column''s rows resting on an interpolated cell.';
COMMENT ON COLUMN analyst_column_basis.substituted IS 'Values resting on a substituted cell.';
COMMENT ON COLUMN analyst_column_basis.extrapolated IS 'Values resting on an extrapolated cell.';
COMMENT ON COLUMN analyst_column_basis.rows IS 'Rows of the column''s sample where every variable it uses has a value.';
