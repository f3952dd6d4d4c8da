/**
 * Declared units: every source unit a parser may meet, as a factor to the canonical unit of its
 * variable (ingest/variables.ts). An undeclared unit is an error, never a guess — the classic silent
 * mistake is 10,000 vs 100 million CNY.
 */
import { InputError } from '../common/errors';
import { FUELS, RAW_VARIABLES } from './variables';

/** source unit → { canonical unit → factor } */
const CONVERSIONS: Record<string, Record<string, number>> = {
  亿元: { '100 million CNY': 1, '10k CNY': 1e4 },
  '100 million CNY': { '100 million CNY': 1, '10k CNY': 1e4 },
  万元: { '100 million CNY': 1e-4, '10k CNY': 1 },
  '10k CNY': { '100 million CNY': 1e-4, '10k CNY': 1 },
  万人: { '10k persons': 1 },
  '10k persons': { '10k persons': 1 },
  人: { '10k persons': 1e-4 },
  万吨标准煤: { '10k tce': 1 },
  '10k tce': { '10k tce': 1 },
  'Mt CO2': { 'Mt CO2': 1 },
  't CO2': { 'Mt CO2': 1e-6 },
  吨: { 'Mt CO2': 1e-6, '10k t': 1e-4 },
  'previous year = 100': { 'previous year = 100': 1 },
  '上年=100': { 'previous year = 100': 1 },
  index: { index: 1 },
  count: { count: 1 },
  件: { count: 1 },
  'robots per 10k workers': { 'robots per 10k workers': 1 },
  share: { share: 1 },
  '%': { share: 0.01, 'growth rate': 0.01 },
  'growth rate': { 'growth rate': 1 },
  千美元: { 'million USD': 1e-3 },
  'thousand USD': { 'million USD': 1e-3 },
  万美元: { 'million USD': 1e-2 },
  百万美元: { 'million USD': 1 },
  'million USD': { 'million USD': 1 },
  亿美元: { 'million USD': 100 },
  万吨: { '10k t': 1 },
  '10k t': { '10k t': 1 },
  亿立方米: { '100 million m3': 1 },
  '100 million m3': { '100 million m3': 1 },
  万立方米: { '100 million m3': 1e-4 },
};

/** Fuel consumption in physical units (the family assembly/units.ts declares by the `fuel_` prefix). */
const fuelUnit = (variable: string) => (variable === 'fuel_natural_gas' ? '100 million m3' : '10k t');

export function canonicalUnit(variable: string): string {
  if ((FUELS as readonly string[]).includes(variable.replace(/^fuel_/, '')) && variable.startsWith('fuel_'))
    return fuelUnit(variable);
  const v = RAW_VARIABLES.find((r) => r.name === variable);
  if (!v) {
    throw new InputError(
      `unknown variable "${variable}" (known: ${RAW_VARIABLES.map((r) => r.name).join(', ')})`,
      variable,
    );
  }
  return v.unit;
}

/** Factor turning a value in `unit` into the canonical unit of `variable`; names both when undeclared. */
export function unitFactor(unit: string, variable: string, where: string): { unit: string; factor: number } {
  const canonical = canonicalUnit(variable);
  const factor = CONVERSIONS[unit.trim()]?.[canonical];
  if (factor === undefined) {
    throw new InputError(
      `${where}: unknown unit "${unit}" for ${variable} (expected a unit convertible to ${canonical}: ` +
        `${Object.keys(CONVERSIONS)
          .filter((u) => CONVERSIONS[u][canonical] !== undefined)
          .join(', ')})`,
      where,
    );
  }
  return { unit: canonical, factor };
}
