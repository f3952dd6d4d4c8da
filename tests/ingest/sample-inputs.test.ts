import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { ingestManifest, readManifest, type Observation } from '../../ingest';

const dir = join(PROJECT_ROOT, 'data', 'sample');

async function ingestAll(): Promise<Observation[]> {
  return (await ingestManifest(dir)).flatMap((f) => f.observations);
}

describe('the bundled sample inputs', () => {
  it('parse, with values and lineage that match the source files', async () => {
    const obs = await ingestAll();
    const find = (variable: string, province: string, year: number) =>
      obs.filter((o) => o.variable === variable && o.province === province && o.year === year);

    // Values read off the source files by hand (and their PROVENANCE anchors).
    const [co2] = find('co2_inventory', 'BJ', 2019);
    expect(co2.value).toBeCloseTo(89.1844836918383, 12);
    expect(co2.source).toMatchObject({
      file: 'real/ceads/Emission_Inventories_for_30_Provinces_2019.xlsx',
      sheet: 'Beijing2019',
      cell: 'W4',
    });
    expect(find('gdp', 'BJ', 2019)[0]).toMatchObject({ value: 37767.0, unit: '100 million CNY' });
    expect(find('gdp', 'BJ', 2019)[0].source.cell).toBe('line 5, column 7'); // 2024 … 2019 is the 6th year
    expect(find('energy_total', 'BJ', 2019)[0].value).toBe(7360);
    // co2.csv is in tonnes; the canonical unit is Mt.
    expect(find('co2_alternative', 'BJ', 2011)[0].unit).toBe('Mt CO2');
    // The source's 2015 trade gap stays a gap; NERI rows after 2019 (copies) are not read.
    expect(find('trade_cny', 'BJ', 2015)).toEqual([]);
    expect(find('marketization', 'BJ', 2020)).toEqual([]);
    // Tibet and national rows are dropped.
    // Every observation is for a study province or, for the national robot installations, CN.
    expect(new Set(obs.filter((o) => o.variable !== 'robot_installations').map((o) => o.province)).size).toBe(
      30,
    );
    expect(new Set(obs.filter((o) => o.variable === 'robot_installations').map((o) => o.province))).toEqual(
      new Set(['CN']),
    );
    // The synthetic patent export gives a count (zeros included) for every province-year, and a record
    // in several layers makes each layer count at most the total.
    const patents = obs.filter((o) => o.variable === 'patents_ai');
    expect(patents).toHaveLength(330);
    for (const p of patents)
      for (const layer of ['foundation', 'technology', 'application'])
        expect(find(`patents_ai_${layer}`, p.province, p.year)[0].value).toBeLessThanOrEqual(p.value);
    // The real series that replaced the synthetic workbooks of earlier samples.
    expect(find('tertiary_va', 'BJ', 2019)[0]).toMatchObject({
      value: 31839.7,
      source: { file: 'real/nbs/tertiary_va_5th_census.csv' },
    });
    expect(find('tertiary_va', 'BJ', 2011)).toEqual([]); // the series starts in 2012
    expect(find('gfcf', 'BJ', 2011)[0]).toMatchObject({ value: 5953.86, source: { cell: 'B64' } });
    expect(find('fai_price_index', 'BJ', 2019)[0].value).toBe(102.098);
    expect(find('robot_installations', 'CN', 2017)[0].value).toBe(156000);
    expect(find('patents_invention', 'BJ', 2011)[0].value).toBe(45057);
  });

  it('are real except the two series no public source has (AI patents, pollution-control investment)', async () => {
    const manifest = await readManifest(dir);
    expect(manifest.files.filter((f) => !f.real).map((f) => f.path)).toEqual([
      'synthetic/pollution_investment.csv',
      'synthetic/ai_patents_export.csv',
    ]);
    for (const f of manifest.files)
      expect(f.path.startsWith(f.real ? 'real/' : 'synthetic/'), f.path).toBe(true);
  });

  it('label every synthetic file as synthetic, inside the file and in the manifest', async () => {
    const manifest = await readManifest(dir);
    for (const f of manifest.files.filter((x) => !x.real)) {
      expect(f.source, f.path).toMatch(/^SYNTHETIC/);
      const head = f.path.endsWith('.xlsx')
        ? String(
            (await new ExcelJS.Workbook().xlsx.readFile(join(dir, f.path))).getWorksheet(1)!.getCell('A1')
              .value,
          )
        : (await readFile(join(dir, f.path), 'utf8')).slice(0, 40);
      expect(head, f.path).toMatch(/SYNTHETIC DATA/);
    }
  });
});
