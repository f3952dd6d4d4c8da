/**
 * The declared unit table of assembly: every variable's canonical unit and the source units that may be
 * converted into it. Raw study variables use the ingestion table (ingest/units.ts, one table for both
 * steps); the variable families parsers emit by prefix (fuel consumption, industry employment and
 * robots) are declared here. A unit not declared is an error naming the source cell, never a guess.
 */
import { InputError } from '../common/errors';
import type { Observation } from '../ingest/observation';
import { unitFactor } from '../ingest/units';
import { RAW_VARIABLES } from '../ingest/variables';

/** Prefix families: canonical unit and accepted source units with their factor to it. */
const FAMILIES: { prefix: string; canonical: (variable: string) => string; from: Record<string, number> }[] =
  [
    {
      prefix: 'fuel_',
      // Energy balance tables: solids and liquids in 10k t (万吨), natural gas in 100 million m³ (亿立方米).
      canonical: (v) => (v === 'fuel_natural_gas' ? '100 million m3' : '10k t'),
      from: {
        '10k t': 1,
        万吨: 1,
        t: 1e-4,
        吨: 1e-4,
        Mt: 100,
        '100 million m3': 1,
        亿立方米: 1,
        'million m3': 0.01,
        '10k m3': 1e-4,
        万立方米: 1e-4,
      },
    },
    {
      prefix: 'employment_ind_',
      canonical: () => '10k persons',
      from: { '10k persons': 1, 万人: 1, persons: 1e-4, 人: 1e-4 },
    },
    { prefix: 'robots_', canonical: () => 'count', from: { count: 1, units: 1, 台: 1 } },
  ];

/**
 * Source units of raw variables that the ingestion table does not list (it covers what the bundled
 * parsers meet): canonical unit → source unit → factor. Trade is often published in 千美元 or 万美元.
 */
const RAW_EXTRA: Record<string, Record<string, number>> = {
  'million USD': {
    千美元: 1e-3,
    'thousand USD': 1e-3,
    万美元: 1e-2,
    'billion USD': 1e3,
    亿美元: 1e2,
    USD: 1e-6,
  },
  'CNY per USD': { '元/美元': 1, 'CNY per 100 USD': 0.01, '元/100美元': 0.01 },
  count: { 件: 1, 项: 1 },
};

/** Units that measure the same quantity but cannot be turned into each other by a factor. */
const PHYSICAL_KIND: Record<string, string> = {
  '10k t': 'mass',
  万吨: 'mass',
  t: 'mass',
  吨: 'mass',
  Mt: 'mass',
  '100 million m3': 'volume',
  亿立方米: 'volume',
  'million m3': 'volume',
  '10k m3': 'volume',
  万立方米: 'volume',
};

const where = (o: Observation) =>
  [o.source.file, o.source.sheet, o.source.cell].filter(Boolean).join('!') +
  ` (${o.variable}, ${o.province} ${o.year})`;

/** The canonical unit of a variable, or undefined for a variable the table does not declare. */
export function declaredUnit(variable: string): string | undefined {
  const raw = RAW_VARIABLES.find((r) => r.name === variable);
  if (raw) return raw.unit;
  return FAMILIES.find((f) => variable.startsWith(f.prefix))?.canonical(variable);
}

/** Factor from `unit` to the canonical unit of `variable`; throws naming the cell when undeclared. */
export function conversionFactor(
  variable: string,
  unit: string,
  at: string,
): { unit: string; factor: number } {
  const raw = RAW_VARIABLES.find((r) => r.name === variable);
  if (raw) {
    if (unit.trim() === raw.unit) return { unit: raw.unit, factor: 1 };
    const extra = RAW_EXTRA[raw.unit]?.[unit.trim()];
    return extra !== undefined ? { unit: raw.unit, factor: extra } : unitFactor(unit, variable, at);
  }
  const family = FAMILIES.find((f) => variable.startsWith(f.prefix));
  if (!family) throw new InputError(`${at}: variable "${variable}" has no declared unit`, at);
  const canonical = family.canonical(variable);
  const factor = family.from[unit.trim()];
  const sameKind = PHYSICAL_KIND[unit.trim()] === PHYSICAL_KIND[canonical];
  if (factor === undefined || !sameKind) {
    const accepted = Object.keys(family.from).filter((u) => PHYSICAL_KIND[u] === PHYSICAL_KIND[canonical]);
    throw new InputError(
      `${at}: unknown unit "${unit}" for ${variable} (expected a unit convertible to ${canonical}: ${accepted.join(', ')})`,
      at,
    );
  }
  return { unit: canonical, factor };
}

/**
 * The observation in its variable's canonical unit. Variables outside the table pass unchanged (the
 * assembly then requires one unit per variable across sources).
 */
export function harmoniseUnit(o: Observation): Observation {
  if (declaredUnit(o.variable) === undefined) return o;
  const { unit, factor } = conversionFactor(o.variable, o.unit, where(o));
  return factor === 1 && unit === o.unit ? o : { ...o, unit, value: o.value * factor };
}
