/**
 * What an operator sees: the dev server's Web UI, driven in headless Chromium (Debian's package; no
 * browser is downloaded), finds the refresh by its search attributes and shows its estimation steps
 * with their summaries.
 */
import { refreshWorkflowId } from '../../workflows/types';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { triggerRefresh } from '../../cli/trigger';
import { freePort } from '../../common/ports';
import type { WorkerSet } from '../../worker';
import { inProcessWorkers, pipelineFixture, type PipelineFixture, planRefreshFor } from '../helpers/pipeline';
import { launchChromium } from '../helpers/chromium';
import { createDevServerEnv } from '../helpers/temporal';

describe('the Temporal Web UI', () => {
  let env: TestWorkflowEnvironment;
  let f: PipelineFixture;
  let workers: WorkerSet;
  let browser: Browser;
  let ui: string;
  beforeAll(async () => {
    const uiPort = await freePort();
    ui = `http://127.0.0.1:${uiPort}`;
    env = await createDevServerEnv({ uiPort });
    f = await pipelineFixture(env);
    workers = await inProcessWorkers(env, f);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await workers?.shutdown();
    await f?.close();
    await env?.teardown();
  });

  it('lists the refresh under its study and shows its estimation steps', async () => {
    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    const { handle } = await triggerRefresh(env.client, input);
    await handle.result();
    const page = await browser.newPage();
    const query = encodeURIComponent(`AicarbonStudy="${input.studyId}" AND AicarbonStage="done"`);
    await page.goto(`${ui}/namespaces/default/workflows?query=${query}`);
    // The list shows the workflow id: the run id at its deployment.
    await page.getByText(refreshWorkflowId(input), { exact: true }).first().waitFor({ timeout: 30_000 });

    await page.goto(
      `${ui}/namespaces/default/workflows/${encodeURIComponent(`${refreshWorkflowId(input)}/estimate`)}`,
    );
    await page.getByText('estimateStageWorkflow').first().waitFor({ timeout: 30_000 });
    // The batch that computed table3/(4): its summary names the table and its columns as a range.
    await page
      .getByText(/estimateSteps • \d+ estimations: (.*; )?table3 \(1\)–\(\d+\)/)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.close();
  }, 180_000);
});
