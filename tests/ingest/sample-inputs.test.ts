import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { ingestFile, readManifest, type Observation } from '../../ingest';

const dir = join(PROJECT_ROOT, 'data', 'sample');

async function ingestAll(): Promise<Observation[]> {
  const manifest = await readManifest(dir);
  const all: Observation[] = [];
  for (const f of manifest.files) {
    const r = await ingestFile(join(dir, f.path), f.layout, { name: f.path, options: f.options });
    all.push(...r.observations);
  }
  return all;
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
    // Every observation is for a study province; Tibet and national rows are dropped.
    expect(new Set(obs.map((o) => o.province)).size).toBe(30);
    // The synthetic patent export gives a count (zeros included) for every province-year, and a record
    // in several layers makes each layer count at most the total.
    const patents = obs.filter((o) => o.variable === 'patents_ai');
    expect(patents).toHaveLength(330);
    for (const p of patents)
      for (const layer of ['foundation', 'technology', 'application'])
        expect(find(`patents_ai_${layer}`, p.province, p.year)[0].value).toBeLessThanOrEqual(p.value);
    // The synthetic yearbook workbooks: every province-year, with the cell it came from.
    for (const v of ['tertiary_va', 'employment', 'gfcf', 'fai_price_index', 'robot_exposure'])
      expect(
        obs.filter((o) => o.variable === v),
        v,
      ).toHaveLength(330);
    expect(find('tertiary_va', 'BJ', 2011)[0].source).toMatchObject({ sheet: 'SYNTHETIC', cell: 'B4' });
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
