/** `aicarbon explain`: the lineage of one value of a run, down to source file, sheet and cell. */
import { loadRunPanels } from '../../activities/run-panels';
import { InputError } from '../../common/errors';
import { loadConfig } from '../../common/config';
import { explain, formatExplain } from '../../indicators/explain';
import { openStore } from '../store-session';

export interface ExplainOptions {
  run: string;
  province: string;
  year: number;
  variable: string;
  json?: boolean;
}

export async function explainAction(opts: ExplainOptions): Promise<void> {
  const db = await openStore(loadConfig());
  try {
    const panels = await loadRunPanels(db, opts.run);
    if (!panels)
      throw new InputError(`--run: no run ${opts.run} with a stored panel in ${db.describe}`, '--run');
    const chain = explain(panels.indicators, panels.assembled, {
      variable: opts.variable,
      province: opts.province.toUpperCase(),
      year: opts.year,
    });
    process.stdout.write(
      opts.json ? `${JSON.stringify(chain, null, 2)}\n` : `${formatExplain(chain).join('\n')}\n`,
    );
  } finally {
    await db.close();
  }
}
