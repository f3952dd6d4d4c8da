/**
 * The study variables as declarations (STUDY.md, "Variables" and "Indicators"): each names the cells
 * it needs at one province and year and the formula on their values (formulas.ts), in order of
 * preference when there are several ways to form it, and says why a cell is missing when none works.
 * The one evaluator (evaluate.ts) resolves the needs, keeps the lineage and writes the table; every
 * choice comes from the study's definition (definition.ts), every constant from the factor tables.
 */
import type { AssembledPanel } from '../assembly/panel';
import { FUELS } from '../ingest/variables';
import type { IndicatorCell, IndicatorParameters } from './cells';
import type { IndicatorDefinition } from './definition';
import type { FactorTables } from './factors';
import * as f from './formulas';

/** One input of a way: a cell of the assembled panel or of another study variable. */
export interface Need {
  source: 'assembled' | 'indicator';
  variable: string;
  province: string;
  year: number;
  /** How a missing input is named in the reason. */
  label: string;
  /** Usable only when > 0 (the labour input of FRD and the production function). */
  positive?: true;
}

/** One way to form a cell: its inputs and the formula on their values (in the order of `needs`). */
export interface Way {
  /** Recorded with the value (the formula or the definition choice). */
  formula: string;
  method?: 'extrapolated';
  needs: Need[];
  /** The value, or why these inputs give none. */
  value: (v: number[]) => number | { reason: string };
}

/** A way that does not apply to this cell, and why (recorded as the reason when nothing else works). */
export interface NoWay {
  unavailable: string;
}

/** Why one way gave nothing: inputs absent, or a reason of its own. */
export interface Failure {
  way: Way | NoWay;
  absent: Need[];
  reason?: string;
}

export interface CellAt {
  province: string;
  year: number;
}

/** What a declaration may read besides its own cell. */
export interface EvaluationContext {
  def: IndicatorDefinition;
  factors: FactorTables;
  panel: AssembledPanel;
  /** The study years. */
  years: number[];
  /** A need's value; undefined unless the cell exists, an indicator's value is finite, positive when asked. */
  value(need: Need): number | undefined;
  has(need: Need): boolean;
  /** Another study variable's cell (its value or its reason); undefined outside the panel. */
  cell(variable: string, province: string, year: number): IndicatorCell | undefined;
  /** A panel-wide quantity computed once per evaluation (the production function). */
  once<T>(key: string, make: () => T): T;
}

export interface IndicatorDeclaration {
  name: string;
  /** What it measures, in which unit. */
  about: string;
  ways: (at: CellAt, ctx: EvaluationContext) => (Way | NoWay)[];
  /** The reason recorded when no way gives a value. */
  missing: (failures: Failure[], at: CellAt, ctx: EvaluationContext) => string;
}

const assembled = (
  variable: string,
  at: CellAt,
  options: { province?: string; year?: number; label?: string; positive?: true } = {},
): Need => ({
  source: 'assembled',
  variable,
  province: options.province ?? at.province,
  year: options.year ?? at.year,
  label: options.label ?? variable,
  ...(options.positive ? { positive: true as const } : {}),
});

const indicator = (variable: string, at: CellAt, options: { year?: number; label?: string } = {}): Need => ({
  source: 'indicator',
  variable,
  province: at.province,
  year: options.year ?? at.year,
  label: options.label ?? variable,
});

const labels = (failure: Failure) => failure.absent.map((n) => n.label).join(', ');

/** `missing a, b for BJ 2012` (or the way's own reason): the reason of a variable with one way. */
const inputsMissing = (failures: Failure[], at: CellAt) =>
  failures[0].reason ?? `missing ${labels(failures[0])} for ${at.province} ${at.year}`;

/** `way: missing a; other way: missing b (BJ 2012)`: why each alternative failed. */
const noAlternative = (failures: Failure[], at: CellAt) =>
  `${failures.map((x) => `${'formula' in x.way ? x.way.formula : x.way.unavailable}: missing ${labels(x)}`).join('; ')} (${at.province} ${at.year})`;

