/**
 * The column digests of the indicator panel a refresh would make, computed in memory without storing
 * anything (`aicarbon outdated` and `graph` before a refresh): each estimation's key is on the digests
 * of the columns it reads (the early cut-off), so only they say which estimations a changed input
 * reaches. The same steps as the refresh — each file's observations (the store's, when its key is
 * stored; else parsed from the file), assembly with the refresh's options, the indicators — and the
 * same digest (panel/column-digests.ts), over the rows as the store would hold them (JSON).
 *
 * A portal input cannot be previewed without querying the portal: the preview is then undefined, and
 * the estimations' keys stay pending.
 */
import { assemble, type AssembledPanel } from '../assembly';
import { computeIndicators } from '../indicators';
import { ingestFile, type LayoutDeclaration } from '../ingest';
import { inputFilePath } from '../ingest/input-files';
import type { IngestTools } from '../ingest/layout';
import type { Observation } from '../ingest/observation';
import { PORTAL_LAYOUT } from '../ingest/portal-source';
import { columnDigests, type ColumnDigests } from '../panel/column-digests';
import type { Study } from '../study';
import { assemblyOptions, PANEL_INDEX } from './step-keys';
import type { StepKey } from './keys';

export interface PreviewInputs {
  inputsDir: string;
  study: Study;
  files: { path: string; layout: string; options?: Record<string, unknown> }[];
  /** The planned ingest keys, in the files' order, and the assemble key. */
  ingest: StepKey[];
  assemble: StepKey;
  declarations?: LayoutDeclaration[];
  /** Conversion tools (LibreOffice for .xls), as the ingest activity has them. */
  tools?: IngestTools;
  /** What the store already holds (each lookup may answer undefined: then it is computed). */
  stored?: {
    observations?: (ingestKey: string) => Promise<Observation[] | undefined>;
    assembled?: (assembleKey: string) => Promise<AssembledPanel | undefined>;
  };
}

export async function previewColumnDigests(p: PreviewInputs): Promise<ColumnDigests | undefined> {
  let panel = await p.stored?.assembled?.(p.assemble.key);
  if (!panel) {
    const observations: Observation[] = [];
    for (const [i, f] of p.files.entries()) {
      let own = await p.stored?.observations?.(p.ingest[i].key);
      if (!own) {
        if (f.layout === PORTAL_LAYOUT) return undefined;
        own = (
          await ingestFile(await inputFilePath(p.inputsDir, f.path, f.path), f.layout, {
            name: f.path,
            options: f.options,
            declarations: p.declarations,
            ...(p.tools ? { tools: p.tools } : {}),
          })
        ).observations;
      }
      for (const o of own) observations.push({ ...o, source: { ...o.source, file: f.path } });
    }
    panel = assemble(
      observations,
      assemblyOptions(
        p.study,
        p.files.map((f) => f.path),
      ),
    );
  }
  const table = computeIndicators(panel, p.study.indicators);
  return columnDigests(JSON.parse(JSON.stringify(table.rows)) as typeof table.rows, PANEL_INDEX);
}
