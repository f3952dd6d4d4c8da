import { describe, expect, it } from 'vitest';
import { assemble, conversionFactor, declaredUnit, harmoniseUnit } from '../../assembly';
import type { Observation } from '../../ingest/observation';

const o = (variable: string, value: number, unit: string): Observation => ({
  province: 'GD',
  year: 2019,
  variable,
  value,
  unit,
  method: 'observed',
  source: { file: 'yearbook.xlsx', sha256: 'h', sheet: 'T3-1', cell: 'C7' },
});

describe('unit harmonisation', () => {
  it('converts money, energy, emissions, persons and shares to the canonical units', () => {
    // 1,234,500 万元 = 1.2345e6 × 1e4 CNY = 1.2345e10 CNY = 123.45 亿元.
    expect(harmoniseUnit(o('gdp', 1234500, '万元')).value).toBeCloseTo(123.45, 10);
    // 45,000,000 t CO2 = 45 Mt.
    expect(harmoniseUnit(o('co2_inventory', 45e6, 't CO2'))).toMatchObject({ value: 45, unit: 'Mt CO2' });
    // 12,600,000 persons = 1,260 万人.
    expect(harmoniseUnit(o('population', 12.6e6, '人')).value).toBeCloseTo(1260, 9);
    // 23.5 % = 0.235.
    expect(harmoniseUnit(o('coal_share_final', 23.5, '%')).value).toBeCloseTo(0.235, 12);
    // 1,250,000 千美元 = 1.25e9 USD = 1,250 million USD.
    expect(harmoniseUnit(o('trade_usd', 1.25e6, '千美元')).value).toBeCloseTo(1250, 9);
  });

  it('converts fuel consumption to 10k t and natural gas to 100 million m3', () => {
    expect(declaredUnit('fuel_raw_coal')).toBe('10k t');
    expect(declaredUnit('fuel_natural_gas')).toBe('100 million m3');
    // 3,000,000 t = 300 万吨.
    expect(harmoniseUnit(o('fuel_raw_coal', 3e6, 't'))).toMatchObject({ value: 300, unit: '10k t' });
    // 2,500 million m3 = 25 亿立方米.
    expect(harmoniseUnit(o('fuel_natural_gas', 2500, 'million m3'))).toMatchObject({
      value: 25,
      unit: '100 million m3',
    });
  });

  it('leaves a value already in its canonical unit as it is', () => {
    const obs = o('energy_total', 31000, '10k tce');
    expect(harmoniseUnit(obs)).toBe(obs);
    expect(conversionFactor('trade_usd', 'million USD', 'x')).toEqual({ unit: 'million USD', factor: 1 });
  });

  it('refuses an undeclared unit, naming the cell, the variable and what it expected', () => {
    expect(() => harmoniseUnit(o('gdp', 1, 'USD'))).toThrow(
      'yearbook.xlsx!T3-1!C7 (gdp, GD 2019): unknown unit "USD" for gdp (expected a unit convertible to 100 million CNY',
    );
    // Gas in tonnes is a mass, not a volume: no factor turns one into the other.
    expect(() => harmoniseUnit(o('fuel_natural_gas', 1, 't'))).toThrow(
      'yearbook.xlsx!T3-1!C7 (fuel_natural_gas, GD 2019): unknown unit "t" for fuel_natural_gas (expected a unit convertible to 100 million m3: 100 million m3, 亿立方米, million m3, 10k m3, 万立方米)',
    );
  });

  it('assembles two sources in different units into one canonical series without a conflict', () => {
    // 54,009.6 亿元 from one source, 540,096,000 万元 from another: the same value.
    const panel = assemble(
      [o('gdp', 54009.6, '亿元'), { ...o('gdp', 540096000, '万元'), source: { file: 'b.csv', sha256: 'b' } }],
      {
        years: [2019, 2019],
        interpolation: 'none',
        tolerance: 1e-12,
      },
    );
    expect(panel.variables.gdp.cells['GD/2019'].value).toBeCloseTo(54009.6, 9);
    expect(panel.conflicts).toEqual([]);
  });
});
