/**
 * A grammar check of Mermaid flowcharts, for the constructs `aicarbon graph` writes, after Mermaid's
 * flowchart grammar (flow.jison): the header, classDef, subgraph … end, nodes with quoted labels and a
 * class, and `-->` links. Returns the problems found (none: the text parses), each with its line.
 *
 * Hand-written instead of loading mermaid itself: mermaid needs a DOM and brings a large dependency tree
 * for one test. The rules checked are Mermaid's: a quoted label cannot hold a `"` (entity codes `#34;`
 * or `#quot;` instead), ids are words and not keywords (an id `end` closes a subgraph), every subgraph is
 * closed, a class used is declared.
 */
const KEYWORDS = new Set([
  'end',
  'subgraph',
  'graph',
  'flowchart',
  'style',
  'classDef',
  'class',
  'click',
  'linkStyle',
  'call',
  'href',
  'direction',
]);
const ID = String.raw`[A-Za-z_][A-Za-z0-9_]*`;
// Inside "…": any character but a quote; # only as the start of an entity code (#34; #quot;).
const LABEL = String.raw`"((?:[^"#]|#(?:\d+|[A-Za-z]+);)*)"`;
const NODE = new RegExp(String.raw`^(${ID})\[${LABEL}\](?::::(${ID}))?$`);
const SUBGRAPH = new RegExp(String.raw`^subgraph (${ID})(?:\[${LABEL}\])?$`);
const LINK = new RegExp(String.raw`^(${ID})\s*-->\s*(${ID})$`);
const CLASSDEF = new RegExp(String.raw`^classDef (${ID}) ([\w-]+:[^,;\s]+(?:,[\w-]+:[^,;\s]+)*)$`);

export function checkMermaidFlowchart(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0 || !/^(flowchart|graph) (TB|TD|BT|RL|LR)$/.test(lines[first].trim()))
    problems.push(`line ${first + 1}: expected "flowchart LR" (or TB, TD, BT, RL)`);
  const nodes = new Set<string>();
  const classes = new Set<string>();
  const used: [string, number][] = [];
  const links: [string, string, number][] = [];
  const open: string[] = [];
  const id = (name: string, at: number) => {
    if (KEYWORDS.has(name)) problems.push(`line ${at}: "${name}" is a keyword, not an id`);
  };
  lines.forEach((raw, i) => {
    const at = i + 1;
    const line = raw.trim();
    if (i <= first || line === '' || line.startsWith('%%')) return;
    let m;
    if ((m = CLASSDEF.exec(line))) classes.add(m[1]);
    else if ((m = SUBGRAPH.exec(line))) {
      id(m[1], at);
      open.push(m[1]);
    } else if (line === 'end') {
      if (!open.pop()) problems.push(`line ${at}: "end" without a subgraph`);
    } else if ((m = NODE.exec(line))) {
      id(m[1], at);
      if (nodes.has(m[1])) problems.push(`line ${at}: node ${m[1]} defined twice`);
      nodes.add(m[1]);
      if (m[3]) used.push([m[3], at]);
    } else if ((m = LINK.exec(line))) {
      id(m[1], at);
      id(m[2], at);
      links.push([m[1], m[2], at]);
    } else problems.push(`line ${at}: not a flowchart statement: ${line}`);
  });
  if (open.length) problems.push(`subgraph ${open.join(', ')} not closed`);
  for (const [c, at] of used) if (!classes.has(c)) problems.push(`line ${at}: class ${c} is not declared`);
  for (const [a, b, at] of links)
    for (const n of [a, b])
      if (!nodes.has(n) && !open.includes(n)) problems.push(`line ${at}: link to undefined node ${n}`);
  return problems;
}
