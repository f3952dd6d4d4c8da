import { readFileSync } from 'node:fs';
import { InputError } from '../common/errors';
import type { Spec } from '../econometrics/spec';
import { studySchema, type Study } from './schema';

export { studySchema, type Study, type StudyTable } from './schema';

export interface EstimationStep {
  /** `tableId/columnId`, e.g. `table3/(4)`: the step's identity in the store and the Web UI. */
  stepId: string;
  tableId: string;
  columnId: string;
  sample: string;
  spec: Spec;
}

const pathText = (path: PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

export function parseStudy(json: unknown, source = 'study'): Study {
  const r = studySchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = pathText(issue.path) || '(root)';
    throw new InputError(`${source}: ${at}: ${issue.message}`, `${source}#${at}`);
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

/** Every estimation of the study in table order, with the sample turned into the spec's row subset. */
export function listEstimations(study: Study): EstimationStep[] {
  return study.tables.flatMap((table) =>
    table.columns.map((column) => {
      const regions = study.samples[column.sample]?.regions;
      const spec: Spec = regions
        ? { ...column.spec, subset: { by: 'region', values: regions } }
        : column.spec;
      return {
        stepId: `${table.id}/${column.id}`,
        tableId: table.id,
        columnId: column.id,
        sample: column.sample,
        spec,
      };
    }),
  );
}
