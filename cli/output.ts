/** How the CLI talks: messages to stderr, machine-readable results to stdout, exit codes by cause. */
import { isDataError, isInputError } from '../common/errors';

export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
/** The refresh completed but some estimations could not be computed (listed on stderr). */
export const EXIT_INCOMPLETE = 3;
/** Ctrl-C (SIGINT) or SIGTERM: the refresh stays in Temporal and the same command resumes it. */
export const EXIT_INTERRUPTED = 130;

export function say(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Runs a command body; bad input exits 2, data it cannot estimate 3, anything else 1; no stack. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      say(`aicarbon: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = isInputError(e) ? EXIT_BAD_INPUT : isDataError(e) ? EXIT_INCOMPLETE : EXIT_FAILED;
    }
  };
}
