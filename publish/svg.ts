/**
 * Inline SVG charts for the offline report: a scatter with its fitted line, a line chart over years,
 * and a tile-grid map. Plain strings, no charting library: the report must work without a network and
 * the three charts need only axes, points, lines and squares.
 */
import { TILE_GRID } from './tile-grid';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const num = (v: number) => (Math.abs(v) < 1e-12 ? '0' : Number(v.toPrecision(4)).toString());

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toFixed(12)));
  return ticks;
}

interface Frame {
  width: number;
  height: number;
  x: (v: number) => number;
  y: (v: number) => number;
  axes: string;
}

function frame(
  xRange: [number, number],
  yRange: [number, number],
  labels: { x: string; y: string },
  xTicks?: number[],
): Frame {
  const width = 680;
  const height = 360;
  // The right margin holds the legend, clear of the data.
  const m = { left: 60, right: 130, top: 12, bottom: 44 };
  const pad = (r: [number, number]): [number, number] => {
    const d = r[1] - r[0] || Math.abs(r[0]) || 1;
    return [r[0] - d * 0.04, r[1] + d * 0.04];
  };
  const [x0, x1] = pad(xRange);
  const [y0, y1] = pad(yRange);
  const x = (v: number) => m.left + ((v - x0) / (x1 - x0)) * (width - m.left - m.right);
  const y = (v: number) => height - m.bottom - ((v - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const parts = [
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="#333"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="#333"/>`,
  ];
  for (const t of xTicks ?? niceTicks(x0, x1)) {
    if (t < x0 || t > x1) continue;
    parts.push(
      `<line x1="${x(t)}" y1="${height - m.bottom}" x2="${x(t)}" y2="${height - m.bottom + 4}" stroke="#333"/>`,
      `<text x="${x(t)}" y="${height - m.bottom + 16}" text-anchor="middle">${num(t)}</text>`,
    );
  }
  for (const t of niceTicks(y0, y1)) {
    if (t < y0 || t > y1) continue;
    parts.push(
      `<line x1="${m.left - 4}" y1="${y(t)}" x2="${m.left}" y2="${y(t)}" stroke="#333"/>`,
      `<line x1="${m.left}" y1="${y(t)}" x2="${width - m.right}" y2="${y(t)}" stroke="#eee"/>`,
      `<text x="${m.left - 6}" y="${y(t) + 4}" text-anchor="end">${num(t)}</text>`,
    );
  }
  parts.push(
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(labels.x)}</text>`,
    `<text transform="translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(labels.y)}</text>`,
  );
  return { width, height, x, y, axes: parts.join('') };
}

const svgOpen = (f: Frame, label: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeHtml(label)}" font-size="11" font-family="sans-serif">`;

export interface ScatterPoint {
  x: number;
  y: number;
  group: string;
  label: string;
}

/** Least-squares line of y on x with intercept (closed form; only drawn, never reported as a result). */
export function fittedLine(
  points: { x: number; y: number }[],
): { intercept: number; slope: number } | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

export const GROUP_COLOURS: Record<string, string> = { East: '#1f77b4', Central: '#2ca02c', West: '#d62728' };

export function scatterSvg(points: ScatterPoint[], labels: { x: string; y: string }, fit: boolean): string {
  if (points.length === 0) return '<p class="empty">No complete observations to plot.</p>';
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const f = frame([Math.min(...xs), Math.max(...xs)], [Math.min(...ys), Math.max(...ys)], labels);
  const dots = points
    .map(
      (p) =>
        `<circle cx="${f.x(p.x).toFixed(1)}" cy="${f.y(p.y).toFixed(1)}" r="3" fill="${GROUP_COLOURS[p.group] ?? '#555'}" fill-opacity="0.6" class="point"><title>${escapeHtml(p.label)}</title></circle>`,
    )
    .join('');
  const line = fit ? fittedLine(points) : undefined;
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const path = line
    ? `<line class="fit" x1="${f.x(lo)}" y1="${f.y(line.intercept + line.slope * lo)}" x2="${f.x(hi)}" y2="${f.y(line.intercept + line.slope * hi)}" stroke="#000" stroke-width="2"/>`
    : '';
  const groups = [...new Set(points.map((p) => p.group))];
  const legend = groups
    .map(
      (g, i) =>
        `<circle cx="${f.width - 112}" cy="${20 + i * 14}" r="4" fill="${GROUP_COLOURS[g] ?? '#555'}"/><text x="${f.width - 104}" y="${24 + i * 14}">${escapeHtml(g)}</text>`,
    )
    .join('');
  return `${svgOpen(f, `${labels.y} against ${labels.x}`)}${f.axes}${dots}${path}${legend}</svg>`;
}

export interface Series {
  name: string;
  points: { x: number; y: number; significant: boolean }[];
}

const SERIES_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** Lines over years; filled markers where the value is significant at 5 %, hollow where not. */
export function lineChartSvg(series: Series[], labels: { x: string; y: string }): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '<p class="empty">No values to plot.</p>';
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const years = [...new Set(xs)].sort((a, b) => a - b);
  const f = frame(
    [Math.min(...xs), Math.max(...xs)],
    [Math.min(0, ...ys), Math.max(...ys)],
    labels,
    years.length <= 15 ? years : undefined,
  );
  const body = series
    .map((s, i) => {
      const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
      const pts = [...s.points].sort((a, b) => a.x - b.x);
      const line = `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((p) => `${f.x(p.x).toFixed(1)},${f.y(p.y).toFixed(1)}`).join(' ')}"/>`;
      const marks = pts
        .map(
          (p) =>
            `<circle cx="${f.x(p.x).toFixed(1)}" cy="${f.y(p.y).toFixed(1)}" r="4" stroke="${colour}" fill="${p.significant ? colour : '#fff'}"><title>${escapeHtml(`${s.name} ${p.x}: ${num(p.y)}`)}</title></circle>`,
        )
        .join('');
      const legend = `<line x1="${f.width - 120}" y1="${18 + i * 14}" x2="${f.width - 104}" y2="${18 + i * 14}" stroke="${colour}" stroke-width="2"/><text x="${f.width - 100}" y="${22 + i * 14}">${escapeHtml(s.name)}</text>`;
      return line + marks + legend;
    })
    .join('');
  return `${svgOpen(f, labels.y)}${f.axes}${body}</svg>`;
}

export interface Tile {
  province: string;
  fill: string;
  /** Second line under the code (a value, a cluster name). */
  text: string;
  title: string;
}

export function tileMapSvg(tiles: Tile[], label: string, legend: { fill: string; text: string }[]): string {
  const size = 46;
  const gap = 3;
  const cols = Math.max(...Object.values(TILE_GRID).map(([c]) => c)) + 1;
  const rows = Math.max(...Object.values(TILE_GRID).map(([, r]) => r)) + 1;
  const width = cols * (size + gap) + 150;
  const height = rows * (size + gap);
  const body = tiles
    .filter((t) => Object.hasOwn(TILE_GRID, t.province))
    .map((t) => {
      const [c, r] = TILE_GRID[t.province];
      const x = c * (size + gap);
      const y = r * (size + gap);
      return `<g class="tile" data-province="${escapeHtml(t.province)}"><title>${escapeHtml(t.title)}</title><rect x="${x}" y="${y}" width="${size}" height="${size}" rx="4" fill="${t.fill}" stroke="#fff"/><text x="${x + size / 2}" y="${y + 19}" text-anchor="middle" font-weight="bold">${escapeHtml(t.province)}</text><text x="${x + size / 2}" y="${y + 34}" text-anchor="middle" font-size="9">${escapeHtml(t.text)}</text></g>`;
    })
    .join('');
  const key = legend
    .map(
      (l, i) =>
        `<rect x="${cols * (size + gap) + 10}" y="${8 + i * 18}" width="12" height="12" fill="${l.fill}" stroke="#999"/><text x="${cols * (size + gap) + 28}" y="${18 + i * 18}">${escapeHtml(l.text)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}" font-size="11" font-family="sans-serif">${body}${key}</svg>`;
}

/**
 * Fill for a value on a map: diverging blue–white–red around 0 when the values change sign, else a
 * sequential scale from the smallest to the largest magnitude in the sign's colour (so provinces that
 * differ little still differ in shade).
 */
export function valueFill(value: number, values: number[]): string {
  const finite = values.filter(Number.isFinite);
  if (!Number.isFinite(value) || finite.length === 0) return '#ddd';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const negative = hi <= 0;
  let t: number;
  if (lo < 0 && hi > 0) t = value / Math.max(-lo, hi);
  else if (hi === lo) t = negative ? -1 : 1;
  else
    t =
      (negative ? -1 : 1) *
      (0.15 + (0.85 * (Math.abs(value) - Math.min(Math.abs(lo), Math.abs(hi)))) / Math.abs(hi - lo));
  t = Math.max(-1, Math.min(1, t));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * Math.abs(t));
  return t < 0
    ? `rgb(${mix(255, 33)},${mix(255, 102)},${mix(255, 172)})`
    : `rgb(${mix(255, 178)},${mix(255, 24)},${mix(255, 43)})`;
}
