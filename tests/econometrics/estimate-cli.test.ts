/** `aicarbon estimate`: JSON on stdout, exit status 2 with a message naming the problem on bad input. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEstimate } from '../../cli/commands/estimate';
import { isInputError } from '../../common/errors';
import { runCli } from '../helpers/cli';
import { refusalCases } from './contract-cases';
import { goldenCases } from './golden';

const dir = mkdtempSync(join(tmpdir(), 'aicarbon-estimate-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const grunfeld = 'tests/fixtures/grunfeld.csv';
const feSpec = {
  estimator: 'fe',
  y: 'inv',
  x: ['value', 'capital'],
  entity: 'firm',
  time: 'year',
  vce: 'cluster',
};

const cli = (args: string[]) => runCli(['estimate', ...args]);

describe('aicarbon estimate', () => {
  it('prints the result JSON (matching R) and exits 0', async () => {
    const out = await cli(['--data', grunfeld, '--spec', write('fe.json', JSON.stringify(feSpec))]);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    const want = goldenCases().find((c) => c.name === 'grunfeld fe entity cluster stata')!;
    expect(result.estimator).toBe('fe');
    expect(result.coefficients.map((r: { term: string }) => r.term)).toEqual(['value', 'capital', '_cons']);
    expect(result.coefficients[2].std_error).toBeCloseTo(want.coefficients[2].std_error, 9);
    expect(result.statistics.r2_within).toBeCloseTo(want.statistics.r2_within, 12);
  });

  it('exits 2 naming the column of a bad term', async () => {
    const out = await cli([
      '--data',
      grunfeld,
      '--spec',
      write('bad.json', JSON.stringify({ ...feSpec, x: ['valu'] })),
    ]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain("column 'valu' not found");
  });

  it('exits 2 naming the key of a vce the estimator cannot honour', async () => {
    const out = await cli([
      '--data',
      grunfeld,
      '--spec',
      write('gmm-dk.json', JSON.stringify({ ...feSpec, estimator: 'vif', vce: 'driscoll-kraay' })),
    ]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('spec.vce: estimator "vif" does not support vce "driscoll-kraay"');
  });

  it('names the key of a bad spec, the row of a non-numeric cell, and a broken JSON file', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(isInputError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected an InputError');
    };
    expect(
      err(() =>
        runEstimate({
          data: grunfeld,
          spec: write('s1.json', JSON.stringify({ ...feSpec, effects: 'firm' })),
        }),
      ),
    ).toMatch(/^spec\.effects: /);
    const data = write('d.csv', 'firm,year,inv,value,capital\n1,1935,1,2,3\n1,1936,x,2,3\n');
    expect(err(() => runEstimate({ data, spec: write('s2.json', JSON.stringify(feSpec)) }))).toContain(
      "d.csv: row 2 (firm 1, year 1936), column 'inv': expected a number, found 'x'",
    );
    expect(err(() => runEstimate({ data: grunfeld, spec: write('s3.json', '{"estimator": ') }))).toContain(
      'not valid JSON',
    );
  });

  it('checks the spec against its estimator before reading any data (exit 2 naming the key)', async () => {
    const missing = join(dir, 'no-such-data.csv');
    // The data file does not exist: the spec error must come first.
    const typo = await cli([
      '--data',
      missing,
      '--spec',
      write('typo.json', JSON.stringify({ ...feSpec, estimator: 'fee' })),
    ]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("spec.estimator: unknown estimator 'fee' (known: ols, fe, iv");
    const option = await cli([
      '--data',
      missing,
      '--spec',
      write('sar-cluster.json', JSON.stringify({ estimator: 'sar', y: 'inv', x: ['value'], vce: 'cluster' })),
    ]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain(
      'spec.vce: estimator "sar" does not support vce "cluster" (supported: conventional)',
    );
    expect(() =>
      runEstimate({
        data: missing,
        spec: write('sar.json', JSON.stringify({ estimator: 'sar', y: 'inv', x: ['value'] })),
      }),
    ).toThrow("--weights: estimator 'sar' needs a spatial weights matrix");
  });

  it('every estimator refuses each vce, cluster and inference it cannot honour (exit 2 naming the key)', async () => {
    const missing = join(dir, 'no-such-data.csv');
    const cases = refusalCases();
    cases.forEach((c, i) => {
      const spec = write(`refuse-${i}.json`, JSON.stringify(c.spec));
      let message = '';
      try {
        runEstimate({ data: missing, spec, weights: join(dir, 'no-such-weights.csv') });
      } catch (e) {
        expect(isInputError(e), c.name).toBe(true);
        message = (e as Error).message;
      }
      expect(message.startsWith(`${c.key}: `), `${c.name}: ${message}`).toBe(true);
    });
    // Through the command itself: one refusal per estimator (its first; the spatial ones' is vce).
    const picked = cases.filter((c, i) => cases.findIndex((d) => d.estimator === c.estimator) === i);
    for (const c of picked) {
      const out = await cli(['--data', missing, '--spec', write(`refuse-cli.json`, JSON.stringify(c.spec))]);
      expect(out.code, c.name).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr, c.name).toContain(`${c.key}: `);
    }
  });

  it('reads --weights through the weights reader, naming a bad cell', () => {
    const sar = write(
      'sar2.json',
      JSON.stringify({ estimator: 'sar', y: 'inv', x: ['value'], entity: 'firm' }),
    );
    expect(() =>
      runEstimate({ data: grunfeld, spec: sar, weights: write('w2.csv', 'id,A,B\nA,0,x\nB,1,0\n') }),
    ).toThrow("w2.csv: row 2 (A), column B: expected a number, found 'x'");
    expect(() =>
      runEstimate({ data: grunfeld, spec: sar, weights: write('w3.csv', 'id,A,B\nB,0,1\nA,1,0\n') }),
    ).toThrow("row 2 starts with 'B', expected 'A'");
  });
});
