/**
 * The edge between domain errors and Temporal's retry policy: bad input becomes a non-retryable
 * failure whose message names the input; everything else stays retryable (network, database, crash).
 */
import { ApplicationFailure } from '@temporalio/common';
import { isInputError } from '../common/errors';

export function nonRetryableOnBadInput<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (e) {
      if (isInputError(e)) {
        throw ApplicationFailure.create({
          type: 'InputError',
          message: e.message,
          nonRetryable: true,
          details: e.location ? [e.location] : [],
        });
      }
      throw e;
    }
  };
}
