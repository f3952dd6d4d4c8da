/**
 * A published folder appears whole or not at all: its files are written to a hidden scratch folder
 * inside the output folder (`out/.partial-<name>.<pid>`), then renamed into place. A previous
 * `out/<name>` is first renamed aside (`out/.replaced-<name>.<pid>`) and removed after the switch.
 * Scratch folders left by a killed process are removed by the next publish into the same output folder.
 *
 * Only names this module made are ever removed, and only inside the output folder; `name` must be a
 * safe name (common/safe-names.ts).
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { childPath, isInside } from '../common/safe-names';

const SCRATCH = /^\.(partial|replaced)-(.+)\.(\d+)$/;
/** Scratch folders of the layout before this module (`<name>.partial-<pid>`). */
const LEGACY = /^(.+)\.partial-(\d+)$/;

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function removeInside(outDir: string, path: string): Promise<void> {
  if (!isInside(outDir, path) || resolve(path) === resolve(outDir))
    throw new Error(`refusing to remove ${path}: not inside the output folder ${outDir}`);
  await rm(path, { recursive: true, force: true });
}

/** Removes scratch folders of processes that no longer run; returns their names. */
export async function cleanPartialFolders(outDir: string): Promise<string[]> {
  const entries = await readdir(outDir, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const m = SCRATCH.exec(e.name);
    const legacy = LEGACY.exec(e.name);
    const pid = m ? Number(m[3]) : legacy ? Number(legacy[2]) : undefined;
    if (pid === undefined || isAlive(pid)) continue;
    await removeInside(outDir, join(outDir, e.name));
    removed.push(e.name);
  }
  return removed;
}

/**
 * Writes `out/<name>/` through `fill(scratch)`, which gets an empty folder to write into; returns what
 * `fill` returns with the scratch paths (`scratch/…`) for the final ones (`out/<name>/…`).
 */
export async function publishFolder(
  outDir: string,
  name: string,
  fill: (scratch: string) => Promise<string[]>,
): Promise<string[]> {
  const final = childPath(outDir, name, 'run id');
  await mkdir(outDir, { recursive: true });
  await cleanPartialFolders(outDir);
  const scratch = join(outDir, `.partial-${name}.${process.pid}`);
  const aside = join(outDir, `.replaced-${name}.${process.pid}`);
  await removeInside(outDir, scratch);
  await mkdir(scratch);
  let written: string[];
  try {
    written = await fill(scratch);
  } catch (e) {
    await removeInside(outDir, scratch);
    throw e;
  }
  await removeInside(outDir, aside);
  const hadFinal = await rename(final, aside).then(
    () => true,
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false;
      throw e;
    },
  );
  await rename(scratch, final);
  if (hadFinal) await removeInside(outDir, aside);
  return written.map((p) => final + p.slice(scratch.length));
}
