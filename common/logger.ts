/**
 * The one logger (pino): JSON lines on stderr at the level LOG_LEVEL names (trace, debug, info, warn,
 * error, fatal, silent), each command choosing its default when LOG_LEVEL is unset. An input or data
 * error is logged as one line (its kind, message and where); a fault keeps its stack, since someone
 * must find the code that failed.
 */
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { InputError, isDataError, isInputError } from './errors';

export type LogLevel = Level | 'silent';
export type { Logger };

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** LOG_LEVEL's value, or `fallback` when it is unset; another word is a mistake naming the variable. */
export function logLevelFrom(value: string | undefined, fallback: LogLevel): LogLevel {
  if (value === undefined || value === '') return fallback;
  const level = value.trim().toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level))
    throw new InputError(
      `LOG_LEVEL: "${value}" is not a level (expected one of ${LOG_LEVELS.join(', ')})`,
      'LOG_LEVEL',
    );
  return level;
}

export function createLogger(options: {
  level: LogLevel;
  name?: string;
  destination?: DestinationStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: options.name ? { name: options.name } : null,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: errorFields },
    },
    options.destination ?? pino.destination(2),
  );
}

const BAD_INPUT = new Set(['InputError', 'DataError']);

/**
 * An error as log fields. Input and data errors (also when Temporal carries them as an
 * ApplicationFailure of that type, or as the cause of an activity failure): kind, message and where,
 * no stack. Anything else: name, message and stack.
 */
export function errorFields(e: unknown): Record<string, unknown> {
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) {
    const type = (c as { type?: unknown }).type;
    if (isInputError(c) || isDataError(c))
      return { type: c.name, message: c.message, ...(c.location ? { where: c.location } : {}) };
    if (typeof type === 'string' && BAD_INPUT.has(type)) {
      const details = (c as { details?: unknown[] }).details;
      return { type, message: c.message, ...(details?.length ? { where: details[0] } : {}) };
    }
  }
  if (e instanceof Error) return { type: e.name, message: e.message, stack: e.stack };
  return { message: String(e) };
}
