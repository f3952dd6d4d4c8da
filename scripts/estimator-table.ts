/**
 * Writes the estimator table of docs/estimate-spec.md from the registry (econometrics/registry.ts),
 * between the `estimators:begin` / `estimators:end` markers. A test fails when the file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { contractTable } from '../econometrics/registry';

const path = new URL('../docs/estimate-spec.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const begin = '<!-- estimators:begin (generated from econometrics/registry.ts) -->';
const end = '<!-- estimators:end -->';
const a = doc.indexOf(begin);
const b = doc.indexOf(end);
if (a < 0 || b < a) throw new Error(`docs/estimate-spec.md: markers ${begin} … ${end} not found`);
writeFileSync(path, `${doc.slice(0, a + begin.length)}\n${contractTable()}\n${doc.slice(b)}`);
