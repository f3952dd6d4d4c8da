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
}

/** One way a source lays its numbers out; each returns all observations of a file or throws. */
export interface Layout {
  id: string;
  description: string;
  parse(ctx: LayoutContext): Promise<Observation[]>;
}
