/** Loads reference/golden/linear.json and the fixtures its cases name. */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Panel } from '../../panel';
import type { CoefficientRow } from '../../econometrics/result';

export interface GoldenCase {
  name: string;
  data: string;
  spec: Record<string, unknown>;
  nobs: number | null;
  ngroups?: number;
  montecarlo?: boolean;
  coefficients: CoefficientRow[];
  statistics: Record<string, number>;
}

const root = new URL('../../', import.meta.url);

export function goldenCases(file = 'linear'): GoldenCase[] {
  const json = JSON.parse(readFileSync(new URL(`reference/golden/${file}.json`, root), 'utf8')) as {
    cases: GoldenCase[];
  };
  return json.cases;
}

const INDEX: Record<string, { entity: string; time: string }> = {
  grunfeld: { entity: 'firm', time: 'year' },
  grunfeld_unbalanced: { entity: 'firm', time: 'year' },
  provinces30: { entity: 'province', time: 'year' },
};

const cache = new Map<string, Panel>();

export function fixturePanel(name: string): Panel {
  let p = cache.get(name);
  if (!p) {
    const rows = parse(readFileSync(new URL(`tests/fixtures/${name}.csv`, root)), {
      columns: true,
    }) as Record<string, string>[];
    p = Panel.fromRows(rows, { ...INDEX[name], source: `${name}.csv` });
    cache.set(name, p);
  }
  return p;
}

/** |a − b| ≤ tol·max(|b|, floor): relative, with an absolute floor for values near zero (p-values). */
export function relClose(actual: number, expected: number, tol = 1e-6, floor = 1e-12): boolean {
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= tol * Math.max(Math.abs(expected), floor);
}
