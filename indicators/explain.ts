/**
 * Lineage, read backwards: an indicator value → the indicator and assembled cells it was computed
 * from → the source file, sheet and cell of each observation. Returned as data; the CLI prints it.
 */
import { InputError } from '../common/errors';
import { cellKey, type AssembledPanel } from '../assembly/panel';
import type { Lineage } from '../ingest/observation';
import { cellRef, parseCellRef, type IndicatorCell } from './cells';

export interface ExplainNode {
  /** `VARIABLE|PROVINCE/YEAR`. */
  ref: string;
  kind: 'indicator' | 'assembled';
  value: number | null;
  /** Indicator: computed / extrapolated. Assembled: observed / interpolated / extrapolated. */
  method: string;
  formula?: string;
  reason?: string;
  unit?: string;
  /** Assembled cells: where the value was read (two cells for an interpolated one). */
  sources?: Lineage[];
  inputs: ExplainNode[];
}

/** The chain behind one value. Throws naming the key when the run has no such cell. */
export function explain(
  table: { cells: Record<string, IndicatorCell> },
  panel: AssembledPanel,
  query: { variable: string; province: string; year: number },
): ExplainNode {
  const root = cellRef(query.variable, query.province, query.year);
  if (!table.cells[root] && !panel.variables[query.variable]?.cells[cellKey(query.province, query.year)]) {
    throw new InputError(
      `no value ${root} in this run (indicators: ${[...new Set(Object.keys(table.cells).map((k) => parseCellRef(k).variable))].join(', ')})`,
      root,
    );
  }
  const resolve = (ref: string, seen: Set<string>): ExplainNode => {
    const { variable, cell } = parseCellRef(ref);
    const ic = table.cells[ref];
    if (ic) {
      const next = new Set(seen).add(ref);
      return {
        ref,
        kind: 'indicator',
        value: ic.value,
        method: ic.method,
        ...(ic.formula ? { formula: ic.formula } : {}),
        ...(ic.reason ? { reason: ic.reason } : {}),
        // A cycle cannot arise from computeIndicators; the guard keeps a hand-edited table from looping.
        inputs: ic.inputs.filter((r) => !next.has(r)).map((r) => resolve(r, next)),
      };
    }
    const series = panel.variables[variable];
    const pc = series?.cells[cell];
    if (!pc) throw new InputError(`lineage names ${ref}, which is not in the assembled panel`, ref);
    return {
      ref,
      kind: 'assembled',
      value: pc.value,
      method: pc.method,
      unit: series.unit,
      sources: pc.sources,
      inputs: [],
    };
  };
  return resolve(root, new Set());
}

/** The chain as indented lines, the form `aicarbon explain` prints. */
export function formatExplain(node: ExplainNode, depth = 0): string[] {
  const pad = '  '.repeat(depth);
  const value = node.value === null ? 'missing' : String(node.value);
  const head =
    `${pad}${node.ref} = ${value}${node.unit ? ` ${node.unit}` : ''} [${node.method}]` +
    (node.formula ? `  ${node.formula}` : '') +
    (node.reason ? `  (${node.reason})` : '');
  const sources = (node.sources ?? []).map(
    (s) =>
      `${pad}  ← ${[s.file, s.sheet, s.cell].filter(Boolean).join(' ! ')}${s.url ? ` (${s.url})` : ''} sha256:${s.sha256.slice(0, 12)}`,
  );
  return [head, ...sources, ...node.inputs.flatMap((n) => formatExplain(n, depth + 1))];
}
