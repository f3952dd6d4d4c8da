/**
 * NBS data portal export (分省年度数据, CSV, GBK): three header lines `数据库：…`, `指标：<name>(<unit>)`,
 * `时间：…`, then a `地区` row with `2023年`-style year columns (newest first), one row per region,
 * and footnote lines (`注：`, `数据来源：`). Options: `variable` (study variable), `indicator` (the
 * expected 指标 name, checked so a wrong export is caught), `encoding` (default gbk). Streamed record by
 * record (ingest/csv-file.ts); values are read by the strict-value rule (ingest/number-cell.ts).
 */
import { z } from 'zod';
import { InputError } from '../../common/errors';
import { csvRecords } from '../csv-file';
import type { Layout } from '../layout';
import { parseNumberText } from '../number-cell';
import type { Observation } from '../observation';
import { isFootnote, studyProvince } from '../province-cell';
import { unitFactor } from '../units';
import { layoutOptions } from './options';

const optionsSchema = z.strictObject({
  variable: z.string(),
  indicator: z.string(),
  encoding: z.string().default('gbk'),
  years: z.tuple([z.number().int(), z.number().int()]).optional(),
});

export const nbsPortalCsv: Layout = {
  id: 'nbs-portal-csv',
  description: 'NBS data portal export (分省年度数据), GBK CSV, years across, regions down',
  async parse(ctx) {
    const opts = layoutOptions(optionsSchema, ctx);
    let conversion: { unit: string; factor: number } | undefined;
    let years: (number | undefined)[] | undefined;
    const out: Observation[] = [];
    const seen = new Set<string>();
    for await (const { line, record: row } of csvRecords(ctx, {
      encoding: opts.encoding,
      signal: ctx.signal,
      onProgress: ctx.onProgress,
    })) {
      const first = (row[0] ?? '').trim();
      if (!conversion) {
        // Before the 指标 line: the 数据库 line and anything else above it.
        if (!/^指标[:：]/.test(row[0] ?? '')) continue;
        const m = /^指标[:：]\s*(.+?)\s*[(（](.+?)[)）]\s*$/.exec(row[0]);
        if (!m) throw new InputError(`${ctx.name} line ${line}: expected "指标：<name>(<unit>)"`, ctx.name);
        const [, indicator, sourceUnit] = m;
        if (indicator !== opts.indicator) {
          throw new InputError(
            `${ctx.name} line ${line}: indicator "${indicator}", expected "${opts.indicator}"`,
            `${ctx.name}:${line}`,
          );
        }
        conversion = unitFactor(sourceUnit, opts.variable, `${ctx.name} line ${line}`);
        continue;
      }
      if (!years) {
        if (first !== '地区') continue;
        years = row.map((h, col) => {
          if (col === 0 || h.trim() === '') return undefined;
          const y = /^(\d{4})年?$/.exec(h.trim());
          if (!y)
            throw new InputError(
              `${ctx.name} line ${line}, column ${col + 1}: "${h}" is not a year`,
              ctx.name,
            );
          return Number(y[1]);
        });
        if (!years.some((y) => y !== undefined))
          throw new InputError(`${ctx.name}: no year columns in the header`, ctx.name);
        continue;
      }
      if (isFootnote(first)) break;
      const where = `${ctx.name} line ${line}`;
      const province = studyProvince(first, where);
      if (!province) continue;
      if (seen.has(province)) throw new InputError(`${where}: province ${first} appears twice`, where);
      seen.add(province);
      for (const [col, year] of years.entries()) {
        if (year === undefined) continue;
        if (opts.years && (year < opts.years[0] || year > opts.years[1])) continue;
        const value = parseNumberText(row[col] ?? '', `${where}, column ${col + 1} (${year})`);
        if (value === undefined) continue;
        out.push({
          province,
          year,
          variable: opts.variable,
          value: value * conversion.factor,
          unit: conversion.unit,
          method: 'observed',
          source: { file: ctx.name, sha256: ctx.sha256, cell: `line ${line}, column ${col + 1}` },
        });
      }
    }
    if (!conversion)
      throw new InputError(`${ctx.name}: no "指标：" line (not an NBS portal export?)`, ctx.name);
    if (!years) throw new InputError(`${ctx.name}: no header row starting with "地区"`, ctx.name);
    return out;
  },
};
