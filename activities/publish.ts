import type { Config } from '../common/config';
import { publishResults } from '../publish';
import type { Db } from '../store/db';
import { loadEstimationFailures, loadEstimations } from '../store/estimations';
import { getRun } from '../store/runs';
import { loadRunPanels } from './run-panels';
import { cachedStudy } from './study-cache';
import { sha256File } from './hashing';

export function publishActivities(db: Db, config: Config) {
  return {
    /** The run's stored results → files in out/<run id>/, recorded in the store with their hashes. */
    async publishRun(args: { runId: string; studyPath: string }) {
      const { study } = cachedStudy(args.studyPath);
      const stored = await loadEstimations(db, args.runId);
      const failures = await loadEstimationFailures(db, args.runId);
      const panels = await loadRunPanels(db, args.runId);
      const run = await getRun(db, args.runId);
      const inputs = await db.query<{ name: string; sha256: string; real: boolean }>(
        `SELECT rf.name, COALESCE(sf.file_sha256, rf.sha256) AS sha256, rf.real
         FROM run_files rf JOIN source_files sf ON sf.sha256 = rf.sha256
         WHERE rf.run_id = $1 ORDER BY rf.name`,
        [args.runId],
      );
      const files = await publishResults({
        outDir: config.outDir,
        runId: args.runId,
        study,
        steps: stored.map((s) => ({
          stepId: s.stepId,
          tableId: s.tableId,
          columnId: s.columnId,
          result: s.result,
        })),
        panelRows: panels?.indicators.rows ?? [],
        coverage: panels?.assembled.coverage ?? [],
        failures: failures.map((f) => ({ stepId: f.stepId, message: f.error })),
        run: {
          ...(run ? { vintage: run.vintage, startedAt: run.started_at.toISOString() } : {}),
          inputs: inputs.map((f) => ({ path: f.name, sha256: f.sha256 })),
          details: {
            ...(run ? { 'Inputs hash': run.inputs_hash } : {}),
            'Synthetic inputs':
              inputs
                .filter((f) => !f.real)
                .map((f) => f.name)
                .join(', ') || 'none',
          },
        },
      });
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM published_files WHERE run_id = $1', [args.runId]);
        for (const path of files) {
          await tx.query('INSERT INTO published_files (run_id, path, kind, sha256) VALUES ($1, $2, $3, $4)', [
            args.runId,
            path,
            path.split('.').pop() ?? '',
            await sha256File(path),
          ]);
        }
      });
      return { files };
    },
  };
}
