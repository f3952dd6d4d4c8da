/**
 * What a refresh will run: the study's id and estimation steps, the inputs' vintage and content hash,
 * the content key of every step (freshness/step-keys.ts) and the code version they carry, and from those
 * the run id. Used by the CLI before starting a refresh, by `outdated` and by the scheduled workflow
 * (through an activity), so all name the same refresh the same way.
 */
import { InputError } from '../common/errors';
import { assertSafeName } from '../common/safe-names';
import { LAYOUTS, readLayoutDeclarations, readManifest, type LayoutDeclaration } from '../ingest';
import { inputFilePath } from '../ingest/input-files';
import { entryName } from '../ingest/manifest';
import { listEstimations, loadStudy, type Study } from '../study';
import type { ColumnDigests } from '../panel/column-digests';
import { PORTAL_LAYOUT } from '../ingest/portal-source';
import { codeVersionsFor, type ModuleHashes } from '../freshness/code-versions';
import type { StepKey } from '../freshness/keys';
import {
  assembleStepKey,
  estimationStepKey,
  indicatorsStepKey,
  ingestStepKey,
  pendingEstimationKey,
  publishStepKey,
  runCodeVersion,
} from '../freshness/step-keys';
import { sha256File, sha256Json } from './hashing';

/** A refresh as the workflow receives it (also the plan's result). */
export interface RefreshInput {
  /** `refresh-<study>-<vintage>-<hash of inputs hash and code version>`; the workflow id is `<run id>@<deployment>`. */
  runId: string;
  studyId: string;
  studyPath: string;
  inputsDir: string;
  vintage: string;
  inputsHash: string;
  /** Digest of every step's code version (freshness/); absent in refreshes planned before it existed. */
  codeVersion?: string;
  /** The estimate stage's lanes: batches of estimations in flight at once (default 4). */
  estimateConcurrency?: number;
  /**
   * A forced rerun (`--force`): every step is computed again, and its result replaces the stored one;
   * only what this execution stored itself (before a crash or Ctrl-C) is reused when it resumes.
   */
  recompute?: boolean;
  /**
   * The deployment's task queues (temporal/task-queues.ts): only workers bound to the same store and
   * output folder poll them. Set by the caller that knows the deployment (the CLI, the scheduled
   * refresh's worker); absent in refreshes started before queues were per deployment.
   */
  queues?: { deployment: string; io: string; compute: string };
}

/** One estimation step of the study, as the estimate stage schedules it. */
export interface PlannedStep {
  stepId: string;
  tableId: string;
  columnId: string;
  estimator: string;
  sample: string;
}

export interface PlanOptions {
  studyPath: string;
  inputsDir: string;
  estimateConcurrency?: number;
  /** The build's module graph (default dist/build.json): where the code versions come from. */
  buildManifest?: string;
  /**
   * The column digests of the indicator panel the planned indicators step makes (the store's, or a
   * preview), so the estimations' keys are known; without them they are pending.
   */
  columnDigests?: (plan: PlannedUpstream) => Promise<ColumnDigests | undefined>;
}

/** The planned keys up to the indicators, with what a preview of the panel needs. */
export interface PlannedUpstream {
  ingest: StepKey[];
  assemble: StepKey;
  indicators: StepKey;
  study: Study;
  inputsDir: string;
  files: { path: string; layout: string; options?: Record<string, unknown> }[];
  declarations: LayoutDeclaration[];
}

/** A planned refresh with every step's key, its ingredients and the modules the code versions hash. */
export interface RefreshPlan {
  input: RefreshInput;
  keys: StepKey[];
  modules: ModuleHashes;
}

export async function planRefresh(options: PlanOptions): Promise<RefreshInput> {
  return (await planRefreshKeys(options)).input;
}

