/**
 * Determinism: a recorded history of refreshWorkflow (tests/fixtures/histories/refresh.json, recorded
 * with RECORD_HISTORY=1 by refresh.test.ts) must replay against today's workflow code. A change that
 * would break running refreshes fails here.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../worker';

describe('refreshWorkflow determinism', () => {
  it('replays the recorded history without a nondeterminism error', async () => {
    const history = JSON.parse(
      await readFile(join(import.meta.dirname, '..', 'fixtures', 'histories', 'refresh.json'), 'utf8'),
    );
    expect(history.events.length).toBeGreaterThan(20);
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'refresh-recorded'),
    ).resolves.toBeUndefined();
  });
});
