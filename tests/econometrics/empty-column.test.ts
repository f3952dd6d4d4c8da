import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import { Panel } from '../../panel';

describe('a regressor with no values', () => {
  it('is named as a data gap, not reported as collinear', () => {
    const rows = [1, 2, 3].flatMap((e) =>
      [2011, 2012, 2013].map((year) => ({
        province: `P${e}`,
        year,
        CI: e + year / 1000,
        AIT: year - e,
        ROBOT: null,
      })),
    );
    const panel = Panel.fromRows(rows, { entity: 'province', time: 'year' });
    expect(() => estimate(panel, { estimator: 'fe', y: 'CI', x: ['AIT', 'ROBOT'] })).toThrow(
      "no values for 'ROBOT' in any of the 9 rows of this sample",
    );
  });
});
