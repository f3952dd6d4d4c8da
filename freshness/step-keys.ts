/**
 * The keys of a study's steps, computed the same way where a refresh is planned (the run id,
 * `outdated`) and where each step runs (the activities): one function per step kind over the study,
 * the step's inputs' keys and the code versions.
 */
import { columnsRead } from '../econometrics/reads';
import type { EstimatorName } from '../econometrics/registry';
import type { ColumnDigests } from '../panel/column-digests';
import { weightsReads, type EstimationStep, type Study } from '../study';
import { estimationRoots, STEP_ROOTS, type CodeVersions } from './code-versions';
import {
  assembleKey,
  estimationKey,
  indicatorsKey,
  ingestKey,
  publishKey,
  sha256Json,
  type StepKey,
} from './keys';

export interface ReadFile {
  path: string;
  layout: string;
  options?: Record<string, unknown>;
  /** sha256 of the bytes. */
  bytes: string;
  /** The inputs folder's declaration of the layout, when it is declared there. */
  declaration?: unknown;
  /** Portal definition files: answers are kept per run. */
  portal?: boolean;
}

/** The key with the modules its code version digests. */
const withModules = (
  key: StepKey,
  cv: CodeVersions,
  roots: readonly string[],
  shallow?: readonly string[],
): StepKey => ({ ...key, modules: Object.keys(cv.modules(roots, shallow)) });

export function ingestStepKey(file: ReadFile, cv: CodeVersions, runId: string): StepKey {
  return withModules(
    ingestKey({
      path: file.path,
      bytes: file.bytes,
      layout: file.layout,
      declaration: file.declaration,
      options: file.options,
      code: cv.version(STEP_ROOTS.ingest),
      ...(file.portal ? { runId } : {}),
    }),
    cv,
    STEP_ROOTS.ingest,
  );
}

/** What assembly reads besides the observations; `order` (manifest names) decides between sources. */
export function assemblyOptions(study: Study, names: string[]) {
  return { years: study.years, ...study.assembly, order: names };
}

export function assembleStepKey(study: Study, files: { name: string; key: string }[], cv: CodeVersions) {
  const key = assembleKey({
    files,
    options: assemblyOptions(
      study,
      files.map((f) => f.name),
    ),
    code: cv.version(STEP_ROOTS.assemble),
  });
  return withModules(key, cv, STEP_ROOTS.assemble);
}

export function indicatorsStepKey(study: Study, from: string, cv: CodeVersions) {
  const key = indicatorsKey({ from, definition: study.indicators, code: cv.version(STEP_ROOTS.indicators) });
  return withModules(key, cv, STEP_ROOTS.indicators);
}

const rootsOf = (step: EstimationStep) =>
  estimationRoots(step.spec.estimator as EstimatorName, Boolean(step.weights));

/** The index of the indicator panel every estimation reads. */
export const PANEL_INDEX = { entity: 'province', time: 'year' } as const;

/**
 * The indicator columns a step reads: its spec's (econometrics/reads.ts, from the estimator registry)
 * and its weight matrix's (economic distance reads a variable).
 */
export function stepColumns(study: Study, step: EstimationStep): string[] {
  const own = columnsRead(step.spec, PANEL_INDEX);
  const def = step.weights ? study.weights[step.weights] : undefined;
  return [...new Set([...own, ...(def ? weightsReads(def).columns : [])])].sort();
}

/**
 * An estimation's key: the digests of the columns it reads (`digests` of the indicator panel it runs
 * on), not the panel's key — a refresh whose indicators changed only in other columns reuses it.
 */
export function estimationStepKey(
  study: Study,
  step: EstimationStep,
  digests: ColumnDigests,
  cv: CodeVersions,
) {
  const { roots, shallow } = rootsOf(step);
  const def = step.weights ? study.weights[step.weights] : undefined;
  const key = estimationKey({
    columns: Object.fromEntries(stepColumns(study, step).map((c) => [c, digests[c] ?? null])),
    stepId: step.stepId,
    tableId: step.tableId,
    columnId: step.columnId,
    sample: step.sample,
    spec: step.spec,
    weights: def
      ? { name: step.weights, definition: def, years: study.years, reference: weightsReads(def).reference }
      : undefined,
    starsFrom: study.tables.find((t) => t.id === step.tableId)?.stars,
    code: cv.version(roots, shallow),
  });
  return withModules(key, cv, roots, shallow);
}

/** An estimation whose indicator panel is not known yet: its key is a placeholder, `pending`. */
export function pendingEstimationKey(study: Study, step: EstimationStep, cv: CodeVersions): StepKey {
  const k = estimationStepKey(study, step, {}, cv);
  return { ...k, key: `pending:${k.key}`, pending: true };
}

export function publishStepKey(study: Study, from: string[], cv: CodeVersions) {
  const key = publishKey({ from, tables: study, code: cv.version(STEP_ROOTS.publish) });
  return withModules(key, cv, STEP_ROOTS.publish);
}

/** The run-level code version: every step kind's version (and each estimation's), as one digest. */
export function runCodeVersion(keys: StepKey[]): string {
  return sha256Json(keys.map((k) => [k.step, k.code]));
}