/**
 * The observed years of an assembled variable, by province, in the panel's order: read off its cells
 * once per evaluation (a scan of every cell for each province-year made the evaluation quadratic).
 */
const observedByProvince = (ctx: EvaluationContext, variable: string) =>
  ctx.once(`observed years of ${variable}`, () => {
    const out = new Map<string, number[]>();
    for (const [key, c] of Object.entries(ctx.panel.variables[variable]?.cells ?? {})) {
      if (c.method !== 'observed') continue;
      const slash = key.indexOf('/');
      const province = key.slice(0, slash);
      const list = out.get(province);
      const year = Number(key.slice(slash + 1));
      if (list) list.push(year);
      else out.set(province, [year]);
    }
    return out;
  });

/** The last observed year of an assembled variable before `year`, for one province. */
function lastObservedBefore(ctx: EvaluationContext, variable: string, province: string, year: number) {
  let last: number | undefined;
  for (const y of observedByProvince(ctx, variable).get(province) ?? [])
    if (y < year && (last === undefined || y > last)) last = y;
  return last;
}

/** The observed years of an assembled variable for one province, in the panel's order. */
const observedYears = (ctx: EvaluationContext, variable: string, province: string) =>
  observedByProvince(ctx, variable).get(province) ?? [];

const yearsBetween = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

const CO2_FUEL: IndicatorDeclaration = {
  name: 'CO2_FUEL',
  about: 'CO2 from fuel consumption (IPCC reference method), Mt; shown beside the inventory',
  ways: (at, { def, factors, has }) => {
    const needs = FUELS.map((fuel) => assembled(`fuel_${fuel}`, at));
    if (!needs.some(has))
      return [{ unavailable: `no fuel consumption (fuel_<fuel>) for ${at.province} ${at.year}` }];
    return [
      {
        formula: `Σ E × NCV × CC × O(${def.co2.oxidation}) × 44/12, factors ${factors.fuels.table} v${factors.fuels.version}`,
        needs,
        value: (v) =>
          FUELS.reduce((s, fuel, i) => {
            const factor = factors.fuels.fuels[fuel];
            return s + f.fuelCo2(v[i], factor, factor.oxidation[def.co2.oxidation] ?? NaN);
          }, 0),
      },
    ];
  },
  missing: inputsMissing,
};

const CO2: IndicatorDeclaration = {
  name: 'CO2',
  about: 'CO2 emissions, Mt: the inventory, extended past its last year by a second inventory, or from fuels',
  ways: (at, ctx) => {
    const { def } = ctx;
    return def.co2.order.flatMap((choice): (Way | NoWay)[] => {
      if (choice === 'fuels')
        return [
          {
            formula: 'CO2 from fuel consumption',
            needs: [indicator('CO2_FUEL', at)],
            value: ([v]) => v,
          },
        ];
      const inventory: Way = {
        formula: `inventory ${def.co2.primary}`,
        needs: [assembled(def.co2.primary, at)],
        value: ([v]) => v,
      };
      const alt = def.co2.extendWith;
      const last = alt ? lastObservedBefore(ctx, def.co2.primary, at.province, at.year) : undefined;
      if (!alt || last === undefined) return [inventory];
      return [
        inventory,
        {
          formula: `${def.co2.primary} ${last} × ${alt} ${at.year} / ${alt} ${last}`,
          method: 'extrapolated',
          needs: [
            assembled(def.co2.primary, at, { year: last }),
            assembled(alt, at, { year: last }),
            assembled(alt, at),
          ],
          value: ([primaryLast, altLast, altNow]) => f.co2ByGrowth(primaryLast, altLast, altNow),
        },
      ];
    });
  },
  missing: (_, at, { def, cell }) =>
    `${def.co2.order
      .map((choice) =>
        choice === 'inventory'
          ? `no ${def.co2.primary}${def.co2.extendWith ? ` and no ${def.co2.extendWith} growth to extend it` : ''}`
          : (cell('CO2_FUEL', at.province, at.year)?.reason ?? 'no CO2 from fuels'),
      )
      .join('; ')} for ${at.province} ${at.year}`,
};

