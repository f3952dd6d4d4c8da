/**
 * `aicarbon estimate --data FILE.csv --spec SPEC.json [--weights W.csv]`: one estimation, one JSON
 * result on stdout. Bad input (spec, column, cell, too few rows) exits 2 with a message naming it.
 * The spec is documented in docs/estimate-spec.md.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../common/errors';
import { estimate } from '../../econometrics/estimate';
import type { EstimationResult } from '../../econometrics/result';
import { Panel } from '../../panel';

export interface EstimateArgs {
  data: string;
  spec: string;
  weights?: string;
}

/** Default panel keys when the spec names none (the study's). */
export const DEFAULT_ENTITY = 'province';
export const DEFAULT_TIME = 'year';

export function runEstimate(args: EstimateArgs): EstimationResult {
  const spec = readJson(args.spec);
  const keys = typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>) : {};
  const entity = typeof keys.entity === 'string' ? keys.entity : DEFAULT_ENTITY;
  const time = typeof keys.time === 'string' ? keys.time : DEFAULT_TIME;
  const panel = readPanelCsv(args.data, entity, time);
  const weights = args.weights ? readWeightsCsv(args.weights) : undefined;
  return estimate(panel, spec, weights ? { weights: weights.matrix, weightsIds: weights.ids } : {});
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, path);
  }
}

function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`, path);
  }
}

function readCsv(path: string): Record<string, string>[] {
  try {
    return parse(readText(path), { columns: true, bom: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: not a valid CSV (${(e as Error).message})`, path);
  }
}

export function readPanelCsv(path: string, entity: string, time: string): Panel {
  return Panel.fromRows(readCsv(path), { entity, time, source: basename(path) });
}

/**
 * A spatial weights matrix as CSV: a header row (first cell any label, then the N entity ids) and N rows
 * each starting with an id in the same order, then N numbers.
 */
export function readWeightsCsv(path: string): { ids: string[]; matrix: number[][] } {
  let rows: string[][];
  try {
    rows = parse(readText(path), { bom: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: not a valid CSV (${(e as Error).message})`, path);
  }
  const name = basename(path);
  if (rows.length < 2) throw new InputError(`${name}: expected a header row and one row per entity`, path);
  const ids = rows[0].slice(1);
  if (rows.length - 1 !== ids.length) {
    throw new InputError(
      `${name}: ${ids.length} ids in the header but ${rows.length - 1} rows; the matrix must be square`,
      path,
    );
  }
  const matrix = rows.slice(1).map((r, i) => {
    if (r[0] !== ids[i]) {
      throw new InputError(
        `${name}: row ${i + 2} is '${r[0]}', expected '${ids[i]}' (rows in header order)`,
        `row ${i + 2}`,
      );
    }
    if (r.length !== ids.length + 1) {
      throw new InputError(
        `${name}: row ${i + 2} has ${r.length - 1} values, expected ${ids.length}`,
        `row ${i + 2}`,
      );
    }
    return r.slice(1).map((cell, j) => {
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v)) {
        throw new InputError(
          `${name}: row ${i + 2} (${ids[i]}), column ${ids[j]}: expected a number, found '${cell}'`,
          `row ${i + 2}, column ${ids[j]}`,
        );
      }
      return v;
    });
  });
  return { ids, matrix };
}

/** `aicarbon estimate`: one estimation, one JSON result on stdout. */
export async function estimateAction(opts: EstimateArgs): Promise<void> {
  const result = runEstimate({
    data: resolve(opts.data),
    spec: resolve(opts.spec),
    weights: opts.weights ? resolve(opts.weights) : undefined,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
