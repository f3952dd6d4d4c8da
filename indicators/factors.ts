/**
 * The constant tables indicators use (data/factors/*.json), loaded and validated so that a bad table
 * is reported by file and key. The values are data with their sources next to them, not code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InputError, parseOrThrow } from '../common/errors';
import { FUELS } from '../ingest/variables';

const fuelFactorSchema = z.strictObject({
  unit: z.enum(['10k t', '100 million m3']),
  ncv: z.number().positive(),
  ncvUnit: z.enum(['kJ/kg', 'kJ/m3']),
  cc: z.number().positive(),
  standardCoal: z.number().positive(),
  standardCoalUnit: z.enum(['kgce/kg', 'kgce/m3']),
  oxidation: z.record(z.string(), z.number().gt(0).max(1)),
});

export const fuelTableSchema = z.strictObject({
  table: z.literal('fuels'),
  version: z.string(),
  description: z.string(),
  sources: z.record(z.string(), z.string()),
  fuels: z.record(z.enum(FUELS), fuelFactorSchema),
});

export const capitalTableSchema = z.strictObject({
  table: z.literal('capital'),
  version: z.string(),
  description: z.string(),
  sources: z.record(z.string(), z.string()),
  depreciation: z.number().gt(0).lt(1),
  initialGrowthYears: z.number().int().min(1),
});

export type FuelFactor = z.infer<typeof fuelFactorSchema>;
export type FuelTable = z.infer<typeof fuelTableSchema>;
export type CapitalTable = z.infer<typeof capitalTableSchema>;

export interface FactorTables {
  fuels: FuelTable;
  capital: CapitalTable;
}

export const FACTORS_DIR = fileURLToPath(new URL('../data/factors/', import.meta.url));

function loadTable<T>(file: string, schema: z.ZodType<T>): T {
  const path = file.includes('/') ? file : FACTORS_DIR + file;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`${path}: cannot read the factor table (${(e as Error).message})`, path);
  }
  return parseOrThrow(schema, raw, { source: path });
}

/** The tables a definition names (file names in data/factors/, or paths). */
export function loadFactors(names: { fuels: string; capital: string }): FactorTables {
  return {
    fuels: loadTable(names.fuels, fuelTableSchema),
    capital: loadTable(names.capital, capitalTableSchema),
  };
}
