/**
 * The content key of every durable step: a hash of what the step reads (its inputs' keys), its own
 * parameters and the version of the code that computes it (code-versions.ts). Equal key, equal result:
 * a step whose key is stored (by any earlier run) is reused, never recomputed.
 *
 *   ingest      bytes of the file, its format (extension), layout, layout declaration, options, parser code
 *   assemble    each file's name and key in manifest order, the assembly options and years, assembly code
 *   indicators  the assembled panel's key, the indicator definition, indicator code
 *   estimate    the content digest of each indicator column it reads (the early cut-off: not the whole
 *               indicator panel's key), the step (table, column, sample), its spec (seeds included),
 *               its weights' definition and reference files, the table's stars choice, the estimator
 *               family's code
 *   publish     the keys of everything it renders, the study's tables, publishing code
 *
 * A key's ingredients are kept with the run (run_steps), so `outdated` can say which of them changed.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';

export type StepKind = 'ingest' | 'assemble' | 'indicators' | 'estimate' | 'publish';

export interface StepKey {
  /** The step's name in a run: `ingest:<manifest path>`, `assemble`, `indicators`, `<table>/<column>`, `publish`. */
  step: string;
  kind: StepKind;
  key: string;
  /** The code version the key carries. */
  code: string;
  ingredients: Record<string, unknown>;
  /** The modules the code version digests (not part of the key: `outdated` names the changed ones). */
  modules?: string[];
  /**
   * An estimation planned before its indicator panel exists: the digests of the columns it reads are
   * not known yet, so neither is its key (`key` is then a placeholder that matches nothing stored).
   */
  pending?: boolean;
}

/** Hash of a JSON-able value with sorted keys, so equal content gives an equal key. */
export function sha256Json(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const make = (step: string, kind: StepKind, code: string, ingredients: Record<string, unknown>): StepKey => {
  const all = { kind, code, ...ingredients };
  return { step, kind, key: sha256Json(all), code, ingredients: all };
};

export const ingestStep = (path: string) => `ingest:${path}`;

export function ingestKey(args: {
  path: string;
  /** sha256 of the file's bytes. */
  bytes: string;
  layout: string;
  declaration?: unknown;
  options?: Record<string, unknown>;
  code: string;
  /** A portal's answers change over time: its results are kept per run. */
  runId?: string;
}): StepKey {
  return make(ingestStep(args.path), 'ingest', args.code, {
    bytes: args.bytes,
    format: extname(args.path).toLowerCase(),
    layout: args.layout,
    declaration: args.declaration,
    options: args.options,
    runId: args.runId,
  });
}

export function assembleKey(args: {
  files: { name: string; key: string }[];
  options: Record<string, unknown>;
  code: string;
}): StepKey {
  return make('assemble', 'assemble', args.code, { files: args.files, options: args.options });
}

export function indicatorsKey(args: { from: string; definition: unknown; code: string }): StepKey {
  return make('indicators', 'indicators', args.code, { from: args.from, definition: args.definition });
}

export function estimationKey(args: {
  /** Each column the step reads → its digest in the indicator panel (null: not in the panel). */
  columns: Record<string, string | null>;
  stepId: string;
  tableId: string;
  columnId: string;
  sample: string;
  spec: unknown;
  weights?: unknown;
  starsFrom?: string;
  code: string;
}): StepKey {
  const { code, stepId, ...rest } = args;
  return make(stepId, 'estimate', code, { stepId, ...rest });
}

export function publishKey(args: { from: string[]; tables: unknown; code: string }): StepKey {
  return make('publish', 'publish', args.code, { from: args.from, tables: args.tables });
}
