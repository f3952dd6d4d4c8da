import type { Config } from '../common/config';
import { publishResults } from '../publish';
import type { Db } from '../store/db';
import { loadEstimations } from '../store/estimations';
import { getSnapshot, runSnapshotHash } from '../store/snapshots';
import { cachedStudy } from './study-cache';
import { sha256File } from './hashing';

export function publishActivities(db: Db, config: Config) {
  return {
    /** The run's stored results → files in out/<run id>/, recorded in the store with their hashes. */
    async publishRun(args: { runId: string; studyPath: string }) {
      const { study } = cachedStudy(args.studyPath);
      const stored = await loadEstimations(db, args.runId);
      const indicatorsHash = await runSnapshotHash(db, args.runId, 'indicators');
      const assembledHash = await runSnapshotHash(db, args.runId, 'assembled');
      const panel = indicatorsHash
        ? await getSnapshot<Record<string, number | string | null>>(db, indicatorsHash)
        : undefined;
      const assembled = assembledHash ? await getSnapshot(db, assembledHash) : undefined;
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
        panelRows: panel?.rows ?? [],
        coverage: (assembled?.report.coverage as never) ?? [],
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
