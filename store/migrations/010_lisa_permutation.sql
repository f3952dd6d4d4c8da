-- LISA permutation inference (econometrics/spatial/moran.ts localMoran): the conditional-permutation
-- pseudo p-value and the Benjamini-Hochberg adjusted p-value of each entity; the cluster label follows
-- the p-value the Moran spec chose (spec.spatial.lisaLabels).
ALTER TABLE local_moran ADD COLUMN p_permutation double precision;
ALTER TABLE local_moran ADD COLUMN p_bh double precision;

DROP VIEW analyst_lisa;
CREATE VIEW analyst_lisa AS
SELECT l.run_id, e.table_id, e.column_id, e.step_id, e.spec ->> 'y' AS variable, l.time, l.entity AS province,
       l.ii, l.expected, l.variance, l.z_score, l.p_value, l.p_permutation, l.p_bh, l.cluster
FROM local_moran l
JOIN estimations e ON e.run_id = l.run_id AND e.step_id = l.step_id;
