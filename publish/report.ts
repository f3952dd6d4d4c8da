/**
 * The offline HTML report: one self-contained file (inline CSS and SVG, no script, no network; a
 * Content-Security-Policy forbids any load) with every table, the study's figures, Moran's I by year,
 * tile-grid maps of LISA clusters and spatial effects, the data coverage and the run's provenance.
 */
import { dagSvg } from './dag';
import { writeFile } from 'node:fs/promises';
import type { Study, StudyFigure } from '../study';
import { sampleSubset } from '../study';
import { cellText, studyLayouts, type FailedStep, type PublishedStep, type TableLayout } from './layout';
import type { LocalMoranRow } from '../econometrics/result';
import { proxyLines, type ColumnBasis } from './basis';
import { provenanceRows, type ConflictLine, type CoverageLine, type RunMetadata } from './run';
import {
  escapeHtml as esc,
  fittedLine,
  GROUP_COLOURS,
  lineChartSvg,
  scatterSvg,
  tileMapSvg,
  type ScatterPoint,
  valueFill,
} from './svg';
import type { PanelRow } from '../panel';

export interface LisaMap {
  title: string;
  rows: LocalMoranRow[];
}

export interface ProvinceValue {
  province: string;
  value: number;
}

export interface EffectsMap {
  title: string;
  values: ProvinceValue[];
}

