import type { Observation } from './observation';

export interface LayoutContext {
  /** Absolute path of the file. */
  path: string;
  /** Name recorded in lineage (relative to the inputs folder). */
  name: string;
  sha256: string;
  /** The manifest entry's layout options. */
  options: Record<string, unknown>;
  signal?: AbortSignal;
  onProgress?: (done: number, total?: number) => void;
  /** Tells the person running the refresh something about the file that is not an error (reported). */
  note?: (message: string) => void;
  /** External tools and where their scratch files go (an .xls is converted by LibreOffice). */
  tools?: IngestTools;
}

export interface IngestTools {
  /** LibreOffice's `soffice` (default: found on PATH). */
  soffice?: string;
  /** Parent folder of scratch folders (default: the system's temporary folder). */
  scratchDir?: string;
}

/** One way a source lays its numbers out; each returns all observations of a file or throws. */
export interface Layout {
  id: string;
  description: string;
  parse(ctx: LayoutContext): Promise<Observation[]>;
}