export async function planRefreshKeys(options: PlanOptions): Promise<RefreshPlan> {
  const study = loadStudy(options.studyPath);
  const manifest = await readManifest(options.inputsDir);
  // assembly.priority names inputs by their manifest path (portals included): a typo would silently
  // leave the choice to the manifest order, so it stops the run here.
  for (const [i, name] of study.assembly.priority.entries())
    if (!manifest.files.some((f) => f.path === name))
      throw new InputError(
        `${options.studyPath}: assembly.priority[${i}]: "${name}" is not a file of the manifest ` +
          `(files: ${manifest.files.map((f) => f.path).join(', ')})`,
        `${options.studyPath}#assembly.priority[${i}]`,
      );
  // Every entry is resolved inside the inputs folder before a byte of it is read (exit 2 otherwise).
  const fileHashes = await Promise.all(
    manifest.files.map(async (f) => ({
      path: f.path,
      sha256: await sha256File(await inputFilePath(options.inputsDir, f.path, entryName(f))),
    })),
  );
  // Declarations are validated here too, so a malformed one stops the run before any work.
  const { files: layouts, declarations } = await readLayoutDeclarations(
    options.inputsDir,
    manifest.layouts,
    Object.keys(LAYOUTS),
  );
  // The run id changes when any input byte, how a file is read (layout, declaration, options) or the
  // study definition changes, and only then.
  const reading = manifest.files.map((f) => ({
    path: f.path,
    layout: f.layout,
    options: f.options,
    real: f.real,
  }));
  // An unknown layout is a manifest mistake found before any work (exit 2), not at ingest.
  for (const [i, f] of manifest.files.entries())
    if (
      f.layout !== PORTAL_LAYOUT &&
      !Object.hasOwn(LAYOUTS, f.layout) &&
      !declarations.some((d) => d.id === f.layout)
    )
      throw new InputError(
        `manifest.json: files[${i}] (${f.path}): unknown layout "${f.layout}" (known: ` +
          `${[...Object.keys(LAYOUTS), ...declarations.map((d) => d.id), PORTAL_LAYOUT].join(', ')})`,
        `manifest.json#files[${i}].layout`,
      );
  const inputsHash = sha256Json({ files: fileHashes, layouts, reading, study });
  const vintage = assertSafeName(study.vintage ?? manifest.vintage, 'vintage');

  // Every step's key, from the inputs' bytes and reading, the study and the code (a run id that
  // carries the code version: an upgrade starts a new refresh, which reuses what it did not change).
  const cv = codeVersionsFor(options.buildManifest);
  const upstream = (runId: string) => {
    const ingest = manifest.files.map((f, i) =>
      ingestStepKey(
        {
          path: f.path,
          layout: f.layout,
          options: f.options,
          bytes: fileHashes[i].sha256,
          declaration: declarations.find((d) => d.id === f.layout),
          portal: f.layout === PORTAL_LAYOUT,
        },
        cv,
        runId,
      ),
    );
    const assemble = assembleStepKey(
      study,
      ingest.map((k, i) => ({ name: manifest.files[i].path, key: k.key })),
      cv,
    );
    return { ingest, assemble, indicators: indicatorsStepKey(study, assemble.key, cv) };
  };
  // An estimation's key needs the digests of the indicator columns it reads: known when the panel of
  // the indicators' key is stored (or previewed by the caller), else the key is pending.
  const steps = listEstimations(study);
  const downstream = (assemble: StepKey, indicators: StepKey, digests: ColumnDigests | undefined) => {
    const estimations = steps.map((s) =>
      digests ? estimationStepKey(study, s, digests, cv) : pendingEstimationKey(study, s, cv),
    );
    const publish = publishStepKey(
      study,
      [assemble.key, indicators.key, ...estimations.map((e) => e.key)],
      cv,
    );
    return [...estimations, publish];
  };
  // The code version depends on neither the run id (only a portal's key does) nor the digests.
  const draft = upstream('');
  const codeVersion = runCodeVersion([
    ...draft.ingest,
    draft.assemble,
    draft.indicators,
    ...downstream(draft.assemble, draft.indicators, undefined),
  ]);
  const runHash = sha256Json({ inputsHash, codeVersion });
  // A file and folder name (out/<run id>/): built only from safe names and a hash.
  const runId = assertSafeName(`refresh-${study.id}-${vintage}-${runHash.slice(0, 12)}`, 'run id');
  const { ingest, assemble, indicators } = upstream(runId);
  const digests = await options.columnDigests?.({
    ingest,
    assemble,
    indicators,
    study,
    inputsDir: options.inputsDir,
    files: manifest.files,
    declarations,
  });
  const keys = [...ingest, assemble, indicators, ...downstream(assemble, indicators, digests)];
  return {
    input: {
      runId,
      studyId: study.id,
      studyPath: options.studyPath,
      inputsDir: options.inputsDir,
      vintage,
      inputsHash,
      codeVersion,
      ...(options.estimateConcurrency ? { estimateConcurrency: options.estimateConcurrency } : {}),
    },
    keys,
    modules: cv.all(),
  };
}

export function plannedSteps(studyPath: string): PlannedStep[] {
  return listEstimations(loadStudy(studyPath)).map((s) => ({
    stepId: s.stepId,
    tableId: s.tableId,
    columnId: s.columnId,
    estimator: s.spec.estimator,
    sample: s.sample,
  }));
}
