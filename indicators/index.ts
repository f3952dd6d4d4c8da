/**
 * Indicators: the assembled raw variables → the study's variables per province and year, each value
 * with the assembled cells it was computed from (lineage) or the reason it is missing.
 */
import { cellKey, type AssembledPanel } from '../assembly/panel';
import { provinceByCode } from '../regions/provinces';
import type { IndicatorDefinition } from './definition';
import * as f from './formulas';

export * from './definition';
export * as formulas from './formulas';

export const STUDY_VARIABLES = [
  'CO2',
  'RGDP',
  'CI',
  'AIT',
  'AIT1',
  'AIT2',
  'AIT3',
  'EE',
  'ED',
  'ER',
  'ECS',
  'WF',
  'OPEN',
  'IS',
  'MAR',
] as const;

export interface IndicatorCell {
  value: number | null;
  method: 'computed' | 'extrapolated';
  /** Assembled cells used, as `variable|PROVINCE/YEAR`. */
  inputs: string[];
  reason?: string;
}

export interface IndicatorTable {
  variables: string[];
  /** One row per province and study year: `province`, `year`, `region` and every study variable (null = missing). */
  rows: Record<string, number | string | null>[];
  /** Keyed `VARIABLE|PROVINCE/YEAR`. */
  cells: Record<string, IndicatorCell>;
}

type Got = { value: number; ref: string };

