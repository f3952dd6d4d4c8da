/**
 * Containment of a manifest's entries: each path is relative, has no `..` segment, and resolves
 * (symbolic links followed) to a regular file inside the inputs folder. The check runs before a byte
 * of the file is read, so a hostile manifest cannot make a run read, hash or quote a file outside its
 * inputs; a symbolic link that stays inside the folder is fine.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../common/errors';
import { isInside } from '../common/safe-names';

/** Why a manifest path is refused on its face (before the file system is asked), or undefined. */
export function unsafeEntryPath(path: string): string | undefined {
  if (path.includes('\0')) return 'a NUL character in the path';
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path))
    return 'an absolute path (paths are relative to the inputs folder)';
  if (path.split(/[/\\]/).includes('..')) return 'a ".." segment (paths must stay inside the inputs folder)';
  return undefined;
}

/**
 * The real path of a manifest entry's file, or an InputError naming the entry (`where`, e.g.
 * `manifest.json files[3] "real/gdp.csv"`) and what is wrong.
 */
export async function inputFilePath(inputsDir: string, entryPath: string, where: string): Promise<string> {
  const unsafe = unsafeEntryPath(entryPath);
  if (unsafe) throw new InputError(`${where}: refused, ${unsafe}`, where);
  const root = await realpath(inputsDir).catch(() => {
    throw new InputError(`inputs folder ${inputsDir} does not exist`, inputsDir);
  });
  let real: string;
  try {
    real = await realpath(resolve(root, entryPath));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `${where}: no such file in the inputs folder ${inputsDir}`
        : `${where}: cannot be resolved (${code ?? (e as Error).message})`,
      where,
    );
  }
  if (!isInside(root, real))
    throw new InputError(
      `${where}: refused, a symbolic link to a file outside the inputs folder ${inputsDir}`,
      where,
    );
  const info = await stat(real);
  if (!info.isFile()) throw new InputError(`${where}: not a regular file`, where);
  return real;
}