const RGDP: IndicatorDeclaration = {
  name: 'RGDP',
  about: 'real GDP at base-year prices, 100 million CNY: base-year GDP chained with the GDP index',
  ways: (at, { def }) =>
    at.year < def.baseYear
      ? [{ unavailable: '' }]
      : [
          {
            formula: `gdp ${def.baseYear} × Π gdp_index/100`,
            needs: [
              assembled('gdp', at, { year: def.baseYear }),
              ...yearsBetween(def.baseYear + 1, at.year).map((y) => assembled('gdp_index', at, { year: y })),
            ],
            value: ([base, ...index]) =>
              f.realGdpChain(
                base,
                new Map(index.map((v, i) => [def.baseYear + 1 + i, v])),
                def.baseYear,
                at.year,
              )!,
          },
        ],
  missing: (_, at, { def }) =>
    `missing gdp ${def.baseYear} or a gdp_index year up to ${at.year} for ${at.province}`,
};

/** The depreciation rate: the definition's override, else the capital table's. */
const depreciation = (ctx: EvaluationContext) =>
  ctx.def.capital.depreciation ?? ctx.factors.capital.depreciation;

const K: IndicatorDeclaration = {
  name: 'K',
  about: 'capital stock at base-year prices, 100 million CNY, by perpetual inventory',
  ways: (at, ctx) => {
    const { def, factors } = ctx;
    const { investment, deflator } = def.capital;
    const growthYears = factors.capital.initialGrowthYears;
    const tooShort = `real investment from ${def.baseYear} too short or shrinking to set the initial stock (needs ${growthYears + 1} years)`;
    if (at.year < def.baseYear) return [{ unavailable: `no capital stock for ${at.year}` }];
    // The initial stock uses the first growthYears + 1 years; later years add their own investment.
    const through = Math.max(at.year, def.baseYear + growthYears);
    const last = ctx.years[ctx.years.length - 1];
    const series = yearsBetween(def.baseYear, Math.min(through, last));
    const needs = series.flatMap((y) => [
      ...(y > def.baseYear ? [assembled(deflator, at, { year: y })] : []),
      assembled(investment, at, { year: y }),
    ]);
    if (through > last && needs.every(ctx.has)) return [{ unavailable: tooShort }];
    return [
      {
        formula: `perpetual inventory, δ = ${depreciation(ctx)}`,
        needs,
        value: (v) => {
          const index = new Map<number, number>();
          const real = series.map((y, i) => {
            // needs: investment of the base year, then deflator and investment of each later year
            if (y > def.baseYear) index.set(y, v[2 * i - 1]);
            return v[2 * i] / f.chainedDeflator(index, def.baseYear, y)!;
          });
          const pim = f.perpetualInventory(real, depreciation(ctx), growthYears);
          return pim ? pim.stock[at.year - def.baseYear] : { reason: tooShort };
        },
      },
    ];
  },
  // The first year without investment (or its deflator) ends the series: later years name it; earlier
  // ones lack only the years the initial stock needs.
  missing: ([failure], at, { def, factors }) => {
    const first = failure.absent[0];
    const reason =
      failure.reason ??
      (first.year <= at.year
        ? `missing ${failure.absent.some((n) => n.year === first.year && n.variable === def.capital.investment) ? def.capital.investment : first.variable} for ${first.year}`
        : `real investment from ${def.baseYear} too short or shrinking to set the initial stock (needs ${factors.capital.initialGrowthYears + 1} years)`);
    return `${reason} (${at.province})`;
  },
};

