/**
 * What a refresh will run: the study's id and estimation steps, the inputs' vintage and content hash,
 * and from those the run id. Used by the CLI before starting a refresh and by the scheduled workflow
 * (through an activity), so both name the same refresh the same way.
 */
import { InputError } from '../common/errors';
import { assertSafeName } from '../common/safe-names';
import { LAYOUTS, readLayoutDeclarations, readManifest } from '../ingest';
import { inputFilePath } from '../ingest/input-files';
import { entryName } from '../ingest/manifest';
import { listEstimations, loadStudy } from '../study';
import { sha256File, sha256Json } from './hashing';

/** A refresh as the workflow receives it (also the plan's result). */
export interface RefreshInput {
  /** Also the workflow id: `refresh-<study>-<vintage>-<inputs hash prefix>`. */
  runId: string;
  studyId: string;
  studyPath: string;
  inputsDir: string;
  vintage: string;
  inputsHash: string;
  /** Estimations in flight at once (default 4). */
  estimateConcurrency?: number;
}

/** One estimation step of the study, as the estimate stage schedules it. */
export interface PlannedStep {
  stepId: string;
  tableId: string;
  columnId: string;
  estimator: string;
  sample: string;
}

export async function planRefresh(options: {
  studyPath: string;
  inputsDir: string;
  estimateConcurrency?: number;
}): Promise<RefreshInput> {
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
  const { files: layouts } = await readLayoutDeclarations(
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
  const inputsHash = sha256Json({ files: fileHashes, layouts, reading, study });
  const vintage = assertSafeName(study.vintage ?? manifest.vintage, 'vintage');
  return {
    // A file and folder name (out/<run id>/): built only from safe names and a hash.
    runId: assertSafeName(`refresh-${study.id}-${vintage}-${inputsHash.slice(0, 12)}`, 'run id'),
    studyId: study.id,
    studyPath: options.studyPath,
    inputsDir: options.inputsDir,
    vintage,
    inputsHash,
    ...(options.estimateConcurrency ? { estimateConcurrency: options.estimateConcurrency } : {}),
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
