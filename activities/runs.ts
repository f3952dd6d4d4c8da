import type { Config } from '../common/config';
import { codeVersionsFor } from '../freshness/code-versions';
import type { StepKey } from '../freshness/keys';
import type { Db } from '../store/db';
import { recordRunSteps } from '../store/run-steps';
import { finishRun, getRun, startRun } from '../store/runs';
import { linkRunFiles } from '../store/source-files';

export function runActivities(db: Db, config?: Pick<Config, 'buildManifest'>) {
  return {
    /**
     * Records the run with its code version and the module hashes it digests (for `outdated`); returns
     * when it started by the store's clock (what a forced rerun reuses only results stored since).
     */
    async startRun(run: {
      runId: string;
      studyId: string;
      vintage: string;
      inputsHash: string;
      codeVersion?: string;
    }): Promise<{ startedAt: string }> {
      return startRun(db, {
        ...run,
        ...(run.codeVersion ? { codeModules: codeVersionsFor(config?.buildManifest).all() } : {}),
      });
    },
    /** The run's status in the store this worker writes to ('absent': not there, e.g. a new database). */
    async storedRunStatus(runId: string): Promise<'running' | 'completed' | 'failed' | 'absent'> {
      return (await getRun(db, runId))?.status ?? 'absent';
    },
    async finishRun(
      runId: string,
      outcome: { status: 'completed' | 'failed'; error?: string; summary?: Record<string, unknown> },
    ) {
      await finishRun(db, runId, outcome);
    },
    /** The run's input files, and each file's ingest step (its key, and whether it was parsed before). */
    async linkRunFiles(runId: string, files: RunFile[]) {
      await linkFiles(db, runId, files);
    },
  };
}

/** An input file of a run: its content key, and its ingest step (its key, whether parsed before). */
export interface RunFile {
  name: string;
  sha256: string;
  real: boolean;
  step?: StepKey;
  cached?: boolean;
}

/** The run's input files and each file's ingest step record, in one transaction of two statements. */
export async function linkFiles(db: Db, runId: string, files: RunFile[]): Promise<void> {
  await db.transaction(async (tx) => {
    await linkRunFiles(
      tx,
      runId,
      files.map(({ name, sha256, real }) => ({ name, sha256, real })),
    );
    await recordRunSteps(
      tx,
      runId,
      files.flatMap((f) => (f.step ? [{ step: f.step, reused: Boolean(f.cached) }] : [])),
    );
  });
}
