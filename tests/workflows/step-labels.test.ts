/**
 * The estimate stage's batch summaries fit the Web UI's event list (it cuts a summary after about 120
 * characters): the sample study's two batches of 26 (one lane on two cores) listed every column and
 * took 164 and 167 characters, so the operator saw neither batch's last tables.
 */
import { describe, expect, it } from 'vitest';
import { plannedSteps } from '../../activities/plan';
import { loadConfig } from '../../common/config';
import { batchLabel, columnRuns, SUMMARY_CHARS } from '../../workflows/step-labels';
import type { PlannedStep } from '../../workflows/types';

const step = (tableId: string, columnId: string): PlannedStep => ({
  stepId: `${tableId}/${columnId}`,
  tableId,
  columnId,
  estimator: 'fe',
  sample: 'all',
});

describe('batch labels', () => {
  it('writes three or more consecutive numbered columns as a range', () => {
    expect(columnRuns(['(1)', '(2)', '(3)', '(4)', 'mediation'])).toEqual(['(1)–(4)', 'mediation']);
    expect(columnRuns(['(1)', '(2)', 'W1', '(3)', '(4)', '(5)'])).toEqual(['(1)', '(2)', 'W1', '(3)–(5)']);
    expect(columnRuns(['(2)', '(4)', '(5)', '(6)', '(8)'])).toEqual(['(2)', '(4)–(6)', '(8)']);
    expect(columnRuns(['AIT', 'CI'])).toEqual(['AIT', 'CI']);
  });

  it("fits the sample study's batches of one lane within the Web UI's summary", () => {
    const steps = plannedSteps(loadConfig({}).studyPath);
    expect(steps.length).toBe(52);
    // One lane: two batches of 26, as the stage sizes them (ceil(52 / (2 × 1))).
    const labels = [batchLabel(steps.slice(0, 26)), batchLabel(steps.slice(26))];
    expect(labels).toEqual([
      '26 estimations: vif VIF; table3 (1)–(7); table4 (1)–(10); table5 (1)–(3) mediation; table6 (1)–(4)',
      // All listed would be 122 characters: the last table's columns are counted.
      '26 estimations: table7 (1)–(4); table8 (1)–(4); table9 (1)–(6); table10 AIT CI; table11 (1)–(3) W1 W2 W3; table12 ×4',
    ]);
    for (const label of labels) expect(label.length).toBeLessThanOrEqual(SUMMARY_CHARS);
  });

  it('counts the columns of the last tables, then names as many tables as fit', () => {
    const columns = (table: string, n: number) =>
      Array.from({ length: n }, (_, i) => step(table, `robust_${i + 1}`));
    // Named columns do not shorten into ranges: from the last table back, counts take their place.
    const wide = [...columns('table3', 4), ...columns('table4', 5), ...columns('table5', 6)];
    expect(batchLabel(wide)).toBe(
      '15 estimations: table3 robust_1 robust_2 robust_3 robust_4; table4 ×5; table5 ×6',
    );
    const wider = [...columns('table3', 12), ...columns('table4', 9)];
    expect(batchLabel(wider)).toBe('21 estimations: table3 ×12; table4 ×9');
    // Twelve tables of one column each do not fit even counted.
    const many = Array.from({ length: 12 }, (_, i) => step(`robustness_table_${i + 1}`, 'c'));
    const label = batchLabel(many);
    expect(label.length).toBeLessThanOrEqual(SUMMARY_CHARS);
    expect(label).toMatch(/^12 estimations: robustness_table_1 ×1; .*; and \d+ more tables$/);
    const shown = label.split('; ').length - 1;
    expect(label).toContain(`and ${12 - shown} more tables`);
  });
});
