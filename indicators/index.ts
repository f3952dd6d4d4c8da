/**
 * Indicators: the assembled raw variables → the study's variables per province and year, each value
 * with the cells it was computed from (lineage: assembled cells or other indicators) or the reason it
 * is missing. Formulas are in formulas.ts; every choice comes from the definition, every constant from
 * the factor tables in data/factors/.
 */
import { cellKey, type AssembledPanel } from '../assembly/panel';
import { FUELS } from '../ingest/variables';
import { provinceByCode } from '../regions/provinces';
import type { IndicatorDefinition } from './definition';
import { loadFactors, type FactorTables } from './factors';
import * as f from './formulas';

export * from './coverage';
export * from './definition';
export * from './explain';
export { loadFactors, type FactorTables } from './factors';
export * as formulas from './formulas';

export const STUDY_VARIABLES = [
  'CO2',
  'CO2_FUEL',
  'RGDP',
  'K',
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
  'ROBOT',
  'FRD',
  'RE',
] as const;

export interface IndicatorCell {
  value: number | null;
  /** `extrapolated` when the value lies past its source's last year (CO2 extension, MAR trend). */
  method: 'computed' | 'extrapolated';
  /** Cells used, as `variable|PROVINCE/YEAR`: assembled variables (lower case) or other indicators. */
  inputs: string[];
  /** The formula or the definition choice that produced the value. */
  formula?: string;
  /** Why the value is missing. */
  reason?: string;
  /**
   * Assembled cells anywhere in the value's chain that were filled (interpolated or extrapolated)
   * rather than observed; absent when every input was observed.
   */
  filledInputs?: string[];
}

export interface IndicatorTable {
  variables: string[];
  /** One row per province and study year: `province`, `year`, `region` and every study variable (null = missing). */
  rows: Record<string, number | string | null>[];
  /** Keyed `VARIABLE|PROVINCE/YEAR`. */
  cells: Record<string, IndicatorCell>;
  /** Panel-wide estimates the indicators used (the production function behind RE). */
  parameters: {
    productionFunction: { alpha: number; beta: number; n: number } | { reason: string };
    factorTables: { fuels: string; capital: string };
  };
}

type Got = { value: number; ref: string };