const CI: IndicatorDeclaration = {
  name: 'CI',
  about: 'carbon intensity, t CO2 per 10,000 CNY of real GDP',
  ways: (at) => [
    {
      formula: 'CO2 × 10^6 / (RGDP × 10^4)',
      needs: [indicator('CO2', at), indicator('RGDP', at)],
      value: ([co2, rgdp]) => f.carbonIntensity(co2, rgdp),
    },
  ],
  missing: inputsMissing,
};

const AIT: IndicatorDeclaration = {
  name: 'AIT',
  about: 'AI technology innovation: ln(1 + AI patent applications), or the study proxy',
  ways: (at, { def }) => [
    { formula: `ln(1 + ${def.ait})`, needs: [assembled(def.ait, at)], value: ([n]) => f.logOnePlus(n) },
  ],
  missing: inputsMissing,
};

/** The layers of Table 1; a proxy without layers (indicators.aitLayers null) leaves them missing. */
const aitLayer = (name: string, layer: 0 | 1 | 2, about: string): IndicatorDeclaration => ({
  name,
  about,
  ways: (at, { def }) => {
    const variable = def.aitLayers?.[layer];
    if (!variable)
      return [{ unavailable: `the AIT count ${def.ait} has no AI layers (indicators.aitLayers is null)` }];
    return [
      { formula: `ln(1 + ${variable})`, needs: [assembled(variable, at)], value: ([n]) => f.logOnePlus(n) },
    ];
  },
  missing: inputsMissing,
});

const EE: IndicatorDeclaration = {
  name: 'EE',
  about: 'energy efficiency, 10,000 CNY of real GDP per tce',
  ways: (at) => [
    {
      formula: 'RGDP / energy_total',
      needs: [indicator('RGDP', at), assembled('energy_total', at)],
      value: ([gdp, energy]) => f.energyEfficiency(gdp, energy),
    },
  ],
  missing: inputsMissing,
};

const ED: IndicatorDeclaration = {
  name: 'ED',
  about: 'economic development: ln GDP per person, CNY (real or current prices, as the study chooses)',
  ways: (at, { def }) => [
    {
      formula: `ln(${def.edPrices === 'real' ? 'RGDP' : 'gdp'} × 10^8 / (population × 10^4))`,
      needs: [
        def.edPrices === 'real'
          ? indicator('RGDP', at, { label: 'GDP' })
          : assembled('gdp', at, { label: 'GDP' }),
        assembled('population', at),
      ],
      value: ([gdp, population]) => f.economicDevelopment(gdp, population),
    },
  ],
  missing: inputsMissing,
};

const ER: IndicatorDeclaration = {
  name: 'ER',
  about: 'environmental regulation: pollution-control investment per unit of industrial value added',
  ways: (at) => [
    {
      formula: 'pollution_investment / (industrial_va × 10^4)',
      needs: [assembled('pollution_investment', at), assembled('industrial_va', at)],
      value: ([investment, va]) => f.environmentalRegulation(investment, va),
    },
  ],
  missing: inputsMissing,
};

const ECS: IndicatorDeclaration = {
  name: 'ECS',
  about: 'energy consumption structure: coal over total energy',
  ways: (at, { def, factors }) =>
    def.ecs.map((choice): Way => {
      if (choice === 'coal-over-energy')
        return {
          formula: 'coal_total / energy_total',
          needs: [assembled('coal_total', at), assembled('energy_total', at)],
          value: ([coal, energy]) => f.coalShare(coal, energy),
        };
      if (choice === 'raw-coal-over-energy') {
        const rawCoal = factors.fuels.fuels.raw_coal;
        return {
          formula: `fuel_raw_coal × ${rawCoal.standardCoal} kgce/kg / energy_total`,
          needs: [assembled('fuel_raw_coal', at), assembled('energy_total', at)],
          value: ([coal, energy]) => f.coalShare(f.fuelStandardCoal(coal, rawCoal), energy),
        };
      }
      return {
        formula: `${def.coalShare} (proxy)`,
        needs: [assembled(def.coalShare, at)],
        value: ([x]) => x,
      };
    }),
  missing: noAlternative,
};

