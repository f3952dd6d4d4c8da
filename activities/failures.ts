/**
 * The edge between domain errors and Temporal's retry policy (common/errors.ts): bad input and data
 * errors become non-retryable failures whose message names the input; everything else stays retryable
 * (network, database, crash).
 */
import { ApplicationFailure } from '@temporalio/common';
import { isDataError, isInputError } from '../common/errors';

export function nonRetryableOnBadInput<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (e) {
      if (isInputError(e) || isDataError(e)) {
        throw ApplicationFailure.create({
          type: e.name,
          message: e.message,
          nonRetryable: true,
          details: e.location ? [e.location] : [],
        });
      }
      throw e;
    }
  };
}