export function computeIndicators(
  panel: AssembledPanel,
  def: IndicatorDefinition,
  factors: FactorTables = loadFactors(def.factors),
): IndicatorTable {
  const get = (variable: string, province: string, year: number): Got | undefined => {
    const c = panel.variables[variable]?.cells[cellKey(province, year)];
    return c ? { value: c.value, ref: `${variable}|${cellKey(province, year)}` } : undefined;
  };
  const cells: Record<string, IndicatorCell> = {};
  const [from, to] = panel.years;
  const years = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const ind = (name: string, province: string, year: number): Got | undefined => {
    const c = cells[`${name}|${cellKey(province, year)}`];
    return c && c.value !== null && Number.isFinite(c.value)
      ? { value: c.value, ref: `${name}|${cellKey(province, year)}` }
      : undefined;
  };
  const delta = def.capital.depreciation ?? factors.capital.depreciation;
  const robotIndustries = Object.keys(panel.variables)
    .filter((v) => v.startsWith('robots_'))
    .map((v) => v.slice('robots_'.length));

  for (const province of panel.provinces) {
    const capital = capitalSeries(panel, def, province, delta, factors.capital.initialGrowthYears, to);
    const marPoints = Object.entries(panel.variables.marketization?.cells ?? {})
      .filter(([k, c]) => k.startsWith(`${province}/`) && c.method === 'observed')
      .map(([k, c]) => ({ year: Number(k.slice(province.length + 1)), value: c.value }));

    for (const year of years) {
      const set = (name: string, cell: IndicatorCell) => {
        cells[`${name}|${cellKey(province, year)}`] = cell;
      };
      const missing = (name: string, reason: string) =>
        set(name, { value: null, method: 'computed', inputs: [], reason });
      /** Computes `name` from inputs when all exist; otherwise records which input is missing. */
      const compute = (
        name: string,
        formula: string,
        need: [string, Got | undefined][],
        fn: (...v: number[]) => number,
      ) => {
        const absent = need.filter(([, g]) => !g).map(([label]) => label);
        if (absent.length) return missing(name, `missing ${absent.join(', ')} for ${province} ${year}`);
        const got = need.map(([, g]) => g!);
        set(name, {
          value: fn(...got.map((g) => g.value)),
          method: 'computed',
          inputs: got.map((g) => g.ref),
          formula,
        });
      };

      // CO2 from fuels is always computed where consumption exists, so the report shows both.
      const fuelCells = FUELS.map((fuel) => [fuel, get(`fuel_${fuel}`, province, year)] as const);
      if (fuelCells.some(([, g]) => g)) {
        const absent = fuelCells.filter(([, g]) => !g).map(([fuel]) => `fuel_${fuel}`);
        if (absent.length) missing('CO2_FUEL', `missing ${absent.join(', ')} for ${province} ${year}`);
        else
          set('CO2_FUEL', {
            value: fuelCells.reduce(
              (s, [fuel, g]) =>
                s +
                f.fuelCo2(
                  g!.value,
                  factors.fuels.fuels[fuel],
                  factors.fuels.fuels[fuel].oxidation[def.co2.oxidation] ?? NaN,
                ),
              0,
            ),
            method: 'computed',
            inputs: fuelCells.map(([, g]) => g!.ref),
            formula: `Σ E × NCV × CC × O(${def.co2.oxidation}) × 44/12, factors ${factors.fuels.table} v${factors.fuels.version}`,
          });
      } else missing('CO2_FUEL', `no fuel consumption (fuel_<fuel>) for ${province} ${year}`);

      const co2Reasons: string[] = [];
      for (const choice of def.co2.order) {
        if (choice === 'inventory') {
          const primary = get(def.co2.primary, province, year);
          if (primary) {
            set('CO2', {
              value: primary.value,
              method: 'computed',
              inputs: [primary.ref],
              formula: `inventory ${def.co2.primary}`,
            });
            break;
          }
          const ext = def.co2.extendWith ? co2Extension(panel, def, province, year, get) : undefined;
          if (ext) {
            set('CO2', ext);
            break;
          }
          co2Reasons.push(
            `no ${def.co2.primary}${def.co2.extendWith ? ` and no ${def.co2.extendWith} growth to extend it` : ''}`,
          );
        } else {
          const fuel = ind('CO2_FUEL', province, year);
          if (fuel) {
            set('CO2', {
              value: fuel.value,
              method: 'computed',
              inputs: [fuel.ref],
              formula: 'CO2 from fuel consumption',
            });
            break;
          }
          co2Reasons.push(cells[`CO2_FUEL|${cellKey(province, year)}`].reason ?? 'no CO2 from fuels');
        }
      }
      if (!cells[`CO2|${cellKey(province, year)}`])
        missing('CO2', `${co2Reasons.join('; ')} for ${province} ${year}`);

      const base = get('gdp', province, def.baseYear);
      const chain: Got[] = [];
      let complete = Boolean(base) && year >= def.baseYear;
      for (let y = def.baseYear + 1; y <= year && complete; y++) {
        const g = get('gdp_index', province, y);
        if (g) chain.push(g);
        else complete = false;
      }
      if (base && complete) {
        set('RGDP', {
          value: f.realGdpChain(
            base.value,
            new Map(chain.map((g, i) => [def.baseYear + 1 + i, g.value])),
            def.baseYear,
            year,
          )!,
          method: 'computed',
          inputs: [base.ref, ...chain.map((g) => g.ref)],
          formula: `gdp ${def.baseYear} × Π gdp_index/100`,
        });
      } else missing('RGDP', `missing gdp ${def.baseYear} or a gdp_index year up to ${year} for ${province}`);

      const k = capital.get(year);
      if (k && 'value' in k)
        set('K', {
          value: k.value,
          method: 'computed',
          inputs: k.inputs,
          formula: `perpetual inventory, δ = ${delta}`,
        });
      else missing('K', `${k?.reason ?? `no capital stock for ${year}`} (${province})`);

      const RGDP = ind('RGDP', province, year);
      const CO2 = ind('CO2', province, year);
      compute(
        'CI',
        'CO2 × 10^6 / (RGDP × 10^4)',
        [
          ['CO2', CO2],
          ['RGDP', RGDP],
        ],
        f.carbonIntensity,
      );
      compute('AIT', `ln(1 + ${def.ait})`, [[def.ait, get(def.ait, province, year)]], f.logOnePlus);
      // The layers of Table 1; a proxy without layers (indicators.aitLayers null) leaves them missing.
      (['AIT1', 'AIT2', 'AIT3'] as const).forEach((name, i) => {
        const variable = def.aitLayers?.[i];
        if (!variable)
          return missing(name, `the AIT count ${def.ait} has no AI layers (indicators.aitLayers is null)`);
        compute(name, `ln(1 + ${variable})`, [[variable, get(variable, province, year)]], f.logOnePlus);
      });
      compute(
        'EE',
        'RGDP / energy_total',
        [
          ['RGDP', RGDP],
          ['energy_total', get('energy_total', province, year)],
        ],
        f.energyEfficiency,
      );
      const edGdp = def.edPrices === 'real' ? RGDP : get('gdp', province, year);
      compute(
        'ED',
        `ln(${def.edPrices === 'real' ? 'RGDP' : 'gdp'} × 10^8 / (population × 10^4))`,
        [
          ['GDP', edGdp],
          ['population', get('population', province, year)],
        ],
        f.economicDevelopment,
      );
      compute(
        'ER',
        'pollution_investment / (industrial_va × 10^4)',
        [
          ['pollution_investment', get('pollution_investment', province, year)],
          ['industrial_va', get('industrial_va', province, year)],
        ],
        f.environmentalRegulation,
      );
      compute(
        'WF',
        `ln(${def.employment})`,
        [[def.employment, get(def.employment, province, year)]],
        f.labourForce,
      );
      compute(
        'IS',
        'tertiary_va / secondary_va',
        [
          ['tertiary_va', get('tertiary_va', province, year)],
          ['secondary_va', get('secondary_va', province, year)],
        ],
        f.industrialStructure,
      );

      firstAvailable(
        missing,
        province,
        year,
        'ECS',
        [
          ...def.ecs.map((choice) =>
            choice === 'coal-over-energy'
              ? {
                  label: 'coal_total / energy_total',
                  need: [
                    ['coal_total', get('coal_total', province, year)],
                    ['energy_total', get('energy_total', province, year)],
                  ] as [string, Got | undefined][],
                  fn: f.coalShare,
                }
              : choice === 'raw-coal-over-energy'
                ? {
                    label: `fuel_raw_coal × ${factors.fuels.fuels.raw_coal.standardCoal} kgce/kg / energy_total`,
                    need: [
                      ['fuel_raw_coal', get('fuel_raw_coal', province, year)],
                      ['energy_total', get('energy_total', province, year)],
                    ] as [string, Got | undefined][],
                    fn: (coal: number, energy: number) =>
                      f.coalShare(f.fuelStandardCoal(coal, factors.fuels.fuels.raw_coal), energy),
                  }
                : {
                    label: `${def.coalShare} (proxy)`,
                    need: [[def.coalShare, get(def.coalShare, province, year)]] as [
                      string,
                      Got | undefined,
                    ][],
                    fn: (x: number) => x,
                  },
          ),
        ],
        set,
      );

      const gdp = get('gdp', province, year);
      firstAvailable(
        missing,
        province,
        year,
        'OPEN',
        [
          ...def.openness.map((choice) =>
            choice === 'usd'
              ? {
                  label: 'trade_usd × cny_per_usd / (gdp × 100)',
                  need: [
                    ['trade_usd', get('trade_usd', province, year)],
                    ['cny_per_usd (CN)', get('cny_per_usd', 'CN', year)],
                    ['gdp', gdp],
                  ] as [string, Got | undefined][],
                  fn: f.opennessUsd,
                }
              : {
                  label: 'trade_cny / gdp',
                  need: [
                    ['trade_cny', get('trade_cny', province, year)],
                    ['gdp', gdp],
                  ] as [string, Got | undefined][],
                  fn: f.openness,
                },
          ),
        ],
        set,
      );

      const mar = get('marketization', province, year);
      if (mar) set('MAR', { value: mar.value, method: 'computed', inputs: [mar.ref], formula: 'NERI index' });
      else if (def.marketizationExtension === 'province-trend') {
        const v = f.trendExtension(marPoints, year);
        if (v !== undefined) {
          set('MAR', {
            value: v,
            method: 'extrapolated',
            inputs: marPoints.map((p) => `marketization|${cellKey(province, p.year)}`),
            formula: 'last published value + mean annual change × years since',
          });
        } else missing('MAR', `no marketization index for ${province} ${year} and nothing to extend`);
      } else missing('MAR', `no marketization index for ${province} ${year}`);

      const robot = get(def.robot.variable, province, year);
      if (robot)
        set('ROBOT', {
          value: robot.value,
          method: 'computed',
          inputs: [robot.ref],
          formula: def.robot.variable,
        });
      else if (robotIndustries.length) {
        const parts = robotIndustries.map((j) => ({
          j,
          own: get(`employment_ind_${j}`, province, def.robot.baseYear),
          national: get(`employment_ind_${j}`, 'CN', def.robot.baseYear),
          robots: get(`robots_${j}`, 'CN', year),
        }));
        const absent = parts.flatMap((p) => [
          ...(p.own ? [] : [`employment_ind_${p.j} ${province} ${def.robot.baseYear}`]),
          ...(p.national ? [] : [`employment_ind_${p.j} CN ${def.robot.baseYear}`]),
          ...(p.robots ? [] : [`robots_${p.j} CN ${year}`]),
        ]);
        if (absent.length) missing('ROBOT', `missing ${absent.join(', ')}`);
        else {
          const total = parts.reduce((s, p) => s + p.own!.value, 0);
          set('ROBOT', {
            value: f.robotExposure(
              parts.map((p) => ({
                share: p.own!.value / total,
                robots: p.robots!.value,
                nationalWorkers: p.national!.value,
              })),
            ),
            method: 'computed',
            inputs: parts.flatMap((p) => [p.own!.ref, p.national!.ref, p.robots!.ref]),
            formula: `Σ_j (L_pj/L_p)_${def.robot.baseYear} × R_jt / L_j,${def.robot.baseYear}`,
          });
        }
      } else if (def.robot.national) {
        // One-industry Bartik from national installations (formulas.robotExposure with one industry).
        const n = def.robot.national;
        const b = def.robot.baseYear;
        const own = get(n.industryEmployment, province, b);
        const base = get(n.shareOf, province, b);
        const all = panel.provinces.map((q) => [q, get(n.industryEmployment, q, b)] as const);
        const installed: Got[] = [];
        let first: number | undefined;
        for (let y = year; y >= from - 50; y--) {
          const i = get(n.installations, 'CN', y);
          if (!i) break;
          installed.push(i);
          first = y;
        }
        const absent = [
          ...(own ? [] : [`${n.industryEmployment} ${province} ${b}`]),
          ...(base ? [] : [`${n.shareOf} ${province} ${b}`]),
          ...all.filter(([, g]) => !g).map(([q]) => `${n.industryEmployment} ${q} ${b}`),
          ...(installed.length ? [] : [`${n.installations} CN ${year}`]),
        ];
        if (absent.length) missing('ROBOT', `missing ${absent.join(', ')}`);
        else {
          const nationalWorkers = all.reduce((sum, [, g]) => sum + g!.value, 0);
          set('ROBOT', {
            value: f.robotExposure([
              {
                share: own!.value / base!.value,
                robots: installed.reduce((sum, i) => sum + i.value, 0),
                nationalWorkers,
              },
            ]),
            method: 'computed',
            inputs: [own!.ref, base!.ref, ...all.map(([, g]) => g!.ref), ...installed.map((i) => i.ref)],
            formula:
              `(${n.industryEmployment}/${n.shareOf})_${b} × Σ ${n.installations} CN ${first}–${year} / ` +
              `Σ_provinces ${n.industryEmployment}_${b}: robots installed since ${first} per 10k industrial workers`,
          });
        }
      } else
        missing(
          'ROBOT',
          `no ${def.robot.variable} and no industry robot stocks (robots_<industry>) for ${province} ${year}`,
        );
    }
  }

  // Panel-wide: FRD per year's cross-section; the production function, then RE from year to year.
  const L = (p: string, y: number) => {
    const g = get(def.employment, p, y);
    return g && g.value > 0 ? g : undefined;
  };
  for (const year of years) {
    const units = panel.provinces.map((p) => ({
      p,
      Y: ind('RGDP', p, year),
      K: ind('K', p, year),
      L: L(p, year),
    }));
    const usable = units.filter((u) => u.Y && u.K && u.L);
    const frd = f.factorMisallocation(usable.map((u) => ({ Y: u.Y!.value, K: u.K!.value, L: u.L!.value })));
    const used = usable.flatMap((u) => [u.Y!.ref, u.K!.ref, u.L!.ref]);
    for (const u of units) {
      const i = usable.indexOf(u);
      const key = `FRD|${cellKey(u.p, year)}`;
      if (i >= 0)
        cells[key] = {
          value: frd[i].frd,
          method: 'computed',
          inputs: used,
          formula: `(|τ_K| + |τ_L|)/2 over the ${usable.length} provinces with RGDP, K and ${def.employment} in ${year}`,
        };
      else
        cells[key] = {
          value: null,
          method: 'computed',
          inputs: [],
          reason: `missing ${[!u.Y && 'RGDP', !u.K && 'K', !u.L && def.employment].filter(Boolean).join(', ')} for ${u.p} ${year}`,
        };
    }
  }

  const pfObs = panel.provinces.flatMap((p) =>
    years.flatMap((y) => {
      const [Y, K, Lg] = [ind('RGDP', p, y), ind('K', p, y), L(p, y)];
      return Y && K && Lg
        ? [{ province: p, lnY: Math.log(Y.value), lnK: Math.log(K.value), lnL: Math.log(Lg.value) }]
        : [];
    }),
  );
  const pf = f.productionFunction(pfObs);
  const productionFunction = pf ?? {
    reason: pfObs.length
      ? `the production function is not identified on ${pfObs.length} province-years (ln K and ln L collinear within provinces)`
      : `no province-year has RGDP, K and ${def.employment} together, so the production function cannot be estimated`,
  };
  for (const p of panel.provinces) {
    for (const year of years) {
      const key = `RE|${cellKey(p, year)}`;
      if (!pf) {
        cells[key] = {
          value: null,
          method: 'computed',
          inputs: [],
          reason: 'reason' in productionFunction ? productionFunction.reason : '',
        };
        continue;
      }
      const pts = [year - 1, year].map((y) => ({
        Y: ind('RGDP', p, y),
        K: ind('K', p, y),
        L: L(p, y),
        CI: ind('CI', p, y),
      }));
      const absent = pts.flatMap((q, i) =>
        (['Y', 'K', 'L', 'CI'] as const).filter((n) => !q[n]).map((n) => `${n} ${year - 1 + i}`),
      );
      if (absent.length) {
        cells[key] = {
          value: null,
          method: 'computed',
          inputs: [],
          reason:
            year === from
              ? `first year lost (growth needs ${year - 1}) for ${p}`
              : `missing ${absent.join(', ')} for ${p}`,
        };
        continue;
      }
      const point = (q: (typeof pts)[number]) => ({
        Y: q.Y!.value,
        K: q.K!.value,
        L: q.L!.value,
        CI: q.CI!.value,
      });
      const re = f.reboundEffect(point(pts[0]), point(pts[1]), pf.alpha, pf.beta);
      cells[key] =
        'value' in re
          ? {
              value: re.value,
              method: 'computed',
              inputs: pts.flatMap((q) => [q.Y!.ref, q.K!.ref, q.L!.ref, q.CI!.ref]),
              formula: `R/S with α = ${pf.alpha.toFixed(4)}, β = ${pf.beta.toFixed(4)}`,
            }
          : { value: null, method: 'computed', inputs: [], reason: `${re.reason} for ${p} ${year}` };
    }
  }

  markFilledInputs(cells, panel);

  const rows: IndicatorTable['rows'] = [];
  for (const province of panel.provinces) {
    for (const year of years) {
      const row: Record<string, number | string | null> = {
        province,
        year,
        region: provinceByCode(province)?.region ?? null,
      };
      for (const v of STUDY_VARIABLES) {
        const c = cells[`${v}|${cellKey(province, year)}`];
        row[v] = c && c.value !== null && Number.isFinite(c.value) ? c.value : null;
      }
      rows.push(row);
    }
  }
  return {
    variables: [...STUDY_VARIABLES],
    rows,
    cells,
    parameters: {
      productionFunction,
      factorTables: {
        fuels: `${factors.fuels.table} v${factors.fuels.version}`,
        capital: `${factors.capital.table} v${factors.capital.version}`,
      },
    },
  };
}

