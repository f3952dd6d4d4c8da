/**
 * The yearbook table layouts, as declarations for ingest/yearbook.ts. Each names the table as the
 * yearbook prints it (Chinese title; the English edition's bilingual headers match too). Adding a
 * table is one entry here.
 */
import type { Layout } from '../layout';
import { parseYearbook, type YearbookTable } from '../yearbook';

const REGION = /^(地区|省份|省市|region|地区region|省份province)$/i;

/** China Statistical Yearbook (CSY), China Energy Statistical Yearbook (CESY), environment yearbook. */
export const YEARBOOK_TABLES: YearbookTable[] = [
  {
    id: 'csy-gdp',
    description: 'CSY 地区生产总值 by region, a column per year',
    provinceHeader: REGION,
    columns: { kind: 'years', variable: 'gdp' },
  },
  {
    id: 'csy-gdp-index',
    description: 'CSY 地区生产总值指数 (上年=100) by region, a column per year',
    provinceHeader: REGION,
    columns: { kind: 'years', variable: 'gdp_index' },
    unit: '上年=100',
  },
  {
    id: 'csy-population',
    description: 'CSY 年末常住人口 by region, a column per year',
    provinceHeader: REGION,
    columns: { kind: 'years', variable: 'population' },
  },
  {
    id: 'csy-employment',
    description: 'CSY 就业人员 by region, a column per year',
    provinceHeader: REGION,
    columns: { kind: 'years', variable: 'employment' },
  },
  {
    id: 'csy-tertiary-va',
    description: 'CSY 第三产业增加值 by region, a column per year',
    provinceHeader: REGION,
    columns: { kind: 'years', variable: 'tertiary_va' },
  },
  {
    id: 'csy-gfcf',
    description: 'CSY 固定资本形成总额 by region, a column per year',
    provinceHeader: REGION,
    columns: { kind: 'years', variable: 'gfcf' },
  },
  {
    id: 'csy-fai-price-index',
    description: 'CSY 固定资产投资价格指数 (上年=100) by region, a column per year',
    provinceHeader: REGION,
    columns: { kind: 'years', variable: 'fai_price_index' },
    unit: '上年=100',
  },
  {
    id: 'csy-trade',
    description: 'CSY 按境内目的地和货源地分货物进出口总额 (one year), imports plus exports',
    provinceHeader: REGION,
    columns: {
      kind: 'items',
      items: [{ header: /^(进出口总额|进出口|totalimportsandexports)/i, variable: 'trade_usd' }],
    },
  },
  {
    id: 'csy-value-added',
    description: 'CSY 地区生产总值和指数 (one year): GDP and value added by sector',
    provinceHeader: REGION,
    columns: {
      kind: 'items',
      items: [
        { header: /^(地区生产总值|grossregionalproduct)/i, variable: 'gdp' },
        { header: /^(第二产业|secondaryindustry)/i, variable: 'secondary_va' },
        { header: /^(第三产业|tertiaryindustry)/i, variable: 'tertiary_va' },
        { header: /(^|\|)(工业|industry)($|\||[(（])/i, variable: 'industrial_va' },
      ],
    },
  },
  {
    id: 'csy-investment',
    description: 'CSY 资本形成 by region (one year): gross fixed capital formation and its price index',
    provinceHeader: REGION,
    columns: {
      kind: 'items',
      items: [
        { header: /^(固定资本形成总额|grossfixedcapitalformation)/i, variable: 'gfcf' },
        { header: /(固定资产投资价格指数|priceindex)/i, variable: 'fai_price_index', unit: '上年=100' },
      ],
    },
  },
  {
    id: 'cesy-energy-total',
    description: 'CESY 地区能源消费总量 by region, a column per year',
    provinceHeader: REGION,
    columns: { kind: 'years', variable: 'energy_total' },
  },
  {
    id: 'cesy-fuel-consumption',
    description:
      'CESY 分地区能源消费量 by fuel (one year, physical units; from the provincial balance tables)',
    provinceHeader: REGION,
    columns: {
      kind: 'items',
      items: [
        { header: /^(原煤|煤炭|rawcoal|coal)/i, variable: 'fuel_raw_coal' },
        { header: /^(焦炭|coke)/i, variable: 'fuel_coke' },
        { header: /^(原油|crudeoil)/i, variable: 'fuel_crude_oil' },
        { header: /^(汽油|gasoline)/i, variable: 'fuel_gasoline' },
        { header: /^(煤油|kerosene)/i, variable: 'fuel_kerosene' },
        { header: /^(柴油|diesel)/i, variable: 'fuel_diesel' },
        { header: /^(燃料油|fueloil)/i, variable: 'fuel_fuel_oil' },
        { header: /^(天然气|naturalgas)/i, variable: 'fuel_natural_gas' },
      ],
    },
  },
  {
    id: 'env-pollution-investment',
    description: '环境统计年鉴 工业污染治理完成投资 by region (one year)',
    provinceHeader: REGION,
    columns: {
      kind: 'items',
      items: [
        {
          header: /^(工业污染治理完成投资|工业污染治理投资|investmentinindustrialpollution)/i,
          variable: 'pollution_investment',
        },
      ],
    },
  },
];

export const yearbookLayouts: Layout[] = YEARBOOK_TABLES.map((table) => ({
  id: table.id,
  description: table.description,
  parse: (ctx) => parseYearbook(table, ctx),
}));
