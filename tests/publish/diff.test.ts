import { describe, expect, it } from 'vitest';
import { diffRuns, formatDiff, type PublishedStep } from '../../publish';
import { handMadeDynamicResult, handMadeResult } from './fixtures';

const step = (stepId: string, result = handMadeResult('fe', 'CI', ['AIT', 'ED'], 0)): PublishedStep => ({
  stepId,
  tableId: stepId.split('/')[0],
  columnId: stepId.split('/')[1],
  result,
});

describe('diffRuns', () => {
  it('identical runs differ in nothing', () => {
    const a = [step('table3/(1)'), step('table3/(2)')];
    expect(diffRuns(a, structuredClone(a))).toEqual({
      removedSteps: [],
      addedSteps: [],
      changes: [],
      starChanges: [],
    });
  });

  it('compares the dynamic model’s short- and long-run effects each with its own', () => {
    const a = [step('table11/(1)', handMadeDynamicResult('sdm', 'CI', ['AIT', 'ED'], 0))];
    const b = structuredClone(a);
    // Only the long-run total of AIT moves: -0.75 → -0.5 (SE 0.25: z -3 → -2, *** → **).
    const long = b[0].result.effects!.find((e) => e.term === 'AIT' && e.horizon === 'long')!;
    long.total = -0.5;
    const d = diffRuns(a, b);
    expect(d.changes.map((c) => [c.term, c.a, c.b, c.starsA, c.starsB])).toEqual([
      ['total:long:AIT', -0.75, -0.5, '***', '**'],
    ]);
  });

  it('reports moved estimates, changed stars, and steps only in one run', () => {
    const a = [
      step('table3/(1)'),
      step('table3/(2)'),
      step('table10/AIT', handMadeResult('moran', 'AIT', [], 0)),
    ];
    const b = structuredClone(a.slice(0, 2));
    b.push(step('table12/(1)'));
    // AIT: -0.1 → -0.09, p 0.001 → 0.07 (*** → *); ED's SE moves, its stars stay.
    b[0].result.coefficients[0] = { ...b[0].result.coefficients[0], estimate: -0.09, p_value: 0.07 };
    b[0].result.coefficients[1] = { ...b[0].result.coefficients[1], std_error: 0.05 };
    // A change within the tolerance is not a change.
    b[1].result.coefficients[0] = { ...b[1].result.coefficients[0], estimate: -0.1 * (1 + 1e-12) };
    const d = diffRuns(a, b);
    expect(d.removedSteps).toEqual(['table10/AIT']);
    expect(d.addedSteps).toEqual(['table12/(1)']);
    expect(d.changes).toEqual([
      {
        stepId: 'table3/(1)',
        term: 'AIT',
        a: -0.1,
        b: -0.09,
        relative: expect.closeTo(0.1, 12),
        starsA: '***',
        starsB: '*',
        starsChanged: true,
      },
      {
        stepId: 'table3/(1)',
        term: 'se:ED',
        a: 0.04,
        b: 0.05,
        relative: expect.closeTo(0.25, 12),
        starsA: '',
        starsB: '',
        starsChanged: false,
      },
    ]);
    expect(d.starChanges.map((c) => `${c.stepId} ${c.term}`)).toEqual(['table3/(1) AIT']);
  });

  it('compares spatial effects and Moran by year through their z-tests, and terms on one side only', () => {
    const a = [
      step('table11/W1', handMadeResult('sdm', 'CI', ['AIT'], 0)),
      step('table10/CI', handMadeResult('moran', 'CI', [], 0)),
    ];
    const b = structuredClone(a);
    b[0].result.effects![0].indirect = -0.9; // z = -0.9/0.395 = -2.28 → p = 0.023 → **
    b[1].result.moran![3].p_value = 0.3;
    b[0].result.coefficients.push({ term: 'ED', estimate: 1, std_error: 1, statistic: 1, p_value: 0.3 });
    const d = diffRuns(a, b);
    expect(d.changes.map((c) => [c.term, c.starsA, c.starsB])).toEqual([
      ['indirect:AIT', '', '**'],
      ['ED', '', ''],
      ['se:ED', '', ''],
      ['moran:2014', '***', ''],
    ]);
    expect(d.changes[1]).toMatchObject({ a: null, b: 1, relative: null });
  });
});

describe('formatDiff', () => {
  it('puts significance changes first, with both values and their stars', () => {
    const a = [step('table3/(1)'), step('table10/AIT', handMadeResult('moran', 'AIT', [], 0))];
    const b = structuredClone(a.slice(0, 1));
    b[0].result.coefficients[0] = { ...b[0].result.coefficients[0], estimate: -0.09, p_value: 0.07 };
    const text = formatDiff(diffRuns(a, b), { a: 'run-1', b: 'run-2' }).split('\n');
    expect(text[0]).toBe('Only in run-1: table10/AIT');
    expect(text[1]).toBe('Significance changed: 1');
    expect(text[2]).toMatch(/^ {2}table3\/\(1\) +AIT +-0\.1\*\*\* → -0\.09\* +\(10\.00%\)$/);
    expect(text[3]).toBe('Other changes: 0');
  });
});
