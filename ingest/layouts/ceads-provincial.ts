/**
 * CEADs provincial emission inventories (`Emission_Inventories_for_30_Provinces_YYYY.xlsx`): one sheet
 * per province named `<Province><Year>`, fuels across, the first data row the province total. The
 * total column is `Scope_1_Total` (2016 on) or `Scope 1 Total` (earlier); the total row is
 * `TotalEmissions` or `Total Consumption`. Values are Mt CO2.
 */
import type ExcelJS from 'exceljs';
import { InputError } from '../../common/errors';
import type { Layout } from '../layout';
import type { Observation } from '../observation';
import { studyProvince } from '../province-cell';
import { valueNumber } from '../number-cell';
import { openWorkbook } from '../workbook';

const norm = (v: unknown) =>
  String(v ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

export const ceadsProvincial: Layout = {
  id: 'ceads-provincial',
  description: 'CEADs provincial CO2 inventory workbook (sheet per province, Scope 1 total in Mt CO2)',
  async parse(ctx) {
    const wb = await openWorkbook(ctx);
    const out: Observation[] = [];
    const sheets = wb.worksheets.filter((ws) => ws.name !== 'NOTE');
    if (sheets.length === 0)
      throw new InputError(`${ctx.name}: no province sheets (expected e.g. Beijing2019)`, ctx.name);
    for (const [i, ws] of sheets.entries()) {
      const where = `${ctx.name}!${ws.name}`;
      const m = /^(.*?)(\d{4})$/.exec(ws.name.trim());
      if (!m)
        throw new InputError(`${where}: sheet name should be <Province><Year>, e.g. Beijing2019`, where);
      const province = studyProvince(m[1].replace(/([a-z])([A-Z])/g, '$1 $2'), where);
      if (!province) continue;
      const year = Number(m[2]);
      const header = ws.getRow(1);
      let totalCol = 0;
      header.eachCell((cell, col) => {
        if (norm(cell.value) === 'scope1total') totalCol = col;
      });
      if (!totalCol)
        throw new InputError(`${where}!1:1: no "Scope 1 Total" column in the header row`, `${where}!1:1`);
      let totalRow = 0;
      for (let r = 2; r <= Math.min(ws.rowCount, 10); r++) {
        const label = norm(ws.getRow(r).getCell(1).value);
        if (label === 'totalemissions' || label === 'totalconsumption') {
          totalRow = r;
          break;
        }
      }
      if (!totalRow) throw new InputError(`${where}: no TotalEmissions row in rows 2–10 of column A`, where);
      const unit = String(ws.getRow(2).getCell(totalCol).value ?? '').trim();
      const cell = ws.getRow(totalRow).getCell(totalCol);
      const address = `${where}!${cell.address}`;
      if (unit && unit !== 'Mt CO2')
        throw new InputError(`${address}: unit "${unit}", expected "Mt CO2"`, address);
      const value = cellNumber(cell, address);
      if (value === undefined) throw new InputError(`${address}: empty total, expected Mt CO2`, address);
      out.push({
        province,
        year,
        variable: 'co2_inventory',
        value,
        unit: 'Mt CO2',
        method: 'observed',
        source: { file: ctx.name, sha256: ctx.sha256, sheet: ws.name, cell: cell.address },
      });
      ctx.onProgress?.(i + 1, sheets.length);
    }
    return out;
  },
};

/** A numeric cell by the strict-value rule (ingest/number-cell.ts); undefined when empty. */
export function cellNumber(cell: ExcelJS.Cell, address: string): number | undefined {
  return valueNumber(cell.value, address);
}
