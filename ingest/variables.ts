/**
 * Raw input variables the study reads from its sources, with the canonical unit each is stored in.
 * Parsers convert to these units (see assembly/units.ts for the conversion table); indicators read them.
 */
export interface RawVariable {
  name: string;
  unit: string;
  description: string;
}

export const RAW_VARIABLES: RawVariable[] = [
  { name: 'gdp', unit: '100 million CNY', description: 'nominal gross regional product' },
  { name: 'gdp_index', unit: 'previous year = 100', description: 'GDP index at constant prices' },
  { name: 'population', unit: '10k persons', description: 'year-end resident population' },
  { name: 'employment', unit: '10k persons', description: 'employed persons (or the named proxy)' },
  {
    name: 'employment_urban_units',
    unit: '10k persons',
    description: 'employment in urban units (城镇单位就业人员)',
  },
  { name: 'trade_usd', unit: 'million USD', description: 'imports plus exports of goods' },
  { name: 'trade_cny', unit: '100 million CNY', description: 'imports plus exports of goods, in CNY' },
  { name: 'cny_per_usd', unit: 'CNY per USD', description: 'annual mean exchange rate (province CN)' },
  { name: 'secondary_va', unit: '100 million CNY', description: 'secondary-sector value added' },
  { name: 'tertiary_va', unit: '100 million CNY', description: 'tertiary-sector value added' },
  { name: 'industrial_va', unit: '100 million CNY', description: 'industrial value added' },
  { name: 'energy_total', unit: '10k tce', description: 'total energy consumption' },
  { name: 'coal_total', unit: '10k tce', description: 'coal consumption in standard coal' },
  {
    name: 'coal_share_final',
    unit: 'share',
    description: 'coal share of final (end-use) energy consumption, a proxy for ECS where total is missing',
  },
  { name: 'co2_inventory', unit: 'Mt CO2', description: 'published CO2 inventory total (CEADs)' },
  {
    name: 'co2_alternative',
    unit: 'Mt CO2',
    description: 'a second CO2 inventory (other method), used only to extend the first by its growth',
  },
  {
    name: 'pollution_investment',
    unit: '10k CNY',
    description: 'industrial pollution-control investment completed',
  },
  { name: 'gfcf', unit: '100 million CNY', description: 'gross fixed capital formation' },
  { name: 'fai_price_index', unit: 'previous year = 100', description: 'fixed-asset investment price index' },
  {
    name: 'fai_growth',
    unit: 'growth rate',
    description:
      'fixed-asset investment completed, growth on the previous year (extends GFCF past its last year)',
  },
  {
    name: 'retail_price_index',
    unit: 'previous year = 100',
    description: 'retail price index (the substitute for the FAI price index after 2019)',
  },
  {
    name: 'employment_industry',
    unit: '10k persons',
    description:
      'average employment of industrial enterprises above designated size (ROBOT exposure weights)',
  },
  { name: 'marketization', unit: 'index', description: 'NERI marketization index, total score' },
  { name: 'patents_ai', unit: 'count', description: 'AI patent applications (any branch, counted once)' },
  { name: 'patents_ai_foundation', unit: 'count', description: 'AI patents, foundation layer' },
  { name: 'patents_ai_technology', unit: 'count', description: 'AI patents, technology layer' },
  { name: 'patents_ai_application', unit: 'count', description: 'AI patents, application layer' },
  { name: 'robot_exposure', unit: 'robots per 10k workers', description: 'Bartik industrial-robot exposure' },
  {
    name: 'robot_installations',
    unit: 'count',
    description: 'industrial robots installed in the year (IFR), national level (province CN)',
  },
  {
    name: 'patents_invention',
    unit: 'count',
    description: 'domestic invention-patent applications accepted, all technologies (NBS): a proxy for AIT',
  },
];

/** Fuel consumption in physical units, for CO2 by the IPCC reference method: `fuel_<fuel>`. */
export const FUELS = [
  'raw_coal',
  'coke',
  'crude_oil',
  'gasoline',
  'kerosene',
  'diesel',
  'fuel_oil',
  'natural_gas',
] as const;
export type Fuel = (typeof FUELS)[number];
