-- Cells two sources disagree on (beyond the assembly tolerance): the value kept, the values set aside
-- and why the winner won (assembly.priority, else the manifest's order). One row per cell and run.
CREATE TABLE conflicts (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  variable      text NOT NULL,
  province      text NOT NULL,
  year          integer NOT NULL,
  kept_value    double precision NOT NULL,
  kept_file     text NOT NULL,
  kept_at       text NOT NULL,
  -- [{"value": …, "file": …, "at": …}], in canonical units like kept_value
  discarded     jsonb NOT NULL,
  reason        text NOT NULL,
  PRIMARY KEY (run_id, variable, province, year)
);

-- One row per value set aside, next to the one kept.
CREATE VIEW analyst_conflicts AS
SELECT c.run_id, c.variable, c.province, c.year, c.kept_value, c.kept_file, c.kept_at,
       (d->>'value')::double precision AS discarded_value, d->>'file' AS discarded_file,
       d->>'at' AS discarded_at, c.reason
FROM conflicts c
CROSS JOIN LATERAL jsonb_array_elements(c.discarded) AS d;
