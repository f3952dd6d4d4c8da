/**
 * Usage and configuration mistakes of every command exit 2 before any work, with a message that says
 * what is allowed; `--help` names the environment variable behind the options and the exit statuses.
 * Real CLI processes; nothing here needs a server (an address where nothing listens stands for one).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { runCli } from '../helpers/cli';

const NOWHERE = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

describe('aicarbon usage errors exit 2 and say what is allowed', () => {
  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['nope'], /unknown command 'nope'/],
    [['run', '--bogus'], /unknown option '--bogus'/],
    [['run', '--concurrency', '0'], /expected a whole number from 1 to 64/],
    [['refresh', '--concurrency', 'many'], /expected a whole number from 1 to 64/],
    [['worker', '--queues', 'bogus'], /expected a comma-separated list of io, compute \(unknown: bogus\)/],
    [['status'], /missing required argument 'run'/],
    [['schedule', '--cron', 'bogus'], /expected 5 fields/],
    [['schedule', '--cron', '61 * * * *'], /minute field "61": "61" is not \*, a number 0–59/],
    [['schedule', '--cron', '0 3 1 13 *'], /month field "13"/],
    [['schedule', '--paused', '--unpause'], /option '--paused' cannot be used with option '--unpause'/],
    [['server', '--bogus'], /unknown option '--bogus'/],
    [['estimate'], /required option '--data <file.csv>' not specified/],
    [
      ['explain', '--run', 'r', '--province', 'GD', '--year', 'abc', '--variable', 'CI'],
      /expected a whole number from 1900 to 2100/,
    ],
    [['diff', 'a', 'b', '--tolerance', '-1'], /expected a number ≥ 0/],
  ])('aicarbon %j', async (args, message) => {
    const r = await runCli(args, NOWHERE);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('configuration mistakes exit 2 before any work, naming the setting', async () => {
    const status = await runCli(['status', 'some-run'], NOWHERE);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('Cannot reach Temporal at 127.0.0.1:1');
    const deployment = await runCli(['run'], { ...NOWHERE, AICARBON_DEPLOYMENT: '../elsewhere' });
    expect(deployment.code).toBe(2);
    expect(deployment.stderr).toContain('AICARBON_DEPLOYMENT "../elsewhere": expected letters, digits');
    expect(deployment.stderr).not.toContain('Cannot reach Temporal');
    const server = await runCli(['server'], NOWHERE);
    expect(server.code).toBe(2);
    expect(server.stderr).toContain('TEMPORAL_ADDRESS=127.0.0.1:1 names a cluster');
  });

  it('--version exits 0; --help lists the exit statuses and the variables behind the options', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    for (const text of ['DATABASE_URL', 'AICARBON_OUT_DIR', 'AICARBON_DEPLOYMENT', 'Exit status:', '130'])
      expect(help.stdout).toContain(text);
    const schedule = await runCli(['schedule', '--help']);
    expect(schedule.stdout).toContain('--unpause');
    expect(schedule.stdout).toContain('--describe');
  });
});

describe('output into a pipe its reader closes', () => {
  it('aicarbon … | head stops quietly (exit 0, no EPIPE stack)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aicarbon-epipe-'));
    // A panel big enough that its JSON result (with its e(sample)) outgrows the pipe's buffer.
    const rows = ['firm,year,inv,value'];
    for (let f = 0; f < 2000; f++)
      for (let y = 2001; y <= 2020; y++) rows.push(`${f},${y},${(f * 7 + y) % 13},${(f * 3 + y * 5) % 17}`);
    await writeFile(join(dir, 'panel.csv'), `${rows.join('\n')}\n`);
    await writeFile(
      join(dir, 'spec.json'),
      JSON.stringify({ estimator: 'fe', y: 'inv', x: ['value'], entity: 'firm', time: 'year' }),
    );
    const cli = join(PROJECT_ROOT, 'bin', 'aicarbon.js');
    const r = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${cli}" estimate --data panel.csv --spec spec.json 2>err | head -c 100 >/dev/null; ` +
          'echo "${PIPESTATUS[0]}"',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    const stderr = await readFile(join(dir, 'err'), 'utf8');
    expect(stderr).toBe('');
    expect(r.stdout.trim()).toBe('0');
  });
});
