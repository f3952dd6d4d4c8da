/**
 * The yearly refresh, read as the study reads: ingest the sources, assemble the panel, compute the
 * indicators, estimate every table, publish. Orchestration only — all I/O and compute is in activities,
 * and only ids and content hashes pass through here.
 */
import {
  ApplicationFailure,
  executeChild,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { STAGE, STUDY, VINTAGE } from '../temporal/search-attributes';
import { computeOptions, ioOptions, portalIngestOptions } from './activity-options';
import { estimateStageWorkflow } from './estimate-stage';
import { progressQuery, stepDoneSignal, type Progress, type Stage } from './progress';
import type { RefreshInput, RefreshResult } from './types';

const io = proxyActivities<Activities>(ioOptions);
const compute = proxyActivities<Activities>(computeOptions);

export async function refreshWorkflow(input: RefreshInput): Promise<RefreshResult> {
  const progress: Progress = { runId: input.runId, stage: 'ingest', stepsDone: 0, stepsTotal: 0 };
  setHandler(progressQuery, () => progress);
  setHandler(stepDoneSignal, (stepId: string, failed?: boolean) => {
    progress.stepsDone += 1;
    progress.current = stepId;
    if (failed) progress.failedSteps = (progress.failedSteps ?? 0) + 1;
  });

  const enter = (stage: Stage) => {
    progress.stage = stage;
    upsertSearchAttributes([{ key: STAGE, value: stage }]);
    setCurrentDetails(`**${stage}** — ${progress.stepsDone}/${progress.stepsTotal} steps`);
  };
  const stepDone = (label: string) => {
    progress.stepsDone += 1;
    progress.current = label;
  };

  upsertSearchAttributes([
    { key: STUDY, value: input.studyId },
    { key: VINTAGE, value: input.vintage },
  ]);

  try {
    enter('ingest');
    await io.startRun.executeWithOptions({ ...ioOptions, summary: `record run ${input.runId}` }, [
      {
        runId: input.runId,
        studyId: input.studyId,
        vintage: input.vintage,
        inputsHash: input.inputsHash,
        ...(input.codeVersion ? { codeVersion: input.codeVersion } : {}),
      },
    ]);
    const manifest = await io.readInputManifest(input.inputsDir);
    const plan = await io.planStudy(input.studyPath);
    progress.stepsTotal = manifest.files.length + 2 + plan.steps.length + 1;

    const ingested = await Promise.all(
      manifest.files.map(async (file) => {
        const done = await io.ingestSource.executeWithOptions(
          {
            ...(file.layout === 'patent-portal' ? portalIngestOptions : ioOptions),
            summary: `ingest ${file.path}`,
          },
          [{ runId: input.runId, inputsDir: input.inputsDir, file }],
        );
        stepDone(`ingest ${file.path}`);
        return done;
      }),
    );
    await io.linkRunFiles(
      input.runId,
      // With each file's content key and whether it was parsed before (the run's step records).
      ingested.map((f) => ({ name: f.name, sha256: f.sha256, real: f.real, step: f.step, cached: f.cached })),
    );

    enter('assemble');
    const assembled = await io.assemblePanel.executeWithOptions({ ...ioOptions, summary: 'assemble panel' }, [
      {
        runId: input.runId,
        studyPath: input.studyPath,
        // In manifest order, by name: with assembly.priority, that order decides between sources.
        files: ingested.map((f) => ({ name: f.name, sha256: f.sha256 })),
      },
    ]);
    stepDone('assemble');

    enter('indicators');
    const indicators = await compute.computeIndicators.executeWithOptions(
      { ...computeOptions, summary: 'compute indicators' },
      [{ runId: input.runId, studyPath: input.studyPath, assembledHash: assembled.snapshotHash }],
    );
    stepDone('indicators');

    enter('estimate');
    const estimated = await executeChild(estimateStageWorkflow, {
      workflowId: `${input.runId}/estimate`,
      taskQueue: workflowInfo().taskQueue,
      staticSummary: `${plan.steps.length} estimations of ${input.studyId}`,
      args: [
        {
          runId: input.runId,
          studyPath: input.studyPath,
          indicatorsHash: indicators.snapshotHash,
          steps: plan.steps,
          concurrency: input.estimateConcurrency ?? 4,
          parentWorkflowId: workflowInfo().workflowId,
        },
      ],
    });

    enter('publish');
    const published = await io.publishRun.executeWithOptions({ ...ioOptions, summary: 'publish results' }, [
      { runId: input.runId, studyPath: input.studyPath },
    ]);
    stepDone('publish');

    const result: RefreshResult = {
      runId: input.runId,
      files: ingested.length,
      observations: ingested.reduce((n, f) => n + f.observations, 0),
      assembledHash: assembled.snapshotHash,
      indicatorsHash: indicators.snapshotHash,
      estimations: plan.steps.length,
      failedSteps: estimated.failed,
      published: published.files,
      conflicts: assembled.conflicts ?? 0,
      conflictLines: assembled.conflictLines ?? [],
      notes: [...(manifest.notes ?? []), ...ingested.flatMap((f) => f.notes ?? [])],
    };
    await io.finishRun(input.runId, { status: 'completed', summary: { ...result } });
    enter('done');
    return result;
  } catch (err) {
    // The useful message is at the bottom of the chain (child workflow → activity → application failure).
    let root: unknown = err;
    while (root instanceof Error && root.cause instanceof Error) root = root.cause;
    const message = root instanceof Error ? root.message : String(root);
    progress.error = message;
    const failedStage = progress.stage;
    enter('failed');
    await io.finishRun(input.runId, { status: 'failed', error: `${failedStage}: ${message}` });
    throw ApplicationFailure.nonRetryable(
      `Refresh failed in stage ${failedStage}: ${message}`,
      'RefreshFailed',
    );
  }
}
