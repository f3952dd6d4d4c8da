import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { nonRetryableOnBadInput } from '../../activities/failures';
import { InputError } from '../../common/errors';

describe('nonRetryableOnBadInput', () => {
  it('turns bad input into a non-retryable failure that keeps the message and location', async () => {
    const act = nonRetryableOnBadInput(async () => {
      throw new InputError('gdp.csv line 3: "x" is not a number', 'gdp.csv:3');
    });
    const e = await act().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApplicationFailure);
    expect(e).toMatchObject({
      type: 'InputError',
      nonRetryable: true,
      message: 'gdp.csv line 3: "x" is not a number',
      details: ['gdp.csv:3'],
    });
  });

  it('leaves transient faults retryable', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const act = nonRetryableOnBadInput(async () => {
      throw refused;
    });
    await expect(act()).rejects.toBe(refused);
  });
});
