-- Short- and long-run effects of the dynamic spatial panel (econometrics/spatial/dynamic-effects.ts):
-- every effects row has a horizon, 'static' for the static models' LeSage–Pace impacts ((I − ρW)⁻¹),
-- 'short' ((I − ρW)⁻¹) or 'long' (((1 − τ)I − (ρ + ψ)W)⁻¹) for the dynamic model's. Rows stored before
-- this migration are static ones. The key gains the horizon: a dynamic column has both for one term.
ALTER TABLE spatial_effects ADD COLUMN horizon text NOT NULL DEFAULT 'static'
  CHECK (horizon IN ('static', 'short', 'long'));
ALTER TABLE spatial_effects DROP CONSTRAINT spatial_effects_pkey;
ALTER TABLE spatial_effects ADD PRIMARY KEY (run_id, step_id, term, horizon);

DROP VIEW analyst_spatial_effects;
CREATE VIEW analyst_spatial_effects AS
SELECT x.run_id, e.table_id, e.column_id, e.step_id, x.term, x.horizon, x.direct, x.direct_se, x.indirect,
       x.indirect_se, x.total, x.total_se
FROM spatial_effects x
JOIN estimations e ON e.run_id = x.run_id AND e.step_id = x.step_id;