/** Propagates "computed from a filled cell" up the chains, so no filled input goes unflagged. */
function markFilledInputs(cells: Record<string, IndicatorCell>, panel: AssembledPanel) {
  const memo = new Map<string, string[]>();
  const filledOf = (ref: string): string[] => {
    const known = memo.get(ref);
    if (known) return known;
    memo.set(ref, []); // guards a cycle, which computeIndicators never builds
    const ic = cells[ref];
    let out: string[];
    if (ic) out = [...new Set(ic.inputs.flatMap(filledOf))];
    else {
      const [variable, cell] = ref.split('|');
      const pc = panel.variables[variable]?.cells[cell];
      out = pc && pc.method !== 'observed' ? [ref] : [];
    }
    memo.set(ref, out);
    return out;
  };
  for (const [ref, c] of Object.entries(cells)) {
    const filled = filledOf(ref);
    if (filled.length) c.filledInputs = filled;
  }
}

/** The first of several ways to form a variable whose inputs all exist; otherwise the reasons of each. */
function firstAvailable(
  missing: (name: string, reason: string) => void,
  province: string,
  year: number,
  name: string,
  options: { label: string; need: [string, Got | undefined][]; fn: (...v: number[]) => number }[],
  set: (name: string, cell: IndicatorCell) => void,
) {
  const reasons: string[] = [];
  for (const o of options) {
    const absent = o.need.filter(([, g]) => !g).map(([l]) => l);
    if (absent.length) {
      reasons.push(`${o.label}: missing ${absent.join(', ')}`);
      continue;
    }
    const got = o.need.map(([, g]) => g!);
    return set(name, {
      value: o.fn(...got.map((g) => g.value)),
      method: 'computed',
      inputs: got.map((g) => g.ref),
      formula: o.label,
    });
  }
  missing(name, `${reasons.join('; ')} (${province} ${year})`);
}

