/**
 * A long CSV: one row per province and year, one column per variable (the shape of most research
 * panels and of the synthetic sample files). Options name the province and year columns and map
 * value columns to study variables with their source unit; `years` keeps a range (e.g. to leave out
 * rows a source carried forward rather than observed). Streamed in batches of records (ingest/csv-file.ts);
 * values are read by the strict-value rule (ingest/number-cell.ts).
 */
import { z } from 'zod';
import { InputError } from '../../common/errors';
import { csvBatches } from '../csv-file';
import type { Layout } from '../layout';
import { parseNumberText } from '../number-cell';
import type { Observation } from '../observation';
import { isFootnote, studyProvince } from '../province-cell';
import { unitFactor } from '../units';
import { layoutOptions } from './options';

const optionsSchema = z.strictObject({
  encoding: z.string().default('utf8'),
  province: z.string(),
  year: z.string(),
  columns: z.record(z.string(), z.strictObject({ variable: z.string(), unit: z.string() })),
  years: z.tuple([z.number().int(), z.number().int()]).optional(),
});

/** A year field: four digits (full-width allowed), optionally followed by 年. */
export function yearField(raw: string | undefined, where: string): number {
  const m = /^(\d{4})年?$/.exec((raw ?? '').trim().normalize('NFKC'));
  if (!m) throw new InputError(`${where}: "${raw ?? ''}" is not a year`, where);
  return Number(m[1]);
}

export const tidyCsv: Layout = {
  id: 'tidy-csv',
  description: 'long CSV: a province column, a year column, value columns mapped to variables',
  async parse(ctx) {
    const opts = layoutOptions(optionsSchema, ctx);
    const out: Observation[] = [];
    const seen = new Set<string>();
    let header: { line: number; columns: string[] } | undefined;
    let cols:
      | {
          province: number;
          year: number;
          values: { index: number; name: string; variable: string; unit: string; factor: number }[];
        }
      | undefined;
    let rows = 0;
    // `#` lines are banners (the synthetic files say they are synthetic); line numbers stay true.
    for await (const { records, lines } of csvBatches(ctx, {
      encoding: opts.encoding,
      comment: '#',
      signal: ctx.signal,
      onProgress: ctx.onProgress,
    }))
      for (let k = 0; k < records.length; k++) {
        const line = lines[k];
        const row = records[k];
        if (!header || !cols) {
          header = { line, columns: row.map((h) => h.trim()) };
          const col = (name: string) => {
            const i = header!.columns.indexOf(name);
            if (i < 0)
              throw new InputError(
                `${ctx.name} line ${line}: no column "${name}" (columns: ${header!.columns.join(', ')})`,
                ctx.name,
              );
            return i;
          };
          cols = {
            province: col(opts.province),
            year: col(opts.year),
            values: Object.entries(opts.columns).map(([name, spec]) => ({
              index: col(name),
              name,
              variable: spec.variable,
              ...unitFactor(spec.unit, spec.variable, `${ctx.name} column "${name}"`),
            })),
          };
          continue;
        }
        rows += 1;
        const where = `${ctx.name} line ${line}`;
        if (isFootnote(row[cols.province])) continue;
        const province = studyProvince(row[cols.province], `${where}, column "${opts.province}"`);
        if (!province) continue;
        const year = yearField(row[cols.year], `${where}, column "${opts.year}"`);
        if (opts.years && (year < opts.years[0] || year > opts.years[1])) continue;
        const key = `${province}/${year}`;
        if (seen.has(key)) throw new InputError(`${where}: ${province} ${year} appears twice`, where);
        seen.add(key);
        for (const c of cols.values) {
          const value = parseNumberText(row[c.index] ?? '', `${where}, column "${c.name}"`);
          if (value === undefined) continue;
          out.push({
            province,
            year,
            variable: c.variable,
            value: value * c.factor,
            unit: c.unit,
            method: 'observed',
            source: { file: ctx.name, sha256: ctx.sha256, cell: `line ${line}, column ${c.index + 1}` },
          });
        }
      }
    if (rows === 0) throw new InputError(`${ctx.name}: no data rows`, ctx.name);
    return out;
  },
};
