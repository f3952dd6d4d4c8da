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
import { needsWeights } from '../../econometrics/registry';
import { parseSpec } from '../../econometrics/spec';
import { weightsFromMatrixCsv } from '../../econometrics/spatial/weights';
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
  // The spec is checked against its estimator's contract before any data is read (exit 2).
  const spec = parseSpec(readJson(args.spec), 'spec');
  const spatial = needsWeights(spec.estimator);
  if (spatial && !args.weights)
    throw new InputError(
      `--weights: estimator '${spec.estimator}' needs a spatial weights matrix (--weights W.csv)`,
      '--weights',
    );
  if (!spatial && args.weights)
    throw new InputError(`--weights: estimator '${spec.estimator}' uses no weights matrix`, '--weights');
  const weights = args.weights
    ? weightsFromMatrixCsv(readText(args.weights), basename(args.weights))
    : undefined;
  const panel = readPanelCsv(args.data, spec.entity ?? DEFAULT_ENTITY, spec.time ?? DEFAULT_TIME);
  return estimate(panel, spec, weights ? { weights } : {});
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

/** `aicarbon estimate`: one estimation, one JSON result on stdout. */
export async function estimateAction(opts: EstimateArgs): Promise<void> {
  const result = runEstimate({
    data: resolve(opts.data),
    spec: resolve(opts.spec),
    weights: opts.weights ? resolve(opts.weights) : undefined,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
