/**
 * The yearly refresh, read as the study reads: ingest the sources, assemble the panel, compute the
 * indicators, estimate every table, publish. Orchestration only — all I/O and compute is in activities,
 * and only ids and content hashes pass through here.
 *
 * What an operator sees is kept true at every moment: the `progress` query, the same progress in the
 * memo (readable when no worker runs), the `AicarbonStage` search attribute (ending `done` or `failed`)
 * and the Web UI's Current Details (stage, steps done, the steps in flight).
 */
import {
  ApplicationFailure,
  executeChild,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ComputeActivities, IoActivities } from '../activities';
import { LEGACY_COMPUTE_QUEUE } from '../temporal/task-queues';
import { STAGE, STUDY, VINTAGE } from '../temporal/search-attributes';
import { computeOptions, ioOptions, portalIngestOptions } from './activity-options';
import { estimateStageWorkflow } from './estimate-stage';
import {
  PROGRESS_MEMO,
  progressQuery,
  stepDoneSignal,
  stepsDoneSignal,
  stepsInFlightSignal,
  addInFlight,
  type Progress,
  type Stage,
} from './progress';
import type { RefreshInput, RefreshResult } from './types';

/** At most this many failed steps are kept in the memo with their reasons (the store keeps all). */
const FAILED_IN_MEMO = 40;

/** The Web UI's Current Details: words, not fractions (the UI renders `3/4` as a glyph). */
export function currentDetails(p: Progress): string {
  const lines = [`**${p.stage}** · ${p.stepsDone} of ${p.stepsTotal} steps done`];
  if (p.failedSteps) lines[0] += ` · ${p.failedSteps} could not be estimated`;
  if (p.inFlight?.length) lines.push(`in flight: ${p.inFlight.join(', ')}`);
  if (p.error) lines.push(`error: ${p.error}`);
  return lines.join('\n\n');
}

