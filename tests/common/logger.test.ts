import { Writable } from 'node:stream';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { InputError, isInputError } from '../../common/errors';
import { createLogger, logLevelFrom } from '../../common/logger';
import { temporalLogger } from '../../temporal/runtime-logger';

/** A logger writing into an array of parsed JSON lines. */
function capture(level: Parameters<typeof logLevelFrom>[0]) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level: logLevelFrom(level, 'info'), destination });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('the logger', () => {
  it('honours LOG_LEVEL: below the level nothing is written, at and above it JSON lines', () => {
    const { log, records } = capture('warn');
    log.debug('hidden');
    log.info('hidden too');
    log.warn({ step: 'table3/(4)' }, 'shown');
    log.error('also shown');
    expect(records().map((r) => [r.level, r.msg])).toEqual([
      ['warn', 'shown'],
      ['error', 'also shown'],
    ]);
    expect(records()[0].step).toBe('table3/(4)');
    const quiet = capture('silent');
    quiet.log.error('nothing');
    expect(quiet.lines).toEqual([]);
  });

  it('defaults when LOG_LEVEL is unset and refuses an unknown level, naming LOG_LEVEL', () => {
    expect(logLevelFrom(undefined, 'info')).toBe('info');
    expect(logLevelFrom('DEBUG', 'info')).toBe('debug');
    let error: unknown;
    try {
      logLevelFrom('loud', 'info');
    } catch (e) {
      error = e;
    }
    expect(isInputError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'LOG_LEVEL: "loud" is not a level (expected one of trace, debug, info, warn, error, fatal, silent)',
    );
  });

  it("bridges Temporal's Runtime logger: its level follows, an activity failing on bad input is one line", () => {
    const { log, lines, records } = capture('warn');
    const bridge = temporalLogger(log);
    expect(bridge.level).toBe('WARN');
    bridge.info('Worker state changed');
    const bad = ApplicationFailure.create({
      type: 'InputError',
      message: 'data/x.csv: row 3: expected a number, found "n/a"',
      nonRetryable: true,
      details: ['data/x.csv:3'],
    });
    bridge.warn('Activity failed', { error: bad, durationMs: 4 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\\n    at ');
    expect(records()[0]).toMatchObject({
      level: 'warn',
      msg: 'Activity failed',
      durationMs: 4,
      err: {
        type: 'InputError',
        message: 'data/x.csv: row 3: expected a number, found "n/a"',
        where: 'data/x.csv:3',
      },
    });
    expect(records()[0].err).not.toHaveProperty('stack');
  });

  it('keeps the stack of a fault, and finds bad input as the cause of an activity failure', () => {
    const { log, records } = capture('info');
    log.error({ err: new Error('connection reset') }, 'fault');
    expect(String((records()[0].err as { stack: string }).stack)).toContain('connection reset\n    at ');
    const wrapped = new ActivityFailure(
      'Activity task failed',
      'ingestSource',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      'worker',
      ApplicationFailure.create({ type: 'DataError', message: 'the design is singular', nonRetryable: true }),
    );
    log.warn({ err: wrapped }, 'step failed');
    expect(records()[1].err).toEqual({ type: 'DataError', message: 'the design is singular' });
    log.warn({ err: new InputError('spec.vce: "clustr" is not a vce', 'spec.vce') }, 'spec');
    expect(records()[2].err).toEqual({
      type: 'InputError',
      message: 'spec.vce: "clustr" is not a vce',
      where: 'spec.vce',
    });
  });
});