export interface ReportInput {
  run: RunMetadata;
  study: Study;
  steps: PublishedStep[];
  /** Steps that failed, with the reason shown under their table. */
  failures?: FailedStep[];
  /** The estimation panel: `province`, `year`, `region` and the study variables. */
  rows: PanelRow[];
  /** The study variables' coverage after the indicator step. */
  coverage: CoverageLine[];
  /** The assembled series' coverage (before the indicator step), shown after the study variables'. */
  assembledCoverage?: CoverageLine[];
  /** When any input is synthetic: what the results rest on, shown at the top (publish/basis.ts). */
  banner?: string;
  /** What each table column rests on, named in the tables' notes. */
  bases?: ColumnBasis[];
  /** Cells the sources disagreed on, with the value kept and why (shown under the coverage). */
  conflicts?: ConflictLine[];
  /** LISA cluster maps (e.g. CI and AIT in the last year under W1). */
  lisa?: LisaMap[];
  /** Province-level spatial effects (e.g. the SDM total effect of AIT on each province). */
  effects?: EffectsMap[];
  /** Why a map is missing (shown under the maps). */
  mapNotes?: string[];
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0 4px}th,td{padding:2px 10px;text-align:center}
td:first-child,th:first-child{text-align:left}
table.paper thead tr:first-child th{border-top:2px solid #000}table.paper thead tr:last-child th{border-bottom:1px solid #000}
table.paper tbody tr:last-child td{border-bottom:2px solid #000}tr.se td{color:#555;font-size:12px}
tr.indicator td,tr.stat td{font-size:13px}tr.pvalues td{color:#666;font-size:11px}p.notes{font-size:12px;color:#444;margin-top:2px}
table.plain td,table.plain th{border:1px solid #ddd;text-align:left}.empty{color:#888;font-style:italic}
div.banner{background:#fff3cd;border:2px solid #c0392b;color:#7a1c10;padding:10px 14px;margin:12px 0;font-weight:600}
nav ul{columns:3}code{font-size:12px}figure{margin:12px 0}figcaption{font-size:13px;color:#444}
`;

/** One table of the report: its caption, the paper layout and its notes. */
export function tableHtml(t: TableLayout): string {
  const head = t.headers
    .map((labels, h) => {
      const cells: string[] = [];
      for (let i = 0; i < labels.length;) {
        let j = i + 1;
        while (h < t.headers.length - 1 && j < labels.length && labels[j] === labels[i]) j++;
        cells.push(`<th${j - i > 1 ? ` colspan="${j - i}"` : ''}>${esc(labels[i])}</th>`);
        i = j;
      }
      return `<tr><th>${esc(t.stubs[h] ?? '')}</th>${cells.join('')}</tr>`;
    })
    .join('');
  const body = t.rows
    .map(
      (r) =>
        `<tr class="${r.role}"><td>${esc(r.label)}</td>${r.cells.map((c) => `<td>${esc(cellText(c))}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<section id="${esc(t.id)}"><h3>${esc(t.title)}</h3><table class="paper" data-table="${esc(t.id)}"><thead>${head}</thead><tbody>${body}</tbody></table>${t.notes.map((n) => `<p class="notes">${esc(n)}</p>`).join('')}</section>`;
}

function figureHtml(figure: StudyFigure, study: Study, rows: PanelRow[]): string {
  const subset = sampleSubset(study, figure.sample);
  const points: ScatterPoint[] = [];
  for (const r of rows) {
    if (subset && !subset.values.includes(r[subset.by] as string)) continue;
    const x = r[figure.x];
    const y = r[figure.y];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y))
      continue;
    points.push({
      x,
      y,
      group: String(r.region ?? ''),
      label: `${r.province} ${r.year}: ${figure.x} ${x}, ${figure.y} ${y}`,
    });
  }
  const line = figure.fit ? fittedLine(points) : undefined;
  const caption = `${figure.y} against ${figure.x}, ${points.length} province-years (sample: ${figure.sample})${
    line
      ? `; fitted line ${figure.y} = ${line.intercept.toFixed(3)} ${line.slope < 0 ? '−' : '+'} ${Math.abs(line.slope).toFixed(3)}·${figure.x}`
      : ''
  }.`;
  return `<figure id="${esc(figure.id)}"><h3>${esc(figure.title)}</h3>${scatterSvg(points, { x: figure.x, y: figure.y }, figure.fit)}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function moranHtml(study: Study, steps: PublishedStep[]): string {
  const withMoran = steps.filter((s) => s.result.moran?.some((m) => m.time !== 'pooled'));
  if (withMoran.length === 0) return '<p class="empty">No Moran\'s I results in this run.</p>';
  const labelOf = (s: PublishedStep) => {
    const col = study.tables.find((t) => t.id === s.tableId)?.columns.find((c) => c.id === s.columnId);
    return `${col?.spec.y ?? s.columnId}${col?.weights ? ` (${col.weights})` : ''}`;
  };
  const series = withMoran.map((s) => ({
    name: labelOf(s),
    points: (s.result.moran ?? [])
      .filter((m): m is typeof m & { time: number } => m.time !== 'pooled')
      .map((m) => ({ x: m.time, y: m.I, significant: m.p_value < 0.05 })),
  }));
  return `<figure id="moran-by-year">${lineChartSvg(series, { x: 'Year', y: "Global Moran's I" })}<figcaption>Global Moran's I by year; filled markers are significant at 5 %.</figcaption></figure>`;
}

const CLUSTERS: Record<LocalMoranRow['cluster'], { fill: string; short: string }> = {
  'High-High': { fill: '#d7191c', short: 'HH' },
  'Low-Low': { fill: '#2c7bb6', short: 'LL' },
  'High-Low': { fill: '#fdae61', short: 'HL' },
  'Low-High': { fill: '#abd9e9', short: 'LH' },
  'Not significant': { fill: '#e0e0e0', short: '' },
};

function lisaHtml(map: LisaMap): string {
  const tiles = map.rows.map((r) => ({
    province: r.id,
    fill: CLUSTERS[r.cluster].fill,
    text: CLUSTERS[r.cluster].short,
    title: `${r.id}: local I ${r.Ii.toFixed(3)}, p ${r.p_value.toFixed(3)}${
      r.p_permutation !== undefined ? `, permutation p ${r.p_permutation.toFixed(3)}` : ''
    }, BH-adjusted ${r.p_bh.toFixed(3)} (${r.cluster})`,
  }));
  const legend = Object.entries(CLUSTERS).map(([text, c]) => ({ text, fill: c.fill }));
  return `<figure class="map lisa">${tileMapSvg(tiles, map.title, legend)}<figcaption>${esc(map.title)}</figcaption></figure>`;
}

function effectsHtml(map: EffectsMap): string {
  const values = map.values.map((v) => v.value);
  const tiles = map.values.map((v) => ({
    province: v.province,
    fill: valueFill(v.value, values),
    text: Number.isFinite(v.value) ? v.value.toFixed(3) : 'n/a',
    title: `${v.province}: ${v.value}`,
  }));
  const finite = values.filter(Number.isFinite);
  const legend = finite.length
    ? [Math.min(...finite), Math.max(...finite)].map((v) => ({
        fill: valueFill(v, values),
        text: v.toFixed(3),
      }))
    : [];
  return `<figure class="map effects">${tileMapSvg(tiles, map.title, legend)}<figcaption>${esc(map.title)}</figcaption></figure>`;
}

function regionsMap(study: Study, rows: PanelRow[]): string {
  const regionOf = new Map(rows.map((r) => [String(r.province), String(r.region ?? '')]));
  const tiles = [...regionOf].map(([province, region]) => ({
    province,
    fill: GROUP_COLOURS[region] ?? '#ccc',
    text: region,
    title: `${province}: ${region}`,
  }));
  if (tiles.length === 0) return '';
  return `<figure class="map regions">${tileMapSvg(
    tiles,
    `${study.title}: provinces by region`,
    Object.entries(GROUP_COLOURS).map(([text, fill]) => ({ text, fill })),
  )}<figcaption>The provinces of the study by region (samples East, Central, West).</figcaption></figure>`;
}

function coverageHtml(coverage: CoverageLine[], id: string): string {
  if (coverage.length === 0) return '<p class="empty">No coverage report for this run.</p>';
  const cells = (list: string[]) =>
    `<code>${esc(list.slice(0, 12).join(' '))}${list.length > 12 ? ` … (${list.length})` : ''}</code>`;
  const rows = coverage
    .map(
      (c) =>
        `<tr><td>${esc(c.variable)}</td><td>${c.observed}</td><td>${c.interpolated}</td><td>${c.substituted ?? 0}</td><td>${c.extrapolated ?? 0}</td><td>${c.missing}</td><td>${esc((c.syntheticInputs ?? []).join(', '))}</td><td>${cells(c.missingCells)}</td></tr>`,
    )
    .join('');
  return `<table class="plain" id="${id}"><thead><tr><th>Variable</th><th>Observed</th><th>Interpolated</th><th>Substituted</th><th>Extrapolated</th><th>Missing</th><th>Synthetic inputs</th><th>Missing cells</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function conflictsHtml(conflicts: ConflictLine[] | undefined): string {
  if (!conflicts?.length) return '<p class="empty">No two sources disagreed on a cell.</p>';
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(8).replace(/\.?0+$/, ''));
  const rows = conflicts
    .map(
      (c) =>
        `<tr><td>${esc(c.variable)}</td><td>${esc(c.province)}</td><td>${c.year}</td><td>${fmt(c.kept.value)}<br><code>${esc(c.kept.at)}</code></td><td>${c.discarded
          .map((d) => `${fmt(d.value)}<br><code>${esc(d.at)}</code>`)
          .join('<br>')}</td><td>${esc(c.reason ?? '')}</td></tr>`,
    )
    .join('');
  return `<h3>Conflicts between sources</h3><p class="notes">${conflicts.length} cell${conflicts.length > 1 ? 's' : ''} where sources disagree; the first value is kept (assembly.priority, else the manifest's order).</p><table class="plain" id="conflicts-table"><thead><tr><th>Variable</th><th>Province</th><th>Year</th><th>Kept</th><th>Set aside</th><th>Why</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function provenanceHtml(run: RunMetadata): string {
  const meta = provenanceRows(run)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const inputs = run.inputs?.length
    ? `<h3>Input files</h3><table class="plain"><thead><tr><th>File</th><th>SHA-256</th></tr></thead><tbody>${run.inputs
        .map((f) => `<tr><td>${esc(f.path)}</td><td><code>${esc(f.sha256)}</code></td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const dag = run.steps ? `<h3 id="dag">How this run was made</h3>${dagSvg(run.steps)}` : '';
  return `<table class="plain">${meta}</table>${inputs}${dag}`;
}

/** The parts of the report rendered from the estimations: each table, and the spatial section. */
export interface ReportParts {
  layouts: TableLayout[];
  /** `tableHtml` of each layout, in order. */
  tables: string[];
  /** `spatialHtml` of the steps the spatial section reads. */
  spatial: string;
}

/**
 * The spatial section's estimation parts: Moran's I by year and the LISA and spillover maps (the
 * regions map, drawn from the panel, follows them).
 */
export function spatialHtml(
  study: Study,
  steps: PublishedStep[],
  maps: Pick<ReportInput, 'lisa' | 'effects' | 'mapNotes'>,
): string {
  const drawn = [...(maps.lisa ?? []).map(lisaHtml), ...(maps.effects ?? []).map(effectsHtml)];
  return `<h3>Moran's I by year</h3>${moranHtml(study, steps)}
<h3>Maps</h3>${drawn.length ? drawn.join('') : '<p class="empty">No LISA or province-level spatial effects in this run.</p>'}${(maps.mapNotes ?? []).map((n) => `<p class="notes">${esc(n)}</p>`).join('')}`;
}

/** The report's parts from every step given. */
export function reportParts(input: ReportInput): ReportParts {
  const layouts = studyLayouts(input.study, input.steps, input.failures, input.bases);
  return { layouts, tables: layouts.map(tableHtml), spatial: spatialHtml(input.study, input.steps, input) };
}

/** The whole report as one HTML string (from `parts` when they are rendered already). */
export function renderReport(input: ReportInput, parts: ReportParts = reportParts(input)): string {
  const { study, run } = input;
  const proxies = proxyLines(study);
  const nav = [
    ...parts.layouts.map((t) => [t.id, t.title]),
    ...study.figures.map((f) => [f.id, f.title]),
    ['spatial', 'Spatial patterns'],
    ['coverage', 'Data coverage'],
    ['provenance', 'Provenance'],
  ]
    .map(([id, title]) => `<li><a href="#${esc(id)}">${esc(title)}</a></li>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(study.title)} — ${esc(run.runId)}</title><style>${CSS}</style></head>
<body><h1>${esc(study.title)}</h1>
${input.banner ? `<div class="banner" id="synthetic-banner" role="alert">${esc(input.banner)}</div>` : ''}
${proxies.length ? `<p class="notes" id="proxies">Proxies: ${proxies.map(esc).join('; ')}.</p>` : ''}
<p>Run <code>${esc(run.runId)}</code>${run.vintage ? `, inputs vintage ${esc(run.vintage)}` : ''}${run.finishedAt ? `, finished ${esc(run.finishedAt)}` : ''}.</p>
<nav><ul>${nav}</ul></nav>
<h2>Tables</h2>${parts.tables.join('')}
<h2>Figures</h2>${study.figures.map((f) => figureHtml(f, study, input.rows)).join('') || '<p class="empty">The study declares no figures.</p>'}
<h2 id="spatial">Spatial patterns</h2>
${parts.spatial}${regionsMap(study, input.rows)}
<h2 id="coverage">Data coverage</h2>
<h3>Study variables after the indicator step</h3><p class="notes">The values the tables use: observed when every cell behind a value was read from a file; otherwise interpolated, substituted or extrapolated as the worst cell behind it (what <code>aicarbon explain</code> shows).</p>${coverageHtml(input.coverage, 'coverage-table')}${
    input.assembledCoverage?.length
      ? `<h3>Assembled source series</h3><p class="notes">Before the indicator step: the cells of each source series.</p>${coverageHtml(input.assembledCoverage, 'assembled-coverage-table')}`
      : ''
  }${conflictsHtml(input.conflicts)}
<h2 id="provenance">Provenance</h2>${provenanceHtml(run)}
</body></html>
`;
}

export async function writeReport(path: string, input: ReportInput, parts?: ReportParts): Promise<void> {
  await writeFile(path, renderReport(input, parts));
}
