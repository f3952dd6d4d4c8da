/**
 * What a refresh would rerun and why, without running anything (`aicarbon outdated`, after targets'
 * tar_outdated): the planned keys of every step against what the store holds and against the step
 * records of an earlier run. A step whose key is stored is reused; any other reruns, with the
 * ingredients of its key that differ from the earlier run's: an input file's bytes (old → new hash), how
 * it is read (layout, options), the study's spec keys, the modules of its code, a seed, an upstream step.
 * An estimation is keyed on the digests of the indicator columns it reads (the early cut-off): below a
 * recomputed panel it reruns naming the column that changed (`column GI changed (digest a → b)`), or is
 * reused saying that the columns it reads did not.
 */
import type { StepKey } from './keys';
import { stableStringify } from './keys';

export interface EarlierStep {
  step: string;
  key: string;
  code: string;
  ingredients: Record<string, unknown>;
}

export interface OutdatedStep {
  step: string;
  kind: StepKey['kind'];
  key: string;
  status: 'reused' | 'rerun';
  reasons: string[];
}

export interface OutdatedReport {
  /** The run compared against (the study's latest completed run in the store, or the one named). */
  against?: string;
  steps: OutdatedStep[];
  /** Steps of the earlier run the plan no longer has. */
  removed: string[];
  rerun: number;
  reused: number;
}

const short = (h: unknown) => (typeof h === 'string' ? h.slice(0, 12) : String(h));
const same = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b);

