/**
 * Reading weights from files (spdep's read.gal / read.dat2listw): an adjacency list CSV (`code,neighbours`)
 * and a square matrix CSV. Errors name the file and row.
 */
import { parse } from 'csv-parse/sync';
import { InputError } from '../../../common/errors';
import { checkIds, weightsFromDense, weightsFromRows, type BuildOptions, type WeightsMatrix } from './matrix';

export interface ContiguityOptions extends BuildOptions {
  /** Links to remove, as code pairs (both directions), e.g. [['HI', 'GD']] for an isolated Hainan. */
  removeLinks?: readonly (readonly [string, string])[];
  /** Codes expected, in order (default: the order of the file's rows). Unknown codes are errors. */
  ids?: readonly string[];
}

/**
 * Contiguity from an adjacency list CSV (`code,neighbours`, neighbours separated by spaces). The relation
 * must be symmetric; a one-way link is an error naming both rows.
 */
export function contiguityFromList(
  text: string,
  source: string,
  options: ContiguityOptions = {},
): WeightsMatrix {
  const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  if (rows.length === 0 || !('code' in rows[0]) || !('neighbours' in rows[0])) {
    throw new InputError(`${source}: expected columns code,neighbours`, source);
  }
  const fileIds = rows.map((r) => r.code);
  checkIds(fileIds, source);
  const ids = options.ids ? [...options.ids] : fileIds;
  const pos = new Map(ids.map((id, i) => [id, i]));
  const missing = ids.filter((id) => !fileIds.includes(id));
  if (missing.length > 0) throw new InputError(`${source}: no row for ${missing.join(', ')}`, source);
  const n = ids.length;
  const dense = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  rows.forEach((r, k) => {
    const i = pos.get(r.code);
    if (i === undefined)
      throw new InputError(`${source}: row ${k + 2}: unknown code ${r.code}`, `${source}:${k + 2}`);
    for (const nb of r.neighbours.split(/\s+/).filter(Boolean)) {
      const j = pos.get(nb);
      if (j === undefined) {
        throw new InputError(
          `${source}: row ${k + 2} (${r.code}): unknown neighbour code ${nb}`,
          `${source}:${k + 2}`,
        );
      }
      if (j === i)
        throw new InputError(
          `${source}: row ${k + 2}: ${r.code} lists itself as a neighbour`,
          `${source}:${k + 2}`,
        );
      dense[i][j] = 1;
    }
  });
  for (const [a, b] of options.removeLinks ?? []) {
    const i = pos.get(a);
    const j = pos.get(b);
    if (i === undefined || j === undefined || dense[i][j] === 0) {
      throw new InputError(`${source}: cannot remove link ${a}–${b}: not in the file`, source);
    }
    dense[i][j] = 0;
    dense[j][i] = 0;
  }
  const oneWay = asymmetricLinks(ids, dense);
  if (oneWay.length > 0) {
    throw new InputError(
      `${source}: contiguity must be symmetric; one-way links: ${oneWay.join(', ')}`,
      source,
    );
  }
  return weightsFromRows(ids, dense, source, true, options);
}

function asymmetricLinks(ids: readonly string[], dense: readonly (readonly number[])[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = 0; j < ids.length; j++) {
      if ((dense[i][j] !== 0) !== (dense[j][i] !== 0) && dense[i][j] !== 0) out.push(`${ids[i]}→${ids[j]}`);
    }
  }
  return out;
}

/**
 * A square weights matrix CSV: header row (first cell any label, then N ids) and N rows, each an id
 * (in the header's order) followed by N numbers.
 */
export function weightsFromMatrixCsv(
  text: string,
  source: string,
  options: BuildOptions = {},
): WeightsMatrix {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw new InputError(`${source}: not a valid CSV (${(e as Error).message})`, source);
  }
  if (rows.length < 2)
    throw new InputError(`${source}: expected a header row and one row per entity`, source);
  const ids = rows[0].slice(1);
  if (rows.length - 1 !== ids.length) {
    throw new InputError(
      `${source}: header names ${ids.length} ids but there are ${rows.length - 1} rows`,
      source,
    );
  }
  const dense = rows.slice(1).map((r, k) => {
    if (r[0] !== ids[k]) {
      throw new InputError(
        `${source}: row ${k + 2} starts with '${r[0]}', expected '${ids[k]}' (the header's order)`,
        `${source}:${k + 2}`,
      );
    }
    if (r.length !== ids.length + 1) {
      throw new InputError(
        `${source}: row ${k + 2} has ${r.length - 1} values, expected ${ids.length}`,
        `${source}:${k + 2}`,
      );
    }
    return r.slice(1).map((cell, c) => {
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v)) {
        throw new InputError(
          `${source}: row ${k + 2} (${ids[k]}), column ${ids[c]}: expected a number, found '${cell}'`,
          `${source}:${k + 2}`,
        );
      }
      return v;
    });
  });
  return weightsFromDense(ids, dense, source, options);
}