const WF: IndicatorDeclaration = {
  name: 'WF',
  about: 'labour force: ln employment (10k persons)',
  ways: (at, { def }) => [
    {
      formula: `ln(${def.employment})`,
      needs: [assembled(def.employment, at)],
      value: ([n]) => f.labourForce(n),
    },
  ],
  missing: inputsMissing,
};

const OPEN: IndicatorDeclaration = {
  name: 'OPEN',
  about: 'openness: imports plus exports over GDP',
  ways: (at, { def }) =>
    def.openness.map((choice): Way =>
      choice === 'usd'
        ? {
            formula: 'trade_usd × cny_per_usd / (gdp × 100)',
            needs: [
              assembled('trade_usd', at),
              assembled('cny_per_usd', at, { province: 'CN', label: 'cny_per_usd (CN)' }),
              assembled('gdp', at),
            ],
            value: ([trade, rate, gdp]) => f.opennessUsd(trade, rate, gdp),
          }
        : {
            formula: 'trade_cny / gdp',
            needs: [assembled('trade_cny', at), assembled('gdp', at)],
            value: ([trade, gdp]) => f.openness(trade, gdp),
          },
    ),
  missing: noAlternative,
};

const IS: IndicatorDeclaration = {
  name: 'IS',
  about: 'industrial structure: tertiary over secondary value added',
  ways: (at) => [
    {
      formula: 'tertiary_va / secondary_va',
      needs: [assembled('tertiary_va', at), assembled('secondary_va', at)],
      value: ([tertiary, secondary]) => f.industrialStructure(tertiary, secondary),
    },
  ],
  missing: inputsMissing,
};

const MAR: IndicatorDeclaration = {
  name: 'MAR',
  about: 'marketization (NERI index), extended past its last year by the province trend when the study asks',
  ways: (at, ctx) => {
    const { def } = ctx;
    const published: Way = {
      formula: 'NERI index',
      needs: [assembled('marketization', at)],
      value: ([v]) => v,
    };
    if (def.marketizationExtension !== 'province-trend') return [published];
    const years = observedYears(ctx, 'marketization', at.province);
    return [
      published,
      {
        formula: 'last published value + mean annual change × years since',
        method: 'extrapolated',
        needs: years.map((year) => assembled('marketization', at, { year })),
        value: (v) =>
          f.trendExtension(
            years.map((year, i) => ({ year, value: v[i] })),
            at.year,
          ) ?? { reason: 'nothing to extend' },
      },
    ];
  },
  missing: (failures, at) =>
    `no marketization index for ${at.province} ${at.year}${failures.length > 1 ? ' and nothing to extend' : ''}`,
};

