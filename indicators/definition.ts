/**
 * Every choice behind the indicators, as parameters of the study definition (never constants in
 * code). Defaults follow STUDY.md; where the sample inputs lack a variable, the proxy used is named.
 */
import { z } from 'zod';

export const indicatorDefinitionSchema = z.strictObject({
  /** Prices of real GDP (the base year of the GDP index chain). */
  baseYear: z.number().int().default(2011),
  co2: z
    .strictObject({
      /** The published inventory (CEADs), in Mt CO2. */
      primary: z.string().default('co2_inventory'),
      /**
       * A second inventory used only past the primary's last year, by its growth from that year
       * (CO2_t = primary_last × alt_t / alt_last): a documented level adjustment, not a splice of levels.
       */
      extendWith: z.string().nullable().default('co2_alternative'),
    })
    .prefault({}),
  /** ED: GDP per capita at base-year prices (`real`) or current prices (`nominal`). */
  edPrices: z.enum(['real', 'nominal']).default('real'),
  /** WF: the employment variable (total employed persons when available; urban-unit employment is the proxy). */
  employment: z.string().default('employment_urban_units'),
  /** ECS: coal share variable (the sample has the coal share of final consumption as a proxy). */
  coalShare: z.string().default('coal_share_final'),
  /** MAR past the index's last published year: the province's mean annual change, flagged extrapolated. */
  marketizationExtension: z.enum(['province-trend', 'none']).default('province-trend'),
});

export type IndicatorDefinition = z.infer<typeof indicatorDefinitionSchema>;
export const DEFAULT_INDICATORS: IndicatorDefinition = indicatorDefinitionSchema.parse({});
