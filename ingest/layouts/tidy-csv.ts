/**
 * A long CSV: one row per province and year, one column per variable (the shape of most research
 * panels and of the synthetic sample files). Options name the province and year columns and map
 * value columns to study variables with their source unit; `years` keeps a range (e.g. to leave out
 * rows a source carried forward rather than observed).
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError } from '../../common/errors';
import type { Layout } from '../layout';
import type { Observation } from '../observation';
import { isFootnote, studyProvince } from '../province-cell';
import { readText } from '../text-file';
import { unitFactor } from '../units';
import { layoutOptions } from './options';

const optionsSchema = z.strictObject({
  encoding: z.string().default('utf8'),
  province: z.string(),
  year: z.string(),
  columns: z.record(z.string(), z.strictObject({ variable: z.string(), unit: z.string() })),
  years: z.tuple([z.number().int(), z.number().int()]).optional(),
});

const MISSING = new Set(['', 'NA', '…', '...', '-', '—', '.']);

export const tidyCsv: Layout = {
  id: 'tidy-csv',
  description: 'long CSV: a province column, a year column, value columns mapped to variables',
  async parse(ctx) {
    const opts = layoutOptions(optionsSchema, ctx);
    // `#` lines are banners (the synthetic files say they are synthetic); line numbers stay true.
    const parsed = parse(await readText(ctx.path, ctx.name, opts.encoding), {
      relax_column_count: true,
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
      info: true,
    }) as unknown as { info: { lines: number }; record: string[] }[];
    const records = parsed.map((r) => ({ line: r.info.lines, row: r.record }));
    if (records.length < 2) throw new InputError(`${ctx.name}: no data rows`, ctx.name);
    const header = records[0].row.map((h) => h.trim());
    const col = (name: string) => {
      const i = header.indexOf(name);
      if (i < 0)
        throw new InputError(
          `${ctx.name} line ${records[0].line}: no column "${name}" (columns: ${header.join(', ')})`,
          ctx.name,
        );
      return i;
    };
    const provinceCol = col(opts.province);
    const yearCol = col(opts.year);
    const valueCols = Object.entries(opts.columns).map(([name, spec]) => ({
      index: col(name),
      name,
      variable: spec.variable,
      ...unitFactor(spec.unit, spec.variable, `${ctx.name} column "${name}"`),
    }));
    const out: Observation[] = [];
    const seen = new Set<string>();
    for (let r = 1; r < records.length; r++) {
      const { row, line } = records[r];
      const where = `${ctx.name} line ${line}`;
      if (isFootnote(row[provinceCol])) continue;
      const province = studyProvince(row[provinceCol], `${where}, column "${opts.province}"`);
      if (!province) continue;
      const year = Number(row[yearCol]);
      if (!Number.isInteger(year)) {
        throw new InputError(`${where}, column "${opts.year}": "${row[yearCol]}" is not a year`, where);
      }
      if (opts.years && (year < opts.years[0] || year > opts.years[1])) continue;
      const key = `${province}/${year}`;
      if (seen.has(key)) throw new InputError(`${where}: ${province} ${year} appears twice`, where);
      seen.add(key);
      for (const c of valueCols) {
        const raw = (row[c.index] ?? '').trim();
        if (MISSING.has(raw)) continue;
        const value = Number(raw.replace(/,/g, ''));
        if (!Number.isFinite(value)) {
          throw new InputError(
            `${where}, column "${c.name}": "${raw}" is not a number`,
            `${where}:${c.name}`,
          );
        }
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
    return out;
  },
};
