import { inject } from 'vitest';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../../temporal/search-attributes';

/** A real Temporal dev server (the resolved CLI binary), with the project's search attributes. */
let runtimeInstalled = false;

export async function createDevServerEnv(
  options: { uiPort?: number } = {},
): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  // The SDK's core gives the server a fixed 5 s to answer (sdk-core ephemeral_server), and then kills
  // it; on a busy 2-core machine a start can take longer (seen once in CI). Such a start is tried again,
  // on a new port; any other error is the test's.
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: inject('temporalCli') },
          ip: '127.0.0.1',
          searchAttributes: SEARCH_ATTRIBUTES,
          extraArgs: ['--log-level', 'error'],
          ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
        },
      });
    } catch (e) {
      if (attempt >= 3 || !/did not start within/.test((e as Error)?.message ?? '')) throw e;
    }
  }
}

/** The first argument workflow `workflowId` was started with, read from its history. */
export async function startedInput<T>(client: Client, workflowId: string): Promise<T> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const payload = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
  return defaultPayloadConverter.fromPayload<T>(payload);
}
