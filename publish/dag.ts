/**
 * The run's DAG as inline SVG for the offline report: input files (→ observations) → panel → indicators
 * → estimations (grouped by table) → published tables, one column per stage, each node with its short
 * content key and coloured by whether the run reused it or computed it (the full key in its tooltip).
 * The same graph `aicarbon graph` writes as Mermaid or DOT, drawn here without a layout library: the
 * pipeline's stages are the layers, so columns and straight edges suffice.
 */
import { escapeHtml as esc } from './svg';

export interface DagStep {
  step: string;
  kind: 'ingest' | 'assemble' | 'indicators' | 'estimate' | 'publish';
  key: string;
  reused: boolean;
}

const ROW = 16;
const COL = 210;
const BOX = 190;
const TOP = 34;
const COLOURS = { reused: ['#e2efda', '#548235'], computed: ['#fde9d9', '#c0504d'] } as const;
const LAYERS: DagStep['kind'][] = ['ingest', 'assemble', 'indicators', 'estimate', 'publish'];
const HEADINGS = ['inputs → observations', 'panel', 'indicators', 'estimations', 'tables'];

const shortKey = (key: string) => (key.startsWith('legacy:') ? 'legacy' : key.slice(0, 10));
/** A file's name, shortened from the left to fit its box beside the key (the full path is in the tooltip). */
const fileLabel = (step: string) => {
  const name =
    step
      .replace(/^ingest:/, '')
      .split('/')
      .pop() ?? step;
  return name.length > 26 ? `…${name.slice(-25)}` : name;
};
const label = (s: DagStep) =>
  s.kind === 'ingest'
    ? fileLabel(s.step)
    : s.kind === 'estimate'
      ? s.step
      : s.kind === 'publish'
        ? 'tables'
        : s.kind;

export function dagSvg(steps: DagStep[]): string {
  if (!steps.length) return '<p class="empty">This run recorded no step keys.</p>';
  const placed: { s: DagStep; x: number; y: number }[] = [];
  const texts: string[] = [];
  let height = 0;
  LAYERS.forEach((kind, layer) => {
    const members = steps.filter((s) => s.kind === kind);
    let y = TOP;
    let table = '';
    for (const s of members) {
      if (kind === 'estimate') {
        const t = s.step.split('/')[0];
        if (t !== table) {
          table = t;
          texts.push(
            `<text x="${layer * COL + 4}" y="${y + 11}" font-size="10" font-weight="bold">${esc(t)}</text>`,
          );
          y += ROW;
        }
      }
      placed.push({ s, x: layer * COL, y });
      y += ROW;
    }
    height = Math.max(height, y);
  });
  const at = (kind: DagStep['kind']) => placed.filter((p) => p.s.kind === kind);
  const edges: string[] = [];
  const link = (from: typeof placed, to: typeof placed) => {
    for (const a of from)
      for (const b of to)
        edges.push(
          `<line x1="${a.x + BOX}" y1="${a.y + 6}" x2="${b.x}" y2="${b.y + 6}" stroke="#bbb" stroke-width="0.5"/>`,
        );
  };
  link(at('ingest'), at('assemble'));
  link(at('assemble'), at('indicators'));
  link(at('indicators'), at('estimate'));
  link(at('estimate'), at('publish'));
  // The early cut-off: an estimation reused below a recomputed panel read only unchanged columns.
  const panelComputed = steps.some((s) => s.kind === 'indicators' && !s.reused);
  const nodes = placed.map(({ s, x, y }) => {
    const [fill, stroke] = COLOURS[s.reused ? 'reused' : 'computed'];
    const why = s.kind === 'estimate' && s.reused && panelComputed ? ' (its columns unchanged)' : '';
    return (
      `<g class="dag-node" data-step="${esc(s.step)}" data-state="${s.reused ? 'reused' : 'computed'}">` +
      `<title>${esc(`${s.step}: ${s.reused ? 'reused' : 'computed'}${why}, key ${s.key}`)}</title>` +
      `<rect x="${x}" y="${y}" width="${BOX}" height="${ROW - 3}" rx="3" fill="${fill}" stroke="${stroke}" stroke-width="0.8"/>` +
      `<text x="${x + 4}" y="${y + 10}" font-size="9">${esc(label(s))}</text>` +
      `<text x="${x + BOX - 4}" y="${y + 10}" font-size="8" text-anchor="end" fill="#555" font-family="monospace">${esc(shortKey(s.key))}</text></g>`
    );
  });
  const headings = HEADINGS.map(
    (h, i) => `<text x="${i * COL}" y="14" font-size="11" font-weight="bold">${esc(h)}</text>`,
  );
  const legend =
    `<rect x="0" y="${height + 6}" width="12" height="10" fill="${COLOURS.computed[0]}" stroke="${COLOURS.computed[1]}"/>` +
    `<text x="16" y="${height + 15}" font-size="10">computed by this run</text>` +
    `<rect x="150" y="${height + 6}" width="12" height="10" fill="${COLOURS.reused[0]}" stroke="${COLOURS.reused[1]}"/>` +
    `<text x="166" y="${height + 15}" font-size="10">reused (stored under the same key by an earlier run)</text>`;
  const width = LAYERS.length * COL;
  const computed = steps.filter((s) => !s.reused).length;
  return (
    `<p class="notes">${computed} of ${steps.length} steps computed by this run, ${steps.length - computed} reused from the store.</p>` +
    `<svg class="dag" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height + 24}" width="${width}" height="${height + 24}" role="img" aria-label="The run's steps from input files to tables" font-family="sans-serif">` +
    `${edges.join('')}${headings.join('')}${texts.join('')}${nodes.join('')}${legend}</svg>`
  );
}
