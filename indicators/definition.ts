/**
 * Every choice behind the indicators, as parameters of the study definition (never constants in
 * code). Defaults follow STUDY.md; where the sample inputs lack a variable, the proxy used is named.
 * Constants (emission factors, depreciation) are data tables in data/factors/, named here by file.
 */
import { z } from 'zod';

export const indicatorDefinitionSchema = z.strictObject({
  /** Prices of real GDP (the base year of the GDP index chain) and of the capital stock. */
  baseYear: z.number().int().default(2011),
  /** The constant tables used (file names in data/factors/; a new version is a new file). */
  factors: z
    .strictObject({
      fuels: z.string().default('fuels-v1.json'),
      capital: z.string().default('capital-v1.json'),
    })
    .prefault({}),
  co2: z
    .strictObject({
      /** The published inventory (CEADs), in Mt CO2. */
      primary: z.string().default('co2_inventory'),
      /**
       * A second inventory used only past the primary's last year, by its growth from that year
       * (CO2_t = primary_last × alt_t / alt_last): a documented level adjustment, not a splice of levels.
       */
      extendWith: z.string().nullable().default('co2_alternative'),
      /** Order of preference: the inventory, then CO2 computed from fuel consumption (`fuel_<fuel>`). */
      order: z
        .array(z.enum(['inventory', 'fuels']))
        .min(1)
        .default(['inventory', 'fuels']),
      /** Oxidation rates for CO2 from fuels: IPCC default (1) or the China-specific CEADs rates. */
      oxidation: z.enum(['ipcc', 'ceads']).default('ipcc'),
    })
    .prefault({}),
  /**
   * AIT = ln(1 + this count): AI patent applications by default; a study may name a proxy (e.g. the
   * NBS invention-patent applications `patents_invention`), which its variables must then label.
   */
  ait: z.string().default('patents_ai'),
  /** AIT1–AIT3 = ln(1 + these counts): the foundation, technology and application layers; null: none. */
  aitLayers: z
    .tuple([z.string(), z.string(), z.string()])
    .nullable()
    .default(['patents_ai_foundation', 'patents_ai_technology', 'patents_ai_application']),
  /** ED: GDP per capita at base-year prices (`real`) or current prices (`nominal`). */
  edPrices: z.enum(['real', 'nominal']).default('real'),
  /** WF: the employment variable (total employed persons when available; urban-unit employment is the proxy). */
  employment: z.string().default('employment_urban_units'),
  /** ECS proxy: a coal-share variable used where coal_total / energy_total cannot be formed. */
  coalShare: z.string().default('coal_share_final'),
  /**
   * ECS, in order of preference: coal_total / energy_total; raw-coal consumption (fuel_raw_coal, 10k t)
   * in standard coal by the fuel table's factor over energy_total; then the share variable above.
   */
  ecs: z
    .array(z.enum(['coal-over-energy', 'raw-coal-over-energy', 'share-variable']))
    .min(1)
    .default(['coal-over-energy', 'raw-coal-over-energy', 'share-variable']),
  /** OPEN, in order of preference: trade_usd × cny_per_usd (province CN) / GDP, then trade_cny / GDP. */
  openness: z
    .array(z.enum(['usd', 'cny']))
    .min(1)
    .default(['usd', 'cny']),
  /** MAR past the index's last published year: the province's mean annual change, flagged extrapolated. */
  marketizationExtension: z.enum(['province-trend', 'none']).default('province-trend'),
  capital: z
    .strictObject({
      /** Nominal investment (100 million CNY) and its price index (previous year = 100). */
      investment: z.string().default('gfcf'),
      deflator: z.string().default('fai_price_index'),
      /** Overrides the depreciation rate of the capital table (which cites its source). */
      depreciation: z.number().gt(0).lt(1).optional(),
    })
    .prefault({}),
  robot: z
    .strictObject({
      /**
       * ROBOT as a ready variable (robots per 10k workers); when absent, the Bartik sum is formed from
       * `employment_ind_<j>` (province and CN, base year) and `robots_<j>` (CN, each year).
       */
      variable: z.string().default('robot_exposure'),
      baseYear: z.number().int().default(2010),
      /**
       * A one-industry approximation when robots by industry are not available: the province's
       * industrial employment per `shareOf` (both in the base year) × the national stock of robots
       * installed since the installations series starts (IFR: all still within their 12-year service
       * life to 2022) per industrial worker of the 30 provinces in the base year.
       */
      national: z
        .strictObject({
          installations: z.string().default('robot_installations'),
          industryEmployment: z.string().default('employment_industry'),
          shareOf: z.string().default('population'),
        })
        .optional(),
    })
    .prefault({}),
});

export type IndicatorDefinition = z.infer<typeof indicatorDefinitionSchema>;
export const DEFAULT_INDICATORS: IndicatorDefinition = indicatorDefinitionSchema.parse({});
