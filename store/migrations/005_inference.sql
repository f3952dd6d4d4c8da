-- Inference beyond the five tidy coefficient columns (econometrics/inference/): per coefficient the
-- Satterthwaite df (vce cr2), the wild bootstrap's p-value and inverted interval, and the SEs and
-- p-values of alternative covariance estimators (std_error_cr2, p_value_cr2, df_cr2, ...), one row per
-- number; the cluster diagnostics of clustered fits; and which p-value makes the stars of the step's
-- table.
CREATE TABLE coefficient_inference (
  run_id        text NOT NULL,
  step_id       text NOT NULL,
  term          text NOT NULL,
  name          text NOT NULL,
  value         double precision,
  PRIMARY KEY (run_id, step_id, term, name),
  FOREIGN KEY (run_id, step_id) REFERENCES estimations (run_id, step_id) ON DELETE CASCADE
);

CREATE TABLE cluster_diagnostics (
  run_id           text NOT NULL,
  step_id          text NOT NULL,
  position         integer NOT NULL,
  cluster          text NOT NULL,
  nobs             integer NOT NULL,
  leverage         double precision,
  partial_leverage double precision,
  beta_jackknife   double precision,
  PRIMARY KEY (run_id, step_id, cluster),
  FOREIGN KEY (run_id, step_id) REFERENCES estimations (run_id, step_id) ON DELETE CASCADE
);

-- NULL: the stars come from the column's own vce (p_value).
ALTER TABLE estimations ADD COLUMN stars_from text;

-- The conventional p-value (the column's vce) next to the wild bootstrap one and the one the stars come
-- from; `stars` now follows p_value_stars.
DROP VIEW analyst_coefficients;
CREATE VIEW analyst_coefficients AS
SELECT x.*,
       CASE WHEN x.p_value_stars < 0.01 THEN '***' WHEN x.p_value_stars < 0.05 THEN '**'
            WHEN x.p_value_stars < 0.1 THEN '*' ELSE '' END AS stars
FROM (
  SELECT c.run_id, e.table_id, e.column_id, e.step_id, e.estimator, e.sample, e.nobs, c.position, c.term,
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
  FROM coefficients c
  JOIN estimations e ON e.run_id = c.run_id AND e.step_id = c.step_id
  LEFT JOIN coefficient_inference w ON w.run_id = c.run_id AND w.step_id = c.step_id AND w.term = c.term
    AND w.name = 'p_value_wild'
) x;

CREATE VIEW analyst_cluster_diagnostics AS
SELECT d.run_id, e.table_id, e.column_id, e.step_id, d.position, d.cluster, d.nobs, d.leverage,
       d.partial_leverage, d.beta_jackknife
FROM cluster_diagnostics d
JOIN estimations e ON e.run_id = d.run_id AND e.step_id = d.step_id;
