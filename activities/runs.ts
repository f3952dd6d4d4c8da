import type { Db } from '../store/db';
import { finishRun, startRun } from '../store/runs';
import { linkRunFiles } from '../store/source-files';

export function runActivities(db: Db) {
  return {
    async startRun(run: { runId: string; studyId: string; vintage: string; inputsHash: string }) {
      await startRun(db, run);
    },
    async finishRun(
      runId: string,
      outcome: { status: 'completed' | 'failed'; error?: string; summary?: Record<string, unknown> },
    ) {
      await finishRun(db, runId, outcome);
    },
    async linkRunFiles(runId: string, files: { name: string; sha256: string; real: boolean }[]) {
      await linkRunFiles(db, runId, files);
    },
  };
}
