import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { TableLayout } from './layout';

const fmt = (v: number | null, digits = 4) => (v === null ? '' : v.toFixed(digits));

/** One CSV per table in the paper's layout (stars, SEs in parentheses); returns the paths written. */
export async function writeCsvTables(dir: string, tables: TableLayout[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const t of tables) {
    const records = [
      ['', ...t.columns],
      ...t.rows.map((r) => [
        r.label,
        ...r.cells.map((c) =>
          c.kind === 'coef'
            ? `${fmt(c.value)}${c.stars ?? ''}`
            : c.kind === 'se'
              ? c.value === null
                ? ''
                : `(${fmt(c.value)})`
              : fmt(c.value, Number.isInteger(c.value) ? 0 : 4),
        ),
      ]),
    ];
    const path = join(dir, `${t.id}.csv`);
    await writeFile(path, stringify(records));
    paths.push(path);
  }
  return paths;
}
