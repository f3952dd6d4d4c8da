/**
 * The start of a refresh in one task: record the run, read its manifest and its estimation steps, and
 * look up the input files already stored under their keys. Each was its own activity, run one after
 * another before any file is read; together they cost one round trip through the server instead of
 * four. Each part is idempotent (starting a run again resets it; the rest only reads), so a retried task
 * does all of it again and the result is the same.
 */
import { plannedSteps } from './plan';
import type { ingestActivities, ManifestFile } from './ingest';
import type { runActivities } from './runs';

export function beginActivities(
  runs: Pick<ReturnType<typeof runActivities>, 'startRun'>,
  ingest: Pick<ReturnType<typeof ingestActivities>, 'readInputManifest' | 'findStoredFiles'>,
) {
  return {
    async beginRefresh(args: {
      run: Parameters<typeof runs.startRun>[0];
      inputsDir: string;
      studyPath: string;
      /** A forced rerun: only files stored since the run started count (store/snapshots.ts Recompute). */
      recompute?: boolean;
    }) {
      const run = await runs.startRun(args.run);
      const manifest = await ingest.readInputManifest(args.inputsDir);
      const plan = { steps: plannedSteps(args.studyPath) };
      const stored = await ingest.findStoredFiles({
        runId: args.run.runId,
        inputsDir: args.inputsDir,
        files: manifest.files as ManifestFile[],
        ...(args.recompute ? { storedSince: run.startedAt } : {}),
      });
      return { run, manifest, plan, stored };
    },
  };
}
