/**
 * What changed between two refreshes: estimates whose value moved beyond a relative tolerance, and
 * above all significance stars that appeared, vanished or changed. Pure: two lists of results in, a
 * list of changes out (`aicarbon diff RUN_A RUN_B` prints it).
 */
import { normalTwoSided } from '../econometrics/distributions';
import type { EstimationResult } from '../econometrics/result';
import { stars, type PublishedStep } from './layout';

export interface EstimateChange {
  stepId: string;
  /**
   * `AIT`, `direct:AIT` (spatial effects; `direct:long:AIT` for the dynamic model's), `moran:2015`,
   * `nobs`, or a statistic's name.
   */
  term: string;
  a: number | null;
  b: number | null;
  /** Relative change |b − a| / max(|a|, tiny); null when one side is missing. */
  relative: number | null;
  starsA: string;
  starsB: string;
  starsChanged: boolean;
}

export interface RunDiff {
  /** Steps only in A / only in B. */
  removedSteps: string[];
  addedSteps: string[];
  /** Every compared quantity that changed (value beyond tolerance, stars, or present on one side only). */
  changes: EstimateChange[];
  /** The subset whose stars changed: the headline of a refresh. */
  starChanges: EstimateChange[];
}

interface Quantity {
  value: number;
  p?: number;
}

/** The comparable quantities of one result, keyed like `EstimateChange.term`. */
function quantities(r: EstimationResult): Map<string, Quantity> {
  const q = new Map<string, Quantity>();
  for (const c of r.coefficients) {
    q.set(c.term, { value: c.estimate, p: c.p_value });
    q.set(`se:${c.term}`, { value: c.std_error });
  }
  for (const e of r.effects ?? []) {
    for (const k of ['direct', 'indirect', 'total'] as const)
      q.set(`${k}:${e.horizon ? `${e.horizon}:` : ''}${e.term}`, {
        value: e[k],
        p: normalTwoSided(e[k] / e[`${k}_se`]),
      });
  }
  for (const m of r.moran ?? []) q.set(`moran:${m.time}`, { value: m.I, p: m.p_value });
  q.set('nobs', { value: r.nobs });
  for (const [k, v] of Object.entries(r.statistics))
    if (typeof v === 'number') q.set(`stat:${k}`, { value: v });
  return q;
}

export function diffRuns(
  runA: PublishedStep[],
  runB: PublishedStep[],
  options: { tolerance?: number } = {},
): RunDiff {
  const tolerance = options.tolerance ?? 1e-8;
  const a = new Map(runA.map((s) => [s.stepId, s.result]));
  const b = new Map(runB.map((s) => [s.stepId, s.result]));
  const changes: EstimateChange[] = [];
  for (const [stepId, ra] of a) {
    const rb = b.get(stepId);
    if (!rb) continue;
    const qa = quantities(ra);
    const qb = quantities(rb);
    for (const term of new Set([...qa.keys(), ...qb.keys()])) {
      const x = qa.get(term);
      const y = qb.get(term);
      const starsA = x?.p !== undefined ? stars(x.p) : '';
      const starsB = y?.p !== undefined ? stars(y.p) : '';
      const same = (u: number, v: number) =>
        (Number.isNaN(u) && Number.isNaN(v)) || Math.abs(v - u) <= tolerance * Math.max(Math.abs(u), 1e-300);
      const relative =
        x && y ? Math.abs(y.value - x.value) / Math.max(Math.abs(x.value), Number.MIN_VALUE) : null;
      if (x && y && same(x.value, y.value) && starsA === starsB) continue;
      changes.push({
        stepId,
        term,
        a: x?.value ?? null,
        b: y?.value ?? null,
        relative,
        starsA,
        starsB,
        starsChanged: starsA !== starsB,
      });
    }
  }
  return {
    removedSteps: [...a.keys()].filter((k) => !b.has(k)),
    addedSteps: [...b.keys()].filter((k) => !a.has(k)),
    changes,
    starChanges: changes.filter((c) => c.starsChanged),
  };
}

const show = (v: number | null) => (v === null ? 'absent' : Number(v.toPrecision(6)).toString());

/** The diff as text for a terminal: star changes first (the headline), then the other changes. */
export function formatDiff(diff: RunDiff, labels: { a: string; b: string } = { a: 'A', b: 'B' }): string {
  const lines: string[] = [];
  if (diff.removedSteps.length) lines.push(`Only in ${labels.a}: ${diff.removedSteps.join(', ')}`);
  if (diff.addedSteps.length) lines.push(`Only in ${labels.b}: ${diff.addedSteps.join(', ')}`);
  const row = (c: EstimateChange) =>
    `  ${c.stepId.padEnd(18)} ${c.term.padEnd(22)} ${`${show(c.a)}${c.starsA}`.padStart(14)} → ${`${show(c.b)}${c.starsB}`.padEnd(14)}${
      c.relative !== null ? ` (${(c.relative * 100).toFixed(2)}%)` : ''
    }`;
  lines.push(`Significance changed: ${diff.starChanges.length}`);
  lines.push(...diff.starChanges.map(row));
  const other = diff.changes.filter((c) => !c.starsChanged);
  lines.push(`Other changes: ${other.length}`);
  lines.push(...other.map(row));
  return lines.join('\n');
}
