import { readFileSync } from 'node:fs';
import { InputError } from '../common/errors';
import type { Spec } from '../econometrics/spec';
import { studySchema, type Study } from './schema';

export {
  studySchema,
  SPATIAL_ESTIMATORS,
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

const pathText = (path: PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

/** Validates a parsed study file; the error names the path in the file and what was expected. */
export function parseStudy(json: unknown, source = 'study'): Study {
  const r = studySchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = pathText(issue.path) || '(root)';
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problems)` : '';
    throw new InputError(`${source}: ${at}: ${issue.message}${more}`, `${source}#${at}`);
  }
  return r.data;
}

export function loadStudy(path: string): Study {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`${path}: study definition not found`, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`, path);
  }
  return parseStudy(json, path);
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

export { buildStudyWeights, type PanelRow } from './weights';
