-- Files a run refused after ingesting them (impossible values found when the panel was assembled):
-- unlinked from the run's files and listed here with the reason, so nothing of them is taken for the
-- run's inputs. Their observations stay, keyed by content, like any cached file.
CREATE TABLE rejected_files (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  name          text NOT NULL,
  sha256        text NOT NULL,
  reason        text NOT NULL,
  rejected_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, name)
);
