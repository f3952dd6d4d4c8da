/**
 * Moderation identities that hold whatever the data (the numbers themselves are checked against R in
 * linear-golden.test.ts): centring changes the x coefficient but not the interaction, and the marginal
 * effect of x at a given moderator value — with its SE — is the same with or without centring.
 */
import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import { fixturePanel } from './golden';

const panel = fixturePanel('provinces30');
const spec = { estimator: 'moderation', y: 'EE', x: ['AIT', 'ED', 'ECS'], moderator: 'IS', vce: 'cluster' };

describe('moderation', () => {
  const centred = estimate(panel, spec);
  const raw = estimate(panel, { ...spec, center: false });
  const coef = (r: typeof raw, t: string) => r.coefficients.find((c) => c.term === t)!;

  it('centring leaves the interaction and the controls unchanged', () => {
    for (const t of ['AIT:IS', 'ED', 'ECS']) {
      expect(coef(raw, t).estimate).toBeCloseTo(coef(centred, t).estimate, 10);
      expect(coef(raw, t).std_error).toBeCloseTo(coef(centred, t).std_error, 10);
    }
    expect(Math.abs(coef(raw, 'AIT').estimate - coef(centred, 'AIT').estimate)).toBeGreaterThan(1e-6);
  });

  it('marginal effects at moderator percentiles do not depend on centring', () => {
    for (const q of [10, 25, 50, 75, 90]) {
      expect(raw.statistics[`moderator_p${q}`]).toBe(centred.statistics[`moderator_p${q}`]);
      expect(raw.statistics[`me_p${q}`]).toBeCloseTo(centred.statistics[`me_p${q}`], 10);
      expect(raw.statistics[`me_p${q}_se`]).toBeCloseTo(centred.statistics[`me_p${q}_se`], 10);
    }
    // Uncentred, the marginal effect at M = m is b_x + b_xm·m (by hand from the coefficient rows).
    const m = raw.statistics.moderator_p50;
    expect(raw.statistics.me_p50).toBeCloseTo(
      coef(raw, 'AIT').estimate + coef(raw, 'AIT:IS').estimate * m,
      12,
    );
  });

  it('requires a moderator distinct from x', () => {
    expect(() => estimate(panel, { ...spec, moderator: 'ED' })).toThrow(
      "spec.moderator: 'ED' must differ from y and from every x",
    );
    expect(() => estimate(panel, { ...spec, moderator: undefined })).toThrow('spec.moderator: required');
  });
});
