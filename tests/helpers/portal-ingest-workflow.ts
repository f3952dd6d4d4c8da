/**
 * A test-only workflow: one portal ingest as the refresh schedules it, with the heartbeat timeout
 * given by the test (seconds instead of a minute), so waits longer than that timeout are exercised
 * against a real dev server in test time.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { IoActivities as Activities } from '../../activities';

export async function portalIngestWorkflow(
  args: Parameters<Activities['ingestSource']>[0],
  heartbeatTimeout: string,
): Promise<Awaited<ReturnType<Activities['ingestSource']>>> {
  const { ingestSource } = proxyActivities<Activities>({
    startToCloseTimeout: '10m',
    heartbeatTimeout,
    retry: { maximumAttempts: 2, nonRetryableErrorTypes: ['InputError'] },
  });
  return ingestSource(args);
}
