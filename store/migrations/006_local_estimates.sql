-- Entity-level spatial results as stored estimations (rows of the step that computed them), so the
-- report's maps only render what the store holds: local Moran's I (LISA) of a Moran step per period and
-- entity, and an SDM step's direct, received and emitted impacts of each regressor per entity.
CREATE TABLE local_moran (
  run_id        text NOT NULL,
  step_id       text NOT NULL,
  time          integer NOT NULL,
  entity        text NOT NULL,
  z             double precision,
  lag           double precision,
  ii            double precision,
  expected      double precision,
  variance      double precision,
  z_score       double precision,
  p_value       double precision,
  cluster       text NOT NULL,
  PRIMARY KEY (run_id, step_id, time, entity),
  FOREIGN KEY (run_id, step_id) REFERENCES estimations (run_id, step_id) ON DELETE CASCADE
);

CREATE TABLE entity_effects (
  run_id        text NOT NULL,
  step_id       text NOT NULL,
  term          text NOT NULL,
  entity        text NOT NULL,
  direct        double precision,
  received      double precision,
  emitted       double precision,
  PRIMARY KEY (run_id, step_id, term, entity),
  FOREIGN KEY (run_id, step_id) REFERENCES estimations (run_id, step_id) ON DELETE CASCADE
);

CREATE VIEW analyst_lisa AS
SELECT l.run_id, e.table_id, e.column_id, e.step_id, e.spec ->> 'y' AS variable, l.time, l.entity AS province,
       l.ii, l.expected, l.variance, l.z_score, l.p_value, l.cluster
FROM local_moran l
JOIN estimations e ON e.run_id = l.run_id AND e.step_id = l.step_id;

CREATE VIEW analyst_province_effects AS
SELECT x.run_id, e.table_id, e.column_id, e.step_id, x.term, x.entity AS province, x.direct, x.received,
       x.emitted
FROM entity_effects x
JOIN estimations e ON e.run_id = x.run_id AND e.step_id = x.step_id;
