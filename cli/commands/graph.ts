/**
 * `aicarbon graph`: the DAG of a refresh as Mermaid or Graphviz DOT — a stored run's steps (reused or
 * computed), or without --run the plan of the current inputs and code against the store (would reuse,
 * would compute).
 */
import { planRefreshKeys } from '../../activities/plan';
import { InputError } from '../../common/errors';
import { loadConfig } from '../../common/config';
import { refreshGraph, toDot, toMermaid, type GraphStep } from '../../freshness/graph';
import { loadRunSteps, storedKeys } from '../../store/run-steps';
import { planColumnDigests } from '../plan-digests';
import { openStore } from '../store-session';
import { applyInputOptions, type InputOptions } from './run';

export const GRAPH_FORMATS = ['mermaid', 'dot'] as const;

export interface GraphOptions extends InputOptions {
  run?: string;
  format: (typeof GRAPH_FORMATS)[number];
}

export async function graphAction(opts: GraphOptions): Promise<void> {
  const config = applyInputOptions(loadConfig(), opts);
  const db = await openStore(config);
  try {
    let title: string;
    let steps: GraphStep[];
    if (opts.run) {
      const records = await loadRunSteps(db, opts.run);
      if (!records.length)
        throw new InputError(`--run: no steps of a run ${opts.run} in ${db.describe}`, '--run');
      title = opts.run;
      steps = records.map((r) => ({ ...r, state: r.reused ? 'reused' : 'computed' }));
    } else {
      const plan = await planRefreshKeys({
        studyPath: config.studyPath,
        inputsDir: config.inputsDir,
        buildManifest: config.buildManifest,
        columnDigests: planColumnDigests(db),
      });
      const stored = await storedKeys(
        db,
        plan.keys.map((k) => k.key),
      );
      title = `${plan.input.runId} (planned)`;
      steps = plan.keys.map((k) => ({
        ...k,
        state: k.kind !== 'publish' && stored.has(k.key) ? 'would reuse' : 'would compute',
      }));
    }
    const graph = refreshGraph(title, steps);
    process.stdout.write(opts.format === 'dot' ? toDot(graph) : toMermaid(graph));
  } finally {
    await db.close();
  }
}
