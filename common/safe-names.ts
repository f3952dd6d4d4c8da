/**
 * Names that become parts of paths (vintages, study ids, run ids) and the one way an output path is
 * made from them, so no configuration value can make aicarbon write or remove outside its folders.
 *
 * A safe name is 1–120 characters of letters, digits, `.`, `_` and `-`, starting with a letter or
 * digit: it has no `/` or `\`, is never `.` or `..`, and cannot start a hidden or option-like name.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from './errors';

export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;
export const SAFE_NAME_RULE =
  'letters, digits, ".", "_" or "-" only, starting with a letter or digit, at most 120 characters';

/** Throws an InputError naming `what` unless `value` is a safe name. */
export function assertSafeName(value: string, what: string): string {
  if (!SAFE_NAME.test(value))
    throw new InputError(`${what} "${value}" is not a safe name (${SAFE_NAME_RULE})`, what);
  return value;
}

/** True when `path` is `root` itself or lies below it (both resolved, no symbolic links involved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** `root/name` for a safe name; anything else is refused before a file is touched. */
export function childPath(root: string, name: string, what: string): string {
  assertSafeName(name, what);
  const path = resolve(root, name);
  if (!isInside(root, path) || path === resolve(root))
    throw new InputError(`${what} "${name}" would leave ${root}`, what);
  return path;
}