const ROBOT: IndicatorDeclaration = {
  name: 'ROBOT',
  about: 'industrial robot exposure (Bartik): robots per 10k workers',
  ways: (at, { def, panel, has }) => {
    const ready: Way = {
      formula: def.robot.variable,
      needs: [assembled(def.robot.variable, at)],
      value: ([v]) => v,
    };
    const b = def.robot.baseYear;
    const industries = Object.keys(panel.variables)
      .filter((v) => v.startsWith('robots_'))
      .map((v) => v.slice('robots_'.length));
    if (industries.length) {
      const part = (j: string) => [
        assembled(`employment_ind_${j}`, at, { year: b, label: `employment_ind_${j} ${at.province} ${b}` }),
        assembled(`employment_ind_${j}`, at, {
          province: 'CN',
          year: b,
          label: `employment_ind_${j} CN ${b}`,
        }),
        assembled(`robots_${j}`, at, { province: 'CN', label: `robots_${j} CN ${at.year}` }),
      ];
      return [
        ready,
        {
          formula: `Σ_j (L_pj/L_p)_${b} × R_jt / L_j,${b}`,
          needs: industries.flatMap(part),
          value: (v) => {
            const own = industries.map((_, i) => v[3 * i]);
            const total = own.reduce((s, x) => s + x, 0);
            return f.robotExposure(
              industries.map((_, i) => ({
                share: own[i] / total,
                robots: v[3 * i + 2],
                nationalWorkers: v[3 * i + 1],
              })),
            );
          },
        },
      ];
    }
    const n = def.robot.national;
    if (!n) return [ready];
    // One-industry Bartik from national installations (formulas.robotExposure with one industry):
    // the installations from this year back to the series' first year.
    const installed: Need[] = [];
    for (let y = at.year; y >= panel.years[0] - 50; y--) {
      const need = assembled(n.installations, at, {
        province: 'CN',
        year: y,
        label: `${n.installations} CN ${y}`,
      });
      if (!has(need)) break;
      installed.push(need);
    }
    const first = installed.length ? installed[installed.length - 1].year : undefined;
    const provinces = panel.provinces;
    return [
      ready,
      {
        formula:
          `(${n.industryEmployment}/${n.shareOf})_${b} × Σ ${n.installations} CN ${first}–${at.year} / ` +
          `Σ_provinces ${n.industryEmployment}_${b}: robots installed since ${first} per 10k industrial workers`,
        needs: [
          assembled(n.industryEmployment, at, {
            year: b,
            label: `${n.industryEmployment} ${at.province} ${b}`,
          }),
          assembled(n.shareOf, at, { year: b, label: `${n.shareOf} ${at.province} ${b}` }),
          ...provinces.map((q) =>
            assembled(n.industryEmployment, at, {
              province: q,
              year: b,
              label: `${n.industryEmployment} ${q} ${b}`,
            }),
          ),
          ...(installed.length
            ? installed
            : [
                assembled(n.installations, at, { province: 'CN', label: `${n.installations} CN ${at.year}` }),
              ]),
        ],
        value: ([own, base, ...rest]) => {
          const nationalWorkers = rest.slice(0, provinces.length).reduce((s, x) => s + x, 0);
          const robots = rest.slice(provinces.length).reduce((s, x) => s + x, 0);
          return f.robotExposure([{ share: own / base, robots, nationalWorkers }]);
        },
      },
    ];
  },
  missing: (failures, at, { def }) =>
    failures.length > 1
      ? `missing ${labels(failures[failures.length - 1])}`
      : `no ${def.robot.variable} and no industry robot stocks (robots_<industry>) for ${at.province} ${at.year}`,
};

/** The inputs of FRD and of the production function at one province and year (labour > 0). */
const factorInputs = (
  at: CellAt,
  def: IndicatorDefinition,
  year = at.year,
  label?: (n: string) => string,
) => [
  indicator('RGDP', at, { year, label: label?.('Y') ?? 'RGDP' }),
  indicator('K', at, { year, label: label?.('K') ?? 'K' }),
  assembled(def.employment, at, { year, label: label?.('L') ?? def.employment, positive: true }),
];

const FRD: IndicatorDeclaration = {
  name: 'FRD',
  about: 'factor misallocation (Chen & Hu 2011) over each year’s cross-section of provinces',
  ways: (at, { def, panel, has }) => {
    const usable = panel.provinces.filter((p) =>
      factorInputs({ province: p, year: at.year }, def).every(has),
    );
    const i = usable.indexOf(at.province);
    // Without its own inputs a province is outside the cross-section: the reason names them.
    if (i < 0)
      return [{ formula: 'FRD', needs: factorInputs(at, def), value: () => ({ reason: 'unreachable' }) }];
    return [
      {
        formula: `(|τ_K| + |τ_L|)/2 over the ${usable.length} provinces with RGDP, K and ${def.employment} in ${at.year}`,
        needs: usable.flatMap((p) => factorInputs({ province: p, year: at.year }, def)),
        value: (v) =>
          f.factorMisallocation(usable.map((_, u) => ({ Y: v[3 * u], K: v[3 * u + 1], L: v[3 * u + 2] })))[i]
            .frd,
      },
    ];
  },
  missing: inputsMissing,
};