function co2Extension(
  panel: AssembledPanel,
  def: IndicatorDefinition,
  province: string,
  year: number,
  get: (v: string, p: string, y: number) => Got | undefined,
): IndicatorCell | undefined {
  let lastYear: number | undefined;
  for (const [key, c] of Object.entries(panel.variables[def.co2.primary]?.cells ?? {})) {
    if (!key.startsWith(`${province}/`) || c.method !== 'observed') continue;
    const y = Number(key.slice(province.length + 1));
    if (y < year && (lastYear === undefined || y > lastYear)) lastYear = y;
  }
  if (lastYear === undefined || !def.co2.extendWith) return undefined;
  const last = get(def.co2.primary, province, lastYear);
  const altLast = get(def.co2.extendWith, province, lastYear);
  const altNow = get(def.co2.extendWith, province, year);
  if (!last || !altLast || !altNow) return undefined;
  return {
    value: f.co2ByGrowth(last.value, altLast.value, altNow.value),
    method: 'extrapolated',
    inputs: [last.ref, altLast.ref, altNow.ref],
    formula: `${def.co2.primary} ${lastYear} × ${def.co2.extendWith} ${year} / ${def.co2.extendWith} ${lastYear}`,
  };
}

/** K for each year from the base year, with the investment and deflator cells behind each value. */
function capitalSeries(
  panel: AssembledPanel,
  def: IndicatorDefinition,
  province: string,
  delta: number,
  growthYears: number,
  lastYear: number,
): Map<number, { value: number; inputs: string[] } | { reason: string }> {
  const out = new Map<number, { value: number; inputs: string[] } | { reason: string }>();
  const real: number[] = [];
  const refs: string[] = [];
  const index = new Map<number, number>();
  for (let y = def.baseYear; y <= lastYear; y++) {
    const inv = panel.variables[def.capital.investment]?.cells[cellKey(province, y)];
    const idx =
      y > def.baseYear ? panel.variables[def.capital.deflator]?.cells[cellKey(province, y)] : undefined;
    if (!inv || (y > def.baseYear && !idx)) {
      const what = !inv ? def.capital.investment : def.capital.deflator;
      for (let z = y; z <= lastYear; z++) out.set(z, { reason: `missing ${what} for ${y}` });
      break;
    }
    if (idx) {
      index.set(y, idx.value);
      refs.push(`${def.capital.deflator}|${cellKey(province, y)}`);
    }
    refs.push(`${def.capital.investment}|${cellKey(province, y)}`);
    real.push(inv.value / f.chainedDeflator(index, def.baseYear, y)!);
  }
  const pim = f.perpetualInventory(real, delta, growthYears);
  if (!pim) {
    for (let y = def.baseYear; y <= lastYear; y++)
      if (!out.has(y))
        out.set(y, {
          reason: `real investment from ${def.baseYear} too short or shrinking to set the initial stock (needs ${growthYears + 1} years)`,
        });
    return out;
  }
  // The initial stock uses the first growthYears + 1 years; later years add their own investment.
  const initial = refs.filter((r) => Number(r.split('/')[1]) <= def.baseYear + growthYears);
  pim.stock.forEach((value, i) => {
    const y = def.baseYear + i;
    out.set(y, {
      value,
      inputs: [...new Set([...initial, ...refs.filter((r) => Number(r.split('/')[1]) <= y)])],
    });
  });
  return out;
}