/** Top-level keys whose values differ between two objects (a spec, options, a definition). */
export function changedKeys(a: unknown, b: unknown): string[] {
  const x = (a && typeof a === 'object' ? a : {}) as Record<string, unknown>;
  const y = (b && typeof b === 'object' ? b : {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => !same(x[k], y[k])).sort();
}

/** Every seed in a spec, by its path (`bootstrap.seed`, `inference.wild.seed`, …). */
function seedsOf(value: unknown, path = ''): Record<string, unknown> {
  if (!value || typeof value !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const at = path ? `${path}.${k}` : k;
    if (/seed/i.test(k) && (typeof v !== 'object' || v === null)) out[at] = v;
    else Object.assign(out, seedsOf(v, at));
  }
  return out;
}

const shortDigest = (d: unknown) => (typeof d === 'string' ? d.slice(0, 8) : 'absent');

/**
 * What differs between the columns two keys of an estimation read (column → digest): `column GI
 * changed (digest 1a2b3c4d → 5e6f7a8b)`, a column read now and not before, or the other way round.
 */
export function columnChanges(before: unknown, now: unknown): string[] {
  const a = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const b = (now && typeof now === 'object' ? now : {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const c of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (!(c in a)) out.push(`reads column ${c} now`);
    else if (!(c in b)) out.push(`no longer reads column ${c}`);
    else if (a[c] !== b[c])
      out.push(`column ${c} changed (digest ${shortDigest(a[c])} → ${shortDigest(b[c])})`);
  }
  return out;
}

/** The columns an estimation's key reads, as a list for a reason. */
const readsOf = (k: { ingredients: Record<string, unknown> }) =>
  Object.keys((k.ingredients.columns ?? {}) as object).join(', ');

/** Why a step's key differs from the earlier run's step of the same name. */
function reasonsOf(
  planned: StepKey,
  earlier: EarlierStep,
  modules: { before?: Record<string, string>; now: Record<string, string> },
  names: Map<string, string>,
): string[] {
  const a = earlier.ingredients;
  const b = planned.ingredients;
  const reasons: string[] = [];
  const file = planned.step.replace(/^ingest:/, '');
  for (const k of changedKeys(a, b)) {
    if (k === 'kind') continue;
    if (k === 'code') {
      if (!modules.before) {
        reasons.push(`code changed (version ${short(earlier.code)} → ${short(planned.code)})`);
        continue;
      }
      const changed = (planned.modules ?? []).filter((m) => modules.before![m] !== modules.now[m]);
      reasons.push(
        changed.length
          ? `code changed: ${changed.map((m) => (modules.before![m] ? m : `${m} (new)`)).join(', ')}`
          : `code changed (version ${short(earlier.code)} → ${short(planned.code)})`,
      );
    } else if (k === 'bytes')
      reasons.push(`input file ${file} changed (${short(a.bytes)} → ${short(b.bytes)})`);
    else if (k === 'layout') reasons.push(`${file} is read with layout ${b.layout} (was ${a.layout})`);
    else if (k === 'options' && planned.kind === 'assemble')
      reasons.push(`assembly options changed (${changedKeys(a.options, b.options).join(', ')})`);
    else if (k === 'options')
      reasons.push(`${file}: manifest options changed (${changedKeys(a.options, b.options).join(', ')})`);
    else if (k === 'declaration') reasons.push(`${file}: layout declaration changed`);
    else if (k === 'format') reasons.push(`${file}: format ${b.format} (was ${a.format})`);
    else if (k === 'files') {
      const before = new Map(
        ((a.files ?? []) as { name: string; key: string }[]).map((f) => [f.name, f.key]),
      );
      const now = new Map(((b.files ?? []) as { name: string; key: string }[]).map((f) => [f.name, f.key]));
      const added = [...now.keys()].filter((n) => !before.has(n));
      const removed = [...before.keys()].filter((n) => !now.has(n));
      const changed = [...now.keys()].filter((n) => before.has(n) && before.get(n) !== now.get(n));
      if (changed.length) reasons.push(`upstream: input files changed (${changed.join(', ')})`);
      if (added.length) reasons.push(`input files added (${added.join(', ')})`);
      if (removed.length) reasons.push(`input files removed (${removed.join(', ')})`);
      if (!changed.length && !added.length && !removed.length) reasons.push('input files reordered');
    } else if (k === 'columns') {
      reasons.push(...columnChanges(a.columns, b.columns));
    } else if (k === 'from' && planned.kind === 'estimate') {
      // An earlier run keyed its estimations on the whole indicator panel.
      reasons.push('keyed on the columns it reads (the earlier run keyed it on the whole indicator panel)');
    } else if (k === 'from') {
      const upstream = Array.isArray(b.from)
        ? 'upstream steps changed'
        : `upstream ${names.get(String(b.from)) ?? 'step'} changed`;
      reasons.push(upstream);
    } else if (k === 'spec') {
      reasons.push(`study column spec changed (${changedKeys(a.spec, b.spec).join(', ')})`);
      const [sa, sb] = [seedsOf(a.spec), seedsOf(b.spec)];
      for (const path of changedKeys(sa, sb))
        reasons.push(`seed changed: ${path} ${String(sa[path] ?? 'unset')} → ${String(sb[path] ?? 'unset')}`);
    } else if (k === 'definition')
      reasons.push(
        `study indicator definition changed (${changedKeys(a.definition, b.definition).join(', ')})`,
      );
    else if (k === 'tables') reasons.push(`study changed (${changedKeys(a.tables, b.tables).join(', ')})`);
    else reasons.push(`${k} changed`);
  }
  return reasons;
}

export function outdated(args: {
  planned: StepKey[];
  /** Keys holding a stored result in the store the refresh would use. */
  stored: Set<string>;
  earlier?: { runId: string; steps: EarlierStep[]; modules?: Record<string, string> };
  modules: Record<string, string>;
  storeName: string;
}): OutdatedReport {
  const before = new Map((args.earlier?.steps ?? []).map((s) => [s.step, s]));
  const names = new Map(args.planned.map((k) => [k.key, k.step]));
  // Whether the indicator panel the estimations read is another than the earlier run's (recomputed).
  const indicators = args.planned.find((k) => k.kind === 'indicators');
  const earlierPanel = before.get('indicators')?.key;
  const panelChanged =
    indicators !== undefined &&
    (!args.stored.has(indicators.key) || (earlierPanel !== undefined && earlierPanel !== indicators.key));
  const steps = args.planned.map((k): OutdatedStep => {
    const base = { step: k.step, kind: k.kind, key: k.key };
    if (k.kind !== 'publish' && args.stored.has(k.key))
      return {
        ...base,
        status: 'reused',
        // The early cut-off: an estimation downstream of a changed panel, on columns that did not change.
        reasons:
          k.kind === 'estimate' && panelChanged
            ? [`the indicators change, but not the columns it reads (${readsOf(k)})`]
            : [],
      };
    if (k.kind === 'publish')
      return { ...base, status: 'rerun', reasons: ['publishing renders every refresh of its own'] };
    if (k.pending)
      return {
        ...base,
        status: 'rerun',
        reasons: [
          `the indicators recompute and their panel cannot be previewed: reruns unless the columns it reads (${readsOf(k)}) come out unchanged`,
        ],
      };
    const earlier = before.get(k.step);
    if (!earlier)
      return {
        ...base,
        status: 'rerun',
        reasons: [args.earlier ? `new step (not in ${args.earlier.runId})` : `not in ${args.storeName}`],
      };
    if (earlier.key === k.key)
      return {
        ...base,
        status: 'rerun',
        reasons: [`same key as in ${args.earlier!.runId}, but not in ${args.storeName}`],
      };
    const reasons = reasonsOf(k, earlier, { before: args.earlier?.modules, now: args.modules }, names);
    return { ...base, status: 'rerun', reasons: reasons.length ? reasons : ['key changed'] };
  });
  // Steps of the earlier run the plan no longer has.
  const planned = new Set(args.planned.map((k) => k.step));
  const gone = (args.earlier?.steps ?? []).filter((s) => !planned.has(s.step));
  return {
    ...(args.earlier ? { against: args.earlier.runId } : {}),
    steps,
    removed: gone.map((s) => s.step),
    rerun: steps.filter((s) => s.status === 'rerun').length,
    reused: steps.filter((s) => s.status === 'reused').length,
  };
}

/** The report as a person reads it: what reruns and why first, then a count of what is reused. */
export function formatOutdated(report: OutdatedReport): string {
  const lines: string[] = [];
  lines.push(
    `${report.rerun} steps would run, ${report.reused} would be reused` +
      (report.against ? ` (compared with ${report.against})` : ''),
  );
  for (const s of report.steps.filter((x) => x.status === 'rerun')) {
    lines.push(`  rerun  ${s.step}`);
    for (const r of s.reasons) lines.push(`           ${r}`);
  }
  // Reused with a reason (the early cut-off below a changed panel) one by one, the rest in a line.
  for (const s of report.steps.filter((x) => x.status === 'reused' && x.reasons.length)) {
    lines.push(`  reused ${s.step}`);
    for (const r of s.reasons) lines.push(`           ${r}`);
  }
  const reused = report.steps.filter((x) => x.status === 'reused' && !x.reasons.length);
  if (reused.length) lines.push(`  reused ${reused.map((s) => s.step).join(', ')}`);
  if (report.removed.length) lines.push(`  no longer in the study: ${report.removed.join(', ')}`);
  return lines.join('\n');
}
