/**
 * Reading a refresh's progress (cli/follow.ts readProgress): by query, else from the memo, and nothing
 * more once the caller has cancelled the read (the refresh ended and the connection is about to close:
 * a describe sent then could be retried after the close, and its retry threw out of a timer).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { readProgress } from '../../cli/follow';
import { PROGRESS_MEMO } from '../../workflows/progress';

/** A client and handle whose query fails (no worker answers) and whose describe is counted. */
function noWorker() {
  const calls: string[] = [];
  const client = {
    connection: {
      withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
      withAbortSignal: (_signal: AbortSignal, fn: () => Promise<unknown>) => fn(),
    },
  } as unknown as Client;
  const handle = {
    query: async () => {
      calls.push('query');
      throw new Error('no poller seen for task queue');
    },
    describe: async () => {
      calls.push('describe');
      return { memo: { [PROGRESS_MEMO]: { stage: 'estimate', stepsDone: 3, stepsTotal: 9 } } };
    },
  } as unknown as WorkflowHandle;
  return { client, handle, calls };
}

describe('reading the progress of a refresh', () => {
  it('falls back to the memo when no worker answers the query', async () => {
    const { client, handle, calls } = noWorker();
    const read = await readProgress(client, handle);
    expect(read.from).toBe('memo');
    expect(read.progress?.stepsDone).toBe(3);
    expect(calls).toEqual(['query', 'describe']);
  });

  it('asks nothing more once the read is cancelled', async () => {
    const { client, handle, calls } = noWorker();
    const asking = new AbortController();
    asking.abort();
    await expect(readProgress(client, handle, { signal: asking.signal })).rejects.toThrow();
    expect(calls).toEqual(['query']);
  });
});
