/**
 * The parts of a publish that are rendered from estimations, each a function of content keys: a
 * table (its layout, CSV, LaTeX and HTML) of the keys of its columns' estimations, their failures and
 * their bases; a step's tidy rows and its entry of results.json of its estimation's key; the report's
 * spatial section of the keys of the columns estimated with a weight matrix (the Moran, SAR and SDM
 * steps its chart and maps draw). Every key also carries the publish code version and the study.
 *
 * A part whose key is in the render cache is taken from it; only the estimations of the parts it
 * lacks are loaded, and those parts rendered and stored. Without a cache (or without the steps' keys)
 * every part is rendered, by the same functions, so a reused part is the bytes a full render gives.
 * What belongs to the run alone (its id, provenance and DAG, the panel, coverage and banner) is not a
 * part: the caller renders it every time.
 */
import { createHash } from 'node:crypto';
import type { Study } from '../study';
import type { ColumnBasis } from './basis';
import { tableCsv, tidyStepRows } from './csv';
import { tableLayout, type FailedStep, type PublishedStep, type TableLayout } from './layout';
import { latexTable } from './latex';
import { spatialMaps } from './maps';
import { partKey, type RenderCache } from './render-cache';
import { spatialHtml, tableHtml } from './report';

/** A step of the run by reference: its ids and the content key of its stored result. */
export interface StepRef {
  stepId: string;
  tableId: string;
  columnId: string;
  key: string;
}

/** A run's estimations as publishing reads them: every step by reference, its results on demand. */
export interface StoredSteps {
  /** In the order the results are published (results.json, estimates.csv). */
  refs: StepRef[];
  load(stepIds: string[]): Promise<PublishedStep[]>;
}

export interface RenderedParts {
  layouts: TableLayout[];
  csv: string[];
  latex: string[];
  html: string[];
  /** The report's spatial section (publish/report.ts spatialHtml). */
  spatial: string;
  /** Each step's entry of results.json (`JSON.stringify(step, null, 2)`), in the steps' order. */
  json: string[];
  /** Each step's rows of estimates.csv, in the steps' order. */
  tidy: string[];
  /** The steps whose results were loaded, to render the parts the cache lacked. */
  loaded: string[];
}

interface TablePart {
  layout: TableLayout;
  csv: string;
  latex: string;
  html: string;
}

// JSON keeps numbers exactly but not NaN, ±Infinity or -0: those travel as {"$n": "…"}.
const encode = (_: string, v: unknown) =>
  typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { $n: String(v) } : v;
const decode = (_: string, v: unknown) =>
  v !== null && typeof v === 'object' && Object.keys(v).length === 1 && '$n' in v
    ? Number((v as { $n: string }).$n === '-0' ? -0 : (v as { $n: string }).$n)
    : v;