export async function refreshWorkflow(input: RefreshInput): Promise<RefreshResult> {
  // Refreshes started before queues were per deployment keep the shared queues on replay.
  const ioQueue = input.queues?.io ?? workflowInfo().taskQueue;
  const computeQueue = input.queues?.compute ?? LEGACY_COMPUTE_QUEUE;
  const ioOpts = ioOptions(ioQueue);
  const computeOpts = computeOptions(computeQueue);
  const io = proxyActivities<IoActivities>(ioOpts);
  // Refreshes started before the progress memo replay without it.
  const withMemo = patched('progress-memo');

  const progress: Progress = { runId: input.runId, stage: 'ingest', stepsDone: 0, stepsTotal: 0 };
  const publish = () => {
    setCurrentDetails(currentDetails(progress));
    if (withMemo) upsertMemo({ [PROGRESS_MEMO]: progress });
  };
  const now = () => new Date().toISOString();
  setHandler(progressQuery, () => progress);
  // Steps told done (an in-flight signal delivered after its step's done signal: addInFlight).
  const told = new Set<string>();
  const estimationDone = (stepId: string, failed?: boolean, error?: string) => {
    told.add(stepId);
    progress.stepsDone += 1;
    progress.current = stepId;
    progress.inFlight = (progress.inFlight ?? []).filter((s) => s !== stepId);
    if (failed) {
      progress.failedSteps = (progress.failedSteps ?? 0) + 1;
      if ((progress.failed ??= []).length < FAILED_IN_MEMO)
        progress.failed.push({ stepId, error: (error ?? 'could not be estimated').slice(0, 300) });
    }
  };
  setHandler(stepDoneSignal, (stepId: string, failed?: boolean, error?: string) => {
    estimationDone(stepId, failed, error);
    publish();
  });
  setHandler(stepsDoneSignal, (steps) => {
    for (const s of steps) estimationDone(s.stepId, s.error !== undefined, s.error);
    publish();
  });
  setHandler(stepsInFlightSignal, (stepIds: string[]) => {
    progress.inFlight = addInFlight(progress.inFlight, stepIds, told);
    publish();
  });

  const enter = (stage: Stage) => {
    const previous = progress.stage;
    if (previous !== 'done' && previous !== 'failed' && progress.stages?.[previous])
      progress.stages[previous]!.end ??= now();
    if (stage !== 'done' && stage !== 'failed') (progress.stages ??= {})[stage] = { start: now() };
    progress.stage = stage;
    progress.inFlight = [];
    upsertSearchAttributes([{ key: STAGE, value: stage }]);
    publish();
  };
  /** Steps done, in one progress update. */
  const stepsDone = (labels: string[]) => {
    progress.stepsDone += labels.length;
    progress.current = labels[labels.length - 1];
    const done = new Set(labels);
    progress.inFlight = (progress.inFlight ?? []).filter((s) => !done.has(s));
    publish();
  };
  const stepDone = (label: string) => stepsDone([label]);
  const working = (labels: string[]) => {
    progress.inFlight = labels;
    publish();
  };

  upsertSearchAttributes([
    { key: STUDY, value: input.studyId },
    { key: VINTAGE, value: input.vintage },
  ]);

  try {
    enter('ingest');
    const runRecord = {
      runId: input.runId,
      studyId: input.studyId,
      vintage: input.vintage,
      inputsHash: input.inputsHash,
      ...(input.codeVersion ? { codeVersion: input.codeVersion } : {}),
    };
    // Recording the run, reading its manifest and plan and looking up the stored files are one task;
    // refreshes started before this replay them as the four tasks they ran as.
    const begun = patched('begin-in-one-task')
      ? await io.beginRefresh.executeWithOptions(
          { ...ioOpts, summary: `record run ${input.runId}, read its inputs, look up the stored files` },
          [
            {
              run: runRecord,
              inputsDir: input.inputsDir,
              studyPath: input.studyPath,
              ...(input.recompute ? { recompute: true } : {}),
            },
          ],
        )
      : undefined;
    const run =
      begun?.run ??
      (await io.startRun.executeWithOptions({ ...ioOpts, summary: `record run ${input.runId}` }, [
        runRecord,
      ]));
    // A forced rerun computes every step again, reusing only what it stored itself (when resumed).
    const recompute = input.recompute && run?.startedAt ? { storedSince: run.startedAt } : {};
    const manifest = begun?.manifest ?? (await io.readInputManifest(input.inputsDir));
    const plan = begun?.plan ?? (await io.planStudy(input.studyPath));
    progress.stepsTotal = manifest.files.length + 2 + plan.steps.length + 1;
    working(manifest.files.map((f) => `ingest ${f.path}`));

    // Files already stored under their keys (by any run) in one task; only the others are read.
    const stored =
      begun?.stored ??
      (patched('find-stored-files')
        ? await io.findStoredFiles.executeWithOptions(
            { ...ioOpts, summary: `look up ${manifest.files.length} input files in the store` },
            [{ runId: input.runId, inputsDir: input.inputsDir, files: manifest.files, ...recompute }],
          )
        : []);
    const storedByName = new Map(stored.map((f) => [f.name, f]));
    // One progress update for all of them (a memo upsert per file made a workflow task of 30);
    // refreshes started before this replay one per file.
    if (stored.length && patched('stored-files-done-at-once'))
      stepsDone(stored.map((f) => `ingest ${f.name}`));
    else for (const f of stored) stepDone(`ingest ${f.name}`);
    const ingested = await Promise.all(
      manifest.files.map(async (file) => {
        const known = storedByName.get(file.path);
        if (known) return known;
        const done = await io.ingestSource.executeWithOptions(
          {
            ...(file.layout === 'patent-portal' ? portalIngestOptions(ioQueue) : ioOpts),
            summary: `ingest ${file.path}`,
          },
          [{ runId: input.runId, inputsDir: input.inputsDir, file, ...recompute }],
        );
        stepDone(`ingest ${file.path}`);
        return done;
      }),
    );
    // With each file's content key and whether it was parsed before (the run's step records): linked by
    // the assemble task itself (refreshes started before this link them in a task of their own).
    const runFiles = ingested.map((f) => ({
      name: f.name,
      sha256: f.sha256,
      real: f.real,
      step: f.step,
      cached: f.cached,
    }));
    const linkInAssemble = patched('link-files-in-assemble');
    if (!linkInAssemble) await io.linkRunFiles(input.runId, runFiles);

    enter('assemble');
    working(['assemble']);
    const assembled = await io.assemblePanel.executeWithOptions({ ...ioOpts, summary: 'assemble panel' }, [
      {
        runId: input.runId,
        studyPath: input.studyPath,
        // In manifest order, by name: with assembly.priority, that order decides between sources.
        files: ingested.map((f) => ({ name: f.name, sha256: f.sha256 })),
        ...recompute,
        ...(linkInAssemble ? { link: runFiles } : {}),
      },
    ]);
    stepDone('assemble');

    enter('indicators');
    working(['indicators']);
    const compute = proxyActivities<ComputeActivities>(computeOpts);
    const indicators = await compute.computeIndicators.executeWithOptions(
      { ...computeOpts, summary: 'compute indicators' },
      [
        {
          runId: input.runId,
          studyPath: input.studyPath,
          assembledHash: assembled.snapshotHash,
          ...recompute,
        },
      ],
    );
    stepDone('indicators');

    enter('estimate');
    const estimated = await executeChild(estimateStageWorkflow, {
      // The refresh's own id (RUN@deployment); refreshes from before deployments used the run id.
      workflowId: `${input.queues ? workflowInfo().workflowId : input.runId}/estimate`,
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
          ...(input.queues ? { computeQueue } : {}),
          ...recompute,
        },
      ],
    });

    enter('publish');
    working(['publish']);
    const published = await io.publishRun.executeWithOptions({ ...ioOpts, summary: 'publish results' }, [
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
    return { ...result, ...(withMemo ? { stages: progress.stages } : {}) };
  } catch (err) {
    // The useful message is at the bottom of the chain (child workflow → activity → application failure);
    // bad input anywhere in the chain makes the refresh's failure bad input too (the CLI exits 2).
    let root: unknown = err;
    let kind: 'input' | 'fault' = 'fault';
    for (let e: unknown = err; e instanceof Error; e = e.cause) {
      root = e;
      if ((e as { type?: string }).type === 'InputError' || e.name === 'InputError') kind = 'input';
    }
    const message = root instanceof Error ? root.message : String(root);
    const failedStage = progress.stage;
    progress.error = `${failedStage}: ${message}`;
    progress.errorKind = kind;
    enter('failed');
    await io.finishRun(input.runId, { status: 'failed', error: `${failedStage}: ${message}` });
    throw ApplicationFailure.create({
      message: `Refresh failed in stage ${failedStage}: ${message}`,
      type: kind === 'input' ? 'RefreshInputError' : 'RefreshFailed',
      nonRetryable: true,
      details: [{ stage: failedStage, cause: message, kind }],
    });
  }
}
