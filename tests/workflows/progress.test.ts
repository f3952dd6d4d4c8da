/** The refresh's progress from its estimate stage's signals, whatever order they are delivered in. */
import { describe, expect, it } from 'vitest';
import { addInFlight } from '../../workflows/progress';

describe('steps in flight', () => {
  it('adds a batch once, keeps the others, and never puts back a step already done', () => {
    const done = new Set<string>();
    let inFlight = addInFlight(undefined, ['t/(1)', 't/(2)'], done);
    expect(inFlight).toEqual(['t/(1)', 't/(2)']);
    inFlight = addInFlight(inFlight, ['t/(2)', 't/(3)'], done);
    expect(inFlight).toEqual(['t/(1)', 't/(2)', 't/(3)']);
    // The batch of (4) and (5) is told done before its in-flight signal arrives.
    done.add('t/(4)').add('t/(5)');
    expect(addInFlight(inFlight, ['t/(4)', 't/(5)'], done)).toEqual(['t/(1)', 't/(2)', 't/(3)']);
  });
});
