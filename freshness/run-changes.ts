/**
 * What differs between two runs before any number does (`aicarbon diff` prints it first): the input
 * files added, removed or changed (bytes old → new, or how they are read), the study (each column's
 * changed spec keys, the indicator definition, the assembly options) and the code (the modules whose
 * hashes differ). Read from the runs' step records (run_steps ingredients) and code modules.
 */
import { changedKeys } from './outdated';

export interface RecordedStep {
  step: string;
  kind: string;
  key: string;
  code: string;
  ingredients: Record<string, unknown>;
}

export interface RecordedRun {
  runId: string;
  steps: RecordedStep[];
  codeVersion?: string | null;
  modules?: Record<string, string> | null;
}

export interface RunChanges {
  inputs: {
    added: string[];
    removed: string[];
    changed: { file: string; what: string[] }[];
  };
  study: { step: string; what: string[] }[];
  code: { versionA?: string | null; versionB?: string | null; modules: { path: string; change: string }[] };
  /** A run recorded before content keys: its ingredients are unknown. */
  unrecorded: string[];
}

const short = (h: unknown) => String(h ?? '').slice(0, 12);

export function runChanges(a: RecordedRun, b: RecordedRun): RunChanges {
  const byName = (r: RecordedRun) => new Map(r.steps.map((s) => [s.step, s]));
  const [sa, sb] = [byName(a), byName(b)];
  const files = (m: Map<string, RecordedStep>) =>
    [...m.values()].filter((s) => s.kind === 'ingest').map((s) => s.step.replace(/^ingest:/, ''));
  const [fa, fb] = [new Set(files(sa)), new Set(files(sb))];
  const changed: RunChanges['inputs']['changed'] = [];
  for (const file of fb) {
    if (!fa.has(file)) continue;
    const x = sa.get(`ingest:${file}`)!;
    const y = sb.get(`ingest:${file}`)!;
    if (x.key === y.key) continue;
    const what: string[] = [];
    for (const k of changedKeys(x.ingredients, y.ingredients)) {
      if (k === 'bytes') what.push(`bytes ${short(x.ingredients.bytes)} → ${short(y.ingredients.bytes)}`);
      else if (k === 'options')
        what.push(`options (${changedKeys(x.ingredients.options, y.ingredients.options).join(', ')})`);
      else if (k === 'layout')
        what.push(`layout ${String(x.ingredients.layout)} → ${String(y.ingredients.layout)}`);
      else if (k === 'code') what.push('parser code');
      else if (k !== 'kind' && k !== 'runId') what.push(k);
    }
    if (what.length) changed.push({ file, what });
  }
  const study: RunChanges['study'] = [];
  for (const [name, y] of sb) {
    const x = sa.get(name);
    if (!x || x.key === y.key || y.kind === 'ingest' || y.kind === 'publish') continue;
    const what: string[] = [];
    const [i, j] = [x.ingredients, y.ingredients];
    if (y.kind === 'estimate') {
      const keys = changedKeys(i.spec, j.spec);
      if (keys.length) what.push(`spec: ${keys.join(', ')}`);
      for (const k of ['sample', 'weights', 'starsFrom'])
        if (changedKeys({ v: i[k] }, { v: j[k] }).length) what.push(k);
    } else if (y.kind === 'indicators') {
      const keys = changedKeys(i.definition, j.definition);
      if (keys.length) what.push(`indicator definition: ${keys.join(', ')}`);
    } else if (y.kind === 'assemble') {
      const keys = changedKeys(i.options, j.options).filter((k) => k !== 'order');
      if (keys.length) what.push(`assembly options: ${keys.join(', ')}`);
    }
    if (what.length) study.push({ step: name, what });
  }
  const modules: RunChanges['code']['modules'] = [];
  if (a.modules && b.modules) {
    for (const path of [...new Set([...Object.keys(a.modules), ...Object.keys(b.modules)])].sort()) {
      const [x, y] = [a.modules[path], b.modules[path]];
      if (x === y) continue;
      modules.push({ path, change: !x ? 'added' : !y ? 'removed' : 'changed' });
    }
  }
  return {
    inputs: { added: [...fb].filter((f) => !fa.has(f)), removed: [...fa].filter((f) => !fb.has(f)), changed },
    study,
    code: { versionA: a.codeVersion, versionB: b.codeVersion, modules },
    unrecorded: [a, b].filter((r) => !r.codeVersion).map((r) => r.runId),
  };
}

export function formatRunChanges(c: RunChanges, labels: { a: string; b: string }): string {
  const lines: string[] = [];
  for (const r of c.unrecorded)
    lines.push(
      `(${r} was recorded before content keys: its inputs, study and code are compared as far as known)`,
    );
  const n = c.inputs.added.length + c.inputs.removed.length + c.inputs.changed.length;
  lines.push(`Inputs: ${n ? `${n} files differ` : 'unchanged'}`);
  for (const f of c.inputs.added) lines.push(`  added    ${f}`);
  for (const f of c.inputs.removed) lines.push(`  removed  ${f}`);
  for (const f of c.inputs.changed) lines.push(`  changed  ${f.file}: ${f.what.join('; ')}`);
  lines.push(`Study: ${c.study.length ? `${c.study.length} steps defined differently` : 'unchanged'}`);
  for (const s of c.study) lines.push(`  ${s.step}: ${s.what.join('; ')}`);
  const same = c.code.versionA && c.code.versionA === c.code.versionB;
  lines.push(
    `Code: ${same ? 'unchanged' : c.code.modules.length ? `${c.code.modules.length} modules differ` : `version ${short(c.code.versionA) || '?'} (${labels.a}) → ${short(c.code.versionB) || '?'} (${labels.b})`}`,
  );
  for (const m of c.code.modules) lines.push(`  ${m.change.padEnd(8)} ${m.path}`);
  return lines.join('\n');
}
