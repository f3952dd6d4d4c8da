/**
 * The report's maps, rendered from stored estimations only (publishing computes nothing): the LISA
 * clusters that each figure variable's Moran step stored, in its last complete year, under a contiguity
 * matrix; and each SDM column's stored province-level spillover of its core regressor (the emitted
 * impact Σ_{i≠j} S_ij, captioned in words). A map whose estimation is missing is left out with the reason.
 */
import type { Study } from '../study';
import { weightsName, type PublishedStep } from './layout';

/** A table as a reader names it: `Table 11` from its title, else its id. */
const tableName = (table: { id: string; title: string }) =>
  /^Table\s+[0-9A-Za-z]+/.exec(table.title)?.[0] ?? table.id;
import type { EffectsMap, LisaMap } from './report';

export interface SpatialMaps {
  lisa: LisaMap[];
  effects: EffectsMap[];
  notes: string[];
}

/** Which p-value labelled the clusters, as the Moran spec chose it (spec.spatial.lisa*). */
function lisaLabelText(
  sp: { lisaPermutations?: number; lisaLabels?: string; lisaAlpha?: number } = {},
): string {
  const nsim = sp.lisaPermutations ?? 999;
  const from = sp.lisaLabels ?? (nsim > 0 ? 'permutation-bh' : 'analytical');
  const alpha = sp.lisaAlpha ?? 0.05;
  if (from === 'analytical') return `p < ${alpha}, normal approximation`;
  return `${from === 'permutation-bh' ? 'Benjamini–Hochberg adjusted ' : ''}conditional-permutation p < ${alpha}, ${nsim} permutations`;
}

export function spatialMaps(study: Study, steps: PublishedStep[]): SpatialMaps {
  const out: SpatialMaps = { lisa: [], effects: [], notes: [] };
  const stepOf = (tableId: string, columnId: string) =>
    steps.find((s) => s.tableId === tableId && s.columnId === columnId);
  const columns = study.tables.flatMap((t) => t.columns.map((c) => ({ table: t, column: c })));
  const contiguity = new Set(
    Object.entries(study.weights)
      .filter(([, d]) => d.kind === 'contiguity')
      .map(([name]) => name),
  );
  const variables = [...new Set(study.figures.flatMap((f) => [f.y, f.x]))];
  for (const variable of variables) {
    const found = columns
      .filter(
        ({ column }) =>
          column.spec.estimator === 'moran' &&
          column.spec.y === variable &&
          column.weights !== undefined &&
          contiguity.has(column.weights),
      )
      .map(({ table, column }) => ({ column, step: stepOf(table.id, column.id) }))
      .find(({ step }) => step?.result.lisa?.length);
    if (!found) {
      if (contiguity.size)
        out.notes.push(
          `LISA of ${variable}: no stored Moran estimation of ${variable} under a contiguity matrix.`,
        );
      continue;
    }
    const lisa = found.step!.result.lisa!;
    const year = Math.max(...lisa.map((l) => l.time));
    out.lisa.push({
      title: `LISA clusters of ${variable}, ${year} (${weightsName(study, found.column.weights!).toLowerCase()} weights; ${lisaLabelText(found.column.spec.spatial)})`,
      rows: lisa.filter((l) => l.time === year),
    });
  }
  for (const { table, column } of columns) {
    if (column.spec.estimator !== 'sdm' || !column.weights) continue;
    const term = column.spec.x[0];
    const rows = stepOf(table.id, column.id)?.result.entityEffects?.filter((e) => e.term === term);
    if (!rows?.length) continue;
    out.effects.push({
      title: `Spillover of each province's ${term} on the other provinces' ${column.spec.y}: the sum of its impacts on every other province, spatial Durbin model under ${weightsName(study, column.weights).toLowerCase()} weights (${tableName(table)}, column ${column.id})`,
      values: rows.map((r) => ({ province: r.id, value: r.emitted })),
    });
  }
  return out;
}