export async function renderParts(args: {
  study: Study;
  steps: PublishedStep[] | StoredSteps;
  failures?: FailedStep[];
  bases?: ColumnBasis[];
  cache?: RenderCache;
  /** The publish code version: without it, nothing is taken from or stored in the cache. */
  code?: string;
}): Promise<RenderedParts> {
  const { study, failures = [], bases = [] } = args;
  const given = Array.isArray(args.steps) ? args.steps : undefined;
  const refs: (Omit<StepRef, 'key'> & { key?: string })[] = given
    ? given.map(({ stepId, tableId, columnId }) => ({ stepId, tableId, columnId }))
    : (args.steps as StoredSteps).refs;
  const load = given
    ? async (ids: string[]) => given.filter((s) => ids.includes(s.stepId))
    : (args.steps as StoredSteps).load;
  const cache = args.code !== undefined ? args.cache : undefined;
  const studyDigest = cache ? createHash('sha256').update(JSON.stringify(study)).digest('hex') : '';
  const refOf = new Map(refs.map((r) => [r.stepId, r]));
  const failureOf = new Map(failures.map((f) => [f.stepId, f.message]));
  const keyed = (parts: unknown[], keys: (string | undefined)[]) =>
    cache && keys.every((k) => k !== undefined) ? partKey(args.code, studyDigest, ...parts) : undefined;

  const tableKeys = study.tables.map((t) => {
    const columns = t.columns.map((c) => refOf.get(`${t.id}/${c.id}`));
    return keyed(
      [
        'table',
        t.id,
        t.columns.map((c, i) => [c.id, columns[i]?.key ?? null, failureOf.get(`${t.id}/${c.id}`) ?? null]),
        bases.filter((b) => b.tableId === t.id),
      ],
      columns.map((r) => (r ? r.key : '')),
    );
  });
  const stepKeys = refs.map((r) => keyed(['step', r.stepId, r.tableId, r.columnId, r.key], [r.key]));
  const weighted = new Set(
    study.tables.flatMap((t) => t.columns.filter((c) => c.weights).map((c) => `${t.id}/${c.id}`)),
  );
  const spatialRefs = refs.filter((r) => weighted.has(r.stepId));
  const spatialKey = keyed(
    ['spatial', spatialRefs.map((r) => [r.stepId, r.key])],
    spatialRefs.map((r) => r.key),
  );

  const read = (key: string | undefined) => (key && cache ? cache.get(key) : Promise.resolve(undefined));
  const [tableTexts, stepTexts, spatialText] = await Promise.all([
    Promise.all(tableKeys.map(read)),
    Promise.all(stepKeys.map(read)),
    read(spatialKey),
  ]);
  const tables: (TablePart | undefined)[] = tableTexts.map((t) =>
    t ? JSON.parse(t, t.includes('"$n"') ? decode : undefined) : undefined,
  );
  const steps: ({ json: string; tidy: string } | undefined)[] = stepTexts.map((t) =>
    t ? JSON.parse(t) : undefined,
  );

  // The results the missing parts are rendered from, loaded in one go.
  const needed = new Set<string>();
  study.tables.forEach((t, i) => {
    if (!tables[i])
      for (const c of t.columns) if (refOf.has(`${t.id}/${c.id}`)) needed.add(`${t.id}/${c.id}`);
  });
  refs.forEach((r, i) => !steps[i] && needed.add(r.stepId));
  if (spatialText === undefined) for (const r of spatialRefs) needed.add(r.stepId);
  const ids = refs.map((r) => r.stepId).filter((id) => needed.has(id));
  const loaded = ids.length ? await load(ids) : [];
  const byId = new Map(loaded.map((s) => [s.stepId, s]));

  const writes: Promise<void>[] = [];
  const store = (key: string | undefined, text: string) => {
    if (key && cache) writes.push(cache.put(key, text));
  };
  study.tables.forEach((t, i) => {
    if (tables[i]) return;
    const layout = tableLayout(t, loaded, study, failures, bases);
    const part = { layout, csv: tableCsv(layout), latex: latexTable(layout), html: tableHtml(layout) };
    tables[i] = part;
    store(tableKeys[i], JSON.stringify(part, encode));
  });
  refs.forEach((r, i) => {
    if (steps[i]) return;
    const step = byId.get(r.stepId);
    if (!step) throw new Error(`publish: the result of step ${r.stepId} could not be loaded`);
    steps[i] = { json: JSON.stringify(step, null, 2), tidy: tidyStepRows(step, study) };
    store(stepKeys[i], JSON.stringify(steps[i]));
  });
  let spatial = spatialText;
  if (spatial === undefined) {
    const spatialSteps = spatialRefs.map((r) => byId.get(r.stepId)!);
    const maps = spatialMaps(study, spatialSteps);
    spatial = spatialHtml(study, spatialSteps, {
      lisa: maps.lisa,
      effects: maps.effects,
      mapNotes: maps.notes,
    });
    store(spatialKey, spatial);
  }
  await Promise.all(writes);
  const done = tables as TablePart[];
  return {
    layouts: done.map((t) => t.layout),
    csv: done.map((t) => t.csv),
    latex: done.map((t) => t.latex),
    html: done.map((t) => t.html),
    spatial,
    json: steps.map((s) => s!.json),
    tidy: steps.map((s) => s!.tidy),
    loaded: ids,
  };
}

/** `JSON.stringify({ run, steps, failures }, null, 2)` with each step's entry given as its own rendering. */
export function resultsJson(run: unknown, steps: string[], failures: unknown): string {
  const indent = (text: string, pad: string) => text.replaceAll('\n', `\n${pad}`);
  const list = steps.length ? `[\n${steps.map((s) => `    ${indent(s, '    ')}`).join(',\n')}\n  ]` : '[]';
  return `{\n  "run": ${indent(JSON.stringify(run, null, 2), '  ')},\n  "steps": ${list},\n  "failures": ${indent(JSON.stringify(failures, null, 2), '  ')}\n}`;
}
