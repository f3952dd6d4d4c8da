/**
 * Temporal's Runtime logger bridged to the one logger (common/logger.ts): the SDK's worker and
 * activity logs become pino lines at the same level, so LOG_LEVEL governs them too and an activity
 * failing on bad input is logged as one line, not the failure's whole stack.
 */
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import type { LogLevel as TemporalLevel } from '@temporalio/common';
import type { Logger } from '../common/logger';

const TEMPORAL_LEVEL: Record<string, TemporalLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

export function temporalLogger(log: Logger): DefaultLogger {
  return new DefaultLogger(TEMPORAL_LEVEL[log.level] ?? 'INFO', (entry: LogEntry) => {
    const { error, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
    // `err` goes through the logger's serializer: one line for bad input, the stack for a fault.
    const fields = error === undefined ? meta : { ...meta, err: error };
    const level = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    log[level](fields, entry.message);
  });
}
