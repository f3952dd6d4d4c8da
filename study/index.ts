import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, parseOrThrow } from '../common/errors';
import type { Spec } from '../econometrics/spec';
import { studySchema, type Study } from './schema';

export {
  studySchema,
  type Study,
  type StudyInput,
  type StudyTable,
  type StudyColumn,
  type StudyFigure,
  type WeightsDefinition,
} from './schema';

export interface EstimationStep {
  /** `tableId/columnId`, e.g. `table3/(4)`: the step's identity in the store and the Web UI. */
  stepId: string;
  tableId: string;
  columnId: string;
  sample: string;
  /** Name of the study's weight matrix (spatial estimators), e.g. `W1`. */
  weights?: string;
  spec: Spec;
}

/** Validates a parsed study file; the error names the path in the file and what was expected. */
export function parseStudy(json: unknown, source = 'study'): Study {
  return parseOrThrow(studySchema, json, { source });
}

export function loadStudy(path: string): Study {
  return parseStudy(readStudyJson(path, []), path);
}

/**
 * A study file's JSON, with `"extends": "other-study.json"` (relative to the file) resolved: the other
 * study's definition with this file's keys laid over it — objects merge key by key, anything else
 * (arrays, numbers, strings) replaces. A variant of a study (another proxy, other weights) is then a
 * few lines that follow the base study when it changes.
 */
function readStudyJson(path: string, chain: string[]): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(
      chain.length
        ? `${chain[chain.length - 1]}: extends: study definition ${path} not found`
        : `${path}: study definition not found`,
      path,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`, path);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json) || !('extends' in json)) return json;
  const { extends: base, ...own } = json as Record<string, unknown>;
  if (typeof base !== 'string')
    throw new InputError(`${path}: extends: expected the path of another study file`, `${path}#extends`);
  const basePath = resolve(dirname(path), base);
  if (chain.includes(basePath) || basePath === resolve(path))
    throw new InputError(`${path}: extends: ${base} extends this file again (a cycle)`, `${path}#extends`);
  return overlay(readStudyJson(basePath, [...chain, resolve(path)]), own);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function overlay(base: unknown, own: unknown): unknown {
  if (!isObject(base) || !isObject(own)) return own;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(own)) out[k] = k in base ? overlay(base[k], v) : v;
  return out;
}

/** The spec's row subset for a named sample (none for the whole panel). */
export function sampleSubset(study: Study, sample: string): Spec['subset'] {
  const s = study.samples[sample];
  if (s?.regions) return { by: 'region', values: s.regions };
  if (s?.provinces) return { by: 'province', values: s.provinces };
  return undefined;
}

/** Every estimation of the study in table order, with the sample turned into the spec's row subset. */
export function listEstimations(study: Study): EstimationStep[] {
  return study.tables.flatMap((table) =>
    table.columns.map((column) => {
      const subset = sampleSubset(study, column.sample);
      const spec: Spec = subset ? { ...column.spec, subset } : column.spec;
      return {
        stepId: `${table.id}/${column.id}`,
        tableId: table.id,
        columnId: column.id,
        sample: column.sample,
        ...(column.weights ? { weights: column.weights } : {}),
        spec,
      };
    }),
  );
}

export { buildStudyWeights, weightsReads } from './weights';
