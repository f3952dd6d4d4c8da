import { describe, expect, it } from 'vitest';
import { planRefreshKeys } from '../../activities/plan';
import { loadConfig } from '../../common/config';
import { refreshGraph, toDot, toMermaid } from '../../freshness/graph';
import { checkMermaidFlowchart } from '../helpers/mermaid-flowchart';

describe('the refresh DAG', () => {
  it('of the default study plan: parses as a Mermaid flowchart, every step a node with its key', async () => {
    const config = loadConfig({});
    const plan = await planRefreshKeys({ studyPath: config.studyPath, inputsDir: config.inputsDir });
    const stored = new Set(plan.keys.filter((k) => k.kind === 'ingest').map((k) => k.key));
    const graph = refreshGraph(
      plan.input.runId,
      plan.keys.map((k) => ({ ...k, state: stored.has(k.key) ? 'would reuse' : 'would compute' })),
    );
    const text = toMermaid(graph);
    expect(checkMermaidFlowchart(text)).toEqual([]);
    const files = plan.keys.filter((k) => k.kind === 'ingest').length;
    const estimations = plan.keys.filter((k) => k.kind === 'estimate').length;
    // files → panel, panel → indicators, indicators → each estimation, each estimation → tables.
    expect(graph.edges).toHaveLength(files + 1 + 2 * estimations);
    const t34 = plan.keys.find((k) => k.step === 'table3/(4)')!;
    expect(text).toMatch(
      new RegExp(`\\["\\#40;4\\#41;<br/>fe<br/>${t34.key.slice(0, 12)} · would compute"\\]:::computed`),
    );
    expect(text).toContain('subgraph g1["table3"]');
    expect(text).toContain(' · would reuse"]:::reused');
    const dot = toDot(graph);
    expect(dot.startsWith('digraph refresh {')).toBe(true);
    expect(dot.match(/ -> /g)).toHaveLength(graph.edges.length);
    expect(dot).toContain(`label="(4)\\nfe\\n${t34.key.slice(0, 12)} · would compute"`);
  });

  it('the grammar check refuses what Mermaid refuses', () => {
    expect(checkMermaidFlowchart('flowchart LR\n  a["say "hi""]\n')).toHaveLength(1);
    expect(checkMermaidFlowchart('flowchart LR\n  subgraph s["x"]\n  a["x"]\n')).toEqual([
      'subgraph s not closed',
    ]);
    expect(checkMermaidFlowchart('flowchart LR\n  end["x"]\n')[0]).toContain('keyword');
    expect(checkMermaidFlowchart('flowchart LR\n  a["x"]:::nope\n')).toEqual([
      'line 2: class nope is not declared',
    ]);
    expect(checkMermaidFlowchart('flowchart LR\n  a["a #x b"]\n')).toHaveLength(1);
    expect(checkMermaidFlowchart('flowchart LR\n  a["x"]\n  a --> b\n')).toEqual([
      'line 3: link to undefined node b',
    ]);
  });
});
