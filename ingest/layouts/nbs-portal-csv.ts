/**
 * NBS data portal export (分省年度数据, CSV, GBK): three header lines `数据库：…`, `指标：<name>(<unit>)`,
 * `时间：…`, then a `地区` row with `2023年`-style year columns (newest first), one row per region,
 * and footnote lines (`注：`, `数据来源：`). Options: `variable` (study variable), `indicator` (the
 * expected 指标 name, checked so a wrong export is caught), `encoding` (default gbk).
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
  variable: z.string(),
  indicator: z.string(),
  encoding: z.string().default('gbk'),
  years: z.tuple([z.number().int(), z.number().int()]).optional(),
});

const MISSING = new Set(['', '…', '...', '-', '—']);

export const nbsPortalCsv: Layout = {
  id: 'nbs-portal-csv',
  description: 'NBS data portal export (分省年度数据), GBK CSV, years across, regions down',
  async parse(ctx) {
    const opts = layoutOptions(optionsSchema, ctx);
    const rows: string[][] = parse(await readText(ctx.path, ctx.name, opts.encoding), {
      relax_column_count: true,
      skip_empty_lines: true,
    });
    const indicatorRow = rows.findIndex((r) => /^指标[:：]/.test(r[0] ?? ''));
    if (indicatorRow < 0)
      throw new InputError(`${ctx.name}: no "指标：" line (not an NBS portal export?)`, ctx.name);
    const m = /^指标[:：]\s*(.+?)\s*[(（](.+?)[)）]\s*$/.exec(rows[indicatorRow][0]);
    if (!m)
      throw new InputError(`${ctx.name} line ${indicatorRow + 1}: expected "指标：<name>(<unit>)"`, ctx.name);
    const [, indicator, sourceUnit] = m;
    if (indicator !== opts.indicator) {
      throw new InputError(
        `${ctx.name} line ${indicatorRow + 1}: indicator "${indicator}", expected "${opts.indicator}"`,
        `${ctx.name}:${indicatorRow + 1}`,
      );
    }
    const { unit, factor } = unitFactor(sourceUnit, opts.variable, `${ctx.name} line ${indicatorRow + 1}`);
    const headerRow = rows.findIndex((r) => (r[0] ?? '').trim() === '地区');
    if (headerRow < 0) throw new InputError(`${ctx.name}: no header row starting with "地区"`, ctx.name);
    const years = rows[headerRow].map((h, col) => {
      if (col === 0 || h.trim() === '') return undefined;
      const y = /^(\d{4})年?$/.exec(h.trim());
      if (!y)
        throw new InputError(
          `${ctx.name} line ${headerRow + 1}, column ${col + 1}: "${h}" is not a year`,
          ctx.name,
        );
      return Number(y[1]);
    });
    if (!years.some((y) => y !== undefined))
      throw new InputError(`${ctx.name}: no year columns in the header`, ctx.name);
    const out: Observation[] = [];
    const seen = new Set<string>();
    for (let r = headerRow + 1; r < rows.length; r++) {
      const label = (rows[r][0] ?? '').trim();
      if (isFootnote(label)) break;
      const where = `${ctx.name} line ${r + 1}`;
      const province = studyProvince(label, where);
      if (!province) continue;
      if (seen.has(province)) throw new InputError(`${where}: province ${label} appears twice`, where);
      seen.add(province);
      for (const [col, year] of years.entries()) {
        if (year === undefined) continue;
        if (opts.years && (year < opts.years[0] || year > opts.years[1])) continue;
        const raw = (rows[r][col] ?? '').trim();
        if (MISSING.has(raw)) continue;
        const value = Number(raw.replace(/,/g, ''));
        if (!Number.isFinite(value)) {
          throw new InputError(
            `${where}, column ${col + 1} (${year}): "${raw}" is not a number`,
            `${where}:${col + 1}`,
          );
        }
        out.push({
          province,
          year,
          variable: opts.variable,
          value: value * factor,
          unit,
          method: 'observed',
          source: { file: ctx.name, sha256: ctx.sha256, cell: `line ${r + 1}, column ${col + 1}` },
        });
      }
    }
    return out;
  },
};
