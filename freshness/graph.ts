/**
 * The DAG of a refresh: input files (→ observations) → panel → indicators → estimations (grouped by
 * table) → published tables, each node with its content key and whether the run reused or computed it
 * (or, for a plan, would). Written as Mermaid or Graphviz DOT (`aicarbon graph`); publish/ draws the same
 * graph as inline SVG in the report. An estimation reused below a recomputed indicators node says why:
 * its key is on the columns it reads (the early cut-off), and they did not change.
 */
import type { StepKey } from './keys';

export type NodeState = 'reused' | 'computed' | 'would reuse' | 'would compute';

export interface GraphNode {
  id: string;
  step: string;
  kind: StepKey['kind'];
  label: string;
  detail?: string;
  key: string;
  state: NodeState;
  /** The table of an estimation (its group). */
  group?: string;
}

export interface RefreshGraph {
  title: string;
  nodes: GraphNode[];
  edges: [string, string][];
}

export interface GraphStep {
  step: string;
  kind: StepKey['kind'];
  key: string;
  ingredients?: Record<string, unknown>;
  state: NodeState;
}

const ORDER: StepKey['kind'][] = ['ingest', 'assemble', 'indicators', 'estimate', 'publish'];

/** Nodes and edges of a run's (or a plan's) steps; the edges follow the pipeline's data flow. */
export function refreshGraph(title: string, steps: GraphStep[]): RefreshGraph {
  const sorted = [...steps].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  // The early cut-off: an estimation reused below a recomputed panel read only columns that did not change.
  const panelComputed = steps.some((s) => s.kind === 'indicators' && CLASS[s.state] === 'computed');
  const cutOff = (s: GraphStep) => panelComputed && CLASS[s.state] === 'reused';
  const nodes = sorted.map((s, i): GraphNode => {
    const id = `n${i}`;
    const spec = s.ingredients?.spec as { estimator?: string } | undefined;
    switch (s.kind) {
      case 'ingest':
        return {
          id,
          step: s.step,
          kind: s.kind,
          label: s.step.replace(/^ingest:/, ''),
          detail: 'observations',
          key: s.key,
          state: s.state,
        };
      case 'assemble':
        return {
          id,
          step: s.step,
          kind: s.kind,
          label: 'panel',
          detail: 'assemble',
          key: s.key,
          state: s.state,
        };
      case 'indicators':
        return { id, step: s.step, kind: s.kind, label: 'indicators', key: s.key, state: s.state };
      case 'estimate': {
        const [table, column] = s.step.includes('/')
          ? [s.step.slice(0, s.step.indexOf('/')), s.step.slice(s.step.indexOf('/') + 1)]
          : ['', s.step];
        return {
          id,
          step: s.step,
          kind: s.kind,
          label: column,
          ...(spec?.estimator || cutOff(s)
            ? {
                detail: [spec?.estimator, cutOff(s) ? 'its columns unchanged' : undefined]
                  .filter(Boolean)
                  .join(' · '),
              }
            : {}),
          key: s.key,
          state: s.state,
          group: table,
        };
      }
      default:
        return {
          id,
          step: s.step,
          kind: s.kind,
          label: 'tables',
          detail: 'publish',
          key: s.key,
          state: s.state,
        };
    }
  });
  const of = (kind: StepKey['kind']) => nodes.filter((n) => n.kind === kind);
  const edges: [string, string][] = [];
  const link = (from: GraphNode[], to: GraphNode[]) => {
    for (const a of from) for (const b of to) edges.push([a.id, b.id]);
  };
  link(of('ingest'), of('assemble'));
  link(of('assemble'), of('indicators'));
  link(of('indicators'), of('estimate'));
  link(of('estimate'), of('publish'));
  return { title, nodes, edges };
}

const shortKey = (key: string) => (key.startsWith('legacy:') ? 'legacy' : key.slice(0, 12));

/** Mermaid flowchart label text: entity codes for the characters its grammar gives meaning to. */
function mermaidText(s: string): string {
  return s.replace(/[&"<>#;[\]{}()|]/g, (c) => `#${c.charCodeAt(0)};`);
}

const CLASS: Record<NodeState, string> = {
  reused: 'reused',
  computed: 'computed',
  'would reuse': 'reused',
  'would compute': 'computed',
};

function groups(graph: RefreshGraph) {
  const tables = new Map<string, GraphNode[]>();
  for (const n of graph.nodes.filter((x) => x.kind === 'estimate')) {
    const g = n.group ?? '';
    tables.set(g, [...(tables.get(g) ?? []), n]);
  }
  return tables;
}

export function toMermaid(graph: RefreshGraph): string {
  const lines = ['flowchart LR'];
  lines.push('  classDef computed fill:#fde9d9,stroke:#c0504d,color:#222');
  lines.push('  classDef reused fill:#e2efda,stroke:#548235,color:#222');
  const node = (n: GraphNode) =>
    `${n.id}["${mermaidText(n.label)}${n.detail ? `<br/>${mermaidText(n.detail)}` : ''}<br/>${mermaidText(
      `${shortKey(n.key)} · ${n.state}`,
    )}"]:::${CLASS[n.state]}`;
  const inputs = graph.nodes.filter((n) => n.kind === 'ingest');
  if (inputs.length) {
    lines.push(`  subgraph inputs["${mermaidText('inputs → observations')}"]`);
    for (const n of inputs) lines.push(`    ${node(n)}`);
    lines.push('  end');
  }
  for (const n of graph.nodes.filter((x) => x.kind === 'assemble' || x.kind === 'indicators'))
    lines.push(`  ${node(n)}`);
  let g = 0;
  for (const [table, members] of groups(graph)) {
    lines.push(`  subgraph g${g++}["${mermaidText(table || 'estimations')}"]`);
    for (const n of members) lines.push(`    ${node(n)}`);
    lines.push('  end');
  }
  for (const n of graph.nodes.filter((x) => x.kind === 'publish')) lines.push(`  ${node(n)}`);
  for (const [a, b] of graph.edges) lines.push(`  ${a} --> ${b}`);
  return `${lines.join('\n')}\n`;
}

const dotText = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const FILL: Record<NodeState, string> = {
  reused: '#e2efda',
  'would reuse': '#e2efda',
  computed: '#fde9d9',
  'would compute': '#fde9d9',
};

export function toDot(graph: RefreshGraph): string {
  const lines = [
    'digraph refresh {',
    `  label="${dotText(graph.title)}";`,
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
  ];
  const node = (n: GraphNode) =>
    `${n.id} [label="${dotText([n.label, n.detail, `${shortKey(n.key)} · ${n.state}`].filter(Boolean).join('\n'))}", fillcolor="${FILL[n.state]}"];`;
  const inputs = graph.nodes.filter((n) => n.kind === 'ingest');
  if (inputs.length) {
    lines.push('  subgraph cluster_inputs {', `    label="${dotText('inputs → observations')}";`);
    for (const n of inputs) lines.push(`    ${node(n)}`);
    lines.push('  }');
  }
  for (const n of graph.nodes.filter((x) => x.kind === 'assemble' || x.kind === 'indicators'))
    lines.push(`  ${node(n)}`);
  let g = 0;
  for (const [table, members] of groups(graph)) {
    lines.push(`  subgraph cluster_g${g++} {`, `    label="${dotText(table || 'estimations')}";`);
    for (const n of members) lines.push(`    ${node(n)}`);
    lines.push('  }');
  }
  for (const n of graph.nodes.filter((x) => x.kind === 'publish')) lines.push(`  ${node(n)}`);
  for (const [a, b] of graph.edges) lines.push(`  ${a} -> ${b};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
