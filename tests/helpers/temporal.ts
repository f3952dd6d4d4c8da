import { inject } from 'vitest';
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
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: inject('temporalCli') },
      ip: '127.0.0.1',
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error'],
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
    },
  });
}