export function computeIndicators(panel: AssembledPanel, def: IndicatorDefinition): IndicatorTable {
  const get = (variable: string, province: string, year: number): Got | undefined => {
    const c = panel.variables[variable]?.cells[cellKey(province, year)];
    return c ? { value: c.value, ref: `${variable}|${cellKey(province, year)}` } : undefined;
  };
  const cells: Record<string, IndicatorCell> = {};
  const rows: IndicatorTable['rows'] = [];
  const [from, to] = panel.years;

  for (const province of panel.provinces) {
    const region = provinceByCode(province)?.region ?? null;
    const indexByYear = new Map<number, number>();
    const idxRefs = new Map<number, string>();
    for (let y = def.baseYear + 1; y <= to; y++) {
      const g = get('gdp_index', province, y);
      if (g) {
        indexByYear.set(y, g.value);
        idxRefs.set(y, g.ref);
      }
    }
    const marPoints = Object.entries(panel.variables.marketization?.cells ?? {})
      .filter(([k]) => k.startsWith(`${province}/`))
      .map(([k, c]) => ({ year: Number(k.slice(province.length + 1)), value: c.value, method: c.method }));

    for (let year = from; year <= to; year++) {
      const row: Record<string, number | string | null> = { province, year, region };
      const set = (name: string, cell: IndicatorCell) => {
        cells[`${name}|${cellKey(province, year)}`] = cell;
        row[name] = cell.value !== null && Number.isFinite(cell.value) ? cell.value : null;
      };
      const missing = (name: string, reason: string) =>
        set(name, { value: null, method: 'computed', inputs: [], reason });
      /** Computes `name` from inputs when all exist; otherwise records which input is missing. */
      const compute = (name: string, need: [string, Got | undefined][], fn: (...v: number[]) => number) => {
        const absent = need.filter(([, g]) => !g).map(([label]) => label);
        if (absent.length) return missing(name, `missing ${absent.join(', ')} for ${province} ${year}`);
        const got = need.map(([, g]) => g!);
        set(name, {
          value: fn(...got.map((g) => g.value)),
          method: 'computed',
          inputs: got.map((g) => g.ref),
        });
      };

      // CO2: the inventory, or past its last year its level moved by the second inventory's growth.
      const primary = get(def.co2.primary, province, year);
      if (primary) {
        set('CO2', { value: primary.value, method: 'computed', inputs: [primary.ref] });
      } else if (def.co2.extendWith) {
        const lastYear = lastYearWith(panel, def.co2.primary, province, year);
        const last = lastYear !== undefined ? get(def.co2.primary, province, lastYear) : undefined;
        const altLast = lastYear !== undefined ? get(def.co2.extendWith, province, lastYear) : undefined;
        const altNow = get(def.co2.extendWith, province, year);
        if (last && altLast && altNow) {
          set('CO2', {
            value: f.co2ByGrowth(last.value, altLast.value, altNow.value),
            method: 'extrapolated',
            inputs: [last.ref, altLast.ref, altNow.ref],
          });
        } else
          missing(
            'CO2',
            `no ${def.co2.primary} for ${province} ${year} and no ${def.co2.extendWith} growth to extend it`,
          );
      } else missing('CO2', `no ${def.co2.primary} for ${province} ${year}`);

      const base = get('gdp', province, def.baseYear);
      const rgdp = base ? f.realGdpChain(base.value, indexByYear, def.baseYear, year) : undefined;
      if (base && rgdp !== undefined && year >= def.baseYear) {
        const chain = [...idxRefs].filter(([y]) => y <= year).map(([, r]) => r);
        set('RGDP', { value: rgdp, method: 'computed', inputs: [base.ref, ...chain] });
      } else missing('RGDP', `missing gdp ${def.baseYear} or a gdp_index year up to ${year} for ${province}`);
      const RGDP: Got | undefined =
        row.RGDP === null ? undefined : { value: row.RGDP as number, ref: `RGDP|${cellKey(province, year)}` };
      const CO2: Got | undefined =
        row.CO2 === null ? undefined : { value: row.CO2 as number, ref: `CO2|${cellKey(province, year)}` };

      compute(
        'CI',
        [
          ['CO2', CO2],
          ['RGDP', RGDP],
        ],
        f.carbonIntensity,
      );
      compute('AIT', [['patents_ai', get('patents_ai', province, year)]], f.logOnePlus);
      compute(
        'AIT1',
        [['patents_ai_foundation', get('patents_ai_foundation', province, year)]],
        f.logOnePlus,
      );
      compute(
        'AIT2',
        [['patents_ai_technology', get('patents_ai_technology', province, year)]],
        f.logOnePlus,
      );
      compute(
        'AIT3',
        [['patents_ai_application', get('patents_ai_application', province, year)]],
        f.logOnePlus,
      );
      compute(
        'EE',
        [
          ['RGDP', RGDP],
          ['energy_total', get('energy_total', province, year)],
        ],
        f.energyEfficiency,
      );
      const edGdp = def.edPrices === 'real' ? RGDP : get('gdp', province, year);
      compute(
        'ED',
        [
          ['GDP', edGdp],
          ['population', get('population', province, year)],
        ],
        f.economicDevelopment,
      );
      compute(
        'ER',
        [
          ['pollution_investment', get('pollution_investment', province, year)],
          ['industrial_va', get('industrial_va', province, year)],
        ],
        f.environmentalRegulation,
      );
      compute('ECS', [[def.coalShare, get(def.coalShare, province, year)]], (x) => x);
      compute('WF', [[def.employment, get(def.employment, province, year)]], f.labourForce);
      compute(
        'OPEN',
        [
          ['trade_cny', get('trade_cny', province, year)],
          ['gdp', get('gdp', province, year)],
        ],
        f.openness,
      );
      compute(
        'IS',
        [
          ['tertiary_va', get('tertiary_va', province, year)],
          ['secondary_va', get('secondary_va', province, year)],
        ],
        (t, s) => t / s,
      );

      const mar = get('marketization', province, year);
      if (mar) set('MAR', { value: mar.value, method: 'computed', inputs: [mar.ref] });
      else if (def.marketizationExtension === 'province-trend') {
        const published = marPoints.filter((p) => p.method === 'observed');
        const v = f.trendExtension(published, year);
        if (v !== undefined) {
          set('MAR', {
            value: v,
            method: 'extrapolated',
            inputs: published.map((p) => `marketization|${cellKey(province, p.year)}`),
          });
        } else missing('MAR', `no marketization index for ${province} ${year} and nothing to extend`);
      } else missing('MAR', `no marketization index for ${province} ${year}`);

      rows.push(row);
    }
  }
  return { variables: [...STUDY_VARIABLES], rows, cells };
}

function lastYearWith(
  panel: AssembledPanel,
  variable: string,
  province: string,
  before: number,
): number | undefined {
  let best: number | undefined;
  for (const key of Object.keys(panel.variables[variable]?.cells ?? {})) {
    if (!key.startsWith(`${province}/`)) continue;
    const y = Number(key.slice(province.length + 1));
    if (y < before && (best === undefined || y > best)) best = y;
  }
  return best;
}