/** ln Y = α ln K + β ln L + μ_p over every province-year with Y, K and L (formulas.productionFunction). */
export function productionFunction(ctx: EvaluationContext): IndicatorParameters['productionFunction'] {
  return ctx.once('productionFunction', () => {
    const obs = ctx.panel.provinces.flatMap((province) =>
      ctx.years.flatMap((year) => {
        const [Y, K, L] = factorInputs({ province, year }, ctx.def).map(ctx.value);
        if (Y === undefined || K === undefined || L === undefined) return [];
        return [{ province, lnY: Math.log(Y), lnK: Math.log(K), lnL: Math.log(L) }];
      }),
    );
    return (
      f.productionFunction(obs) ?? {
        reason: obs.length
          ? `the production function is not identified on ${obs.length} province-years (ln K and ln L collinear within provinces)`
          : `no province-year has RGDP, K and ${ctx.def.employment} together, so the production function cannot be estimated`,
      }
    );
  });
}

const RE: IndicatorDeclaration = {
  name: 'RE',
  about: 'rebound effect (Zhou & Lin 2007 on carbon intensity) from year to year',
  ways: (at, ctx) => {
    const pf = productionFunction(ctx);
    if ('reason' in pf) return [{ unavailable: pf.reason }];
    const point = (year: number) => [
      ...factorInputs(at, ctx.def, year, (n) => `${n} ${year}`),
      indicator('CI', at, { year, label: `CI ${year}` }),
    ];
    return [
      {
        formula: `R/S with α = ${pf.alpha.toFixed(4)}, β = ${pf.beta.toFixed(4)}`,
        needs: [...point(at.year - 1), ...point(at.year)],
        value: ([Y0, K0, L0, CI0, Y1, K1, L1, CI1]) => {
          const re = f.reboundEffect(
            { Y: Y0, K: K0, L: L0, CI: CI0 },
            { Y: Y1, K: K1, L: L1, CI: CI1 },
            pf.alpha,
            pf.beta,
          );
          return 'value' in re ? re.value : { reason: `${re.reason} for ${at.province} ${at.year}` };
        },
      },
    ];
  },
  missing: ([failure], at, { years }) =>
    failure.reason ??
    (at.year === years[0]
      ? `first year lost (growth needs ${at.year - 1}) for ${at.province}`
      : `missing ${labels(failure)} for ${at.province}`),
};

/** The study variables, in the order of the table's columns. */
export const CATALOGUE: readonly IndicatorDeclaration[] = [
  CO2,
  CO2_FUEL,
  RGDP,
  K,
  CI,
  AIT,
  aitLayer('AIT1', 0, 'AI foundation layer: ln(1 + foundation-layer AI patents)'),
  aitLayer('AIT2', 1, 'AI technology layer: ln(1 + technology-layer AI patents)'),
  aitLayer('AIT3', 2, 'AI application layer: ln(1 + application-layer AI patents)'),
  EE,
  ED,
  ER,
  ECS,
  WF,
  OPEN,
  IS,
  MAR,
  ROBOT,
  FRD,
  RE,
];

export const STUDY_VARIABLES = CATALOGUE.map((d) => d.name);

/** What the table records of the panel-wide estimates and constant tables behind its values. */
export const tableParameters = (ctx: EvaluationContext): IndicatorParameters => ({
  productionFunction: productionFunction(ctx),
  factorTables: {
    fuels: `${ctx.factors.fuels.table} v${ctx.factors.fuels.version}`,
    capital: `${ctx.factors.capital.table} v${ctx.factors.capital.version}`,
  },
});
