/**
 * The three kinds of failure, each with one meaning from the estimator to the exit code:
 *
 * | kind          | what it means                                             | Temporal        | CLI exit |
 * |---------------|-----------------------------------------------------------|-----------------|----------|
 * | `InputError`  | a spec, study or input-file mistake the user must fix      | non-retryable   | 2        |
 * | `DataError`   | the data cannot support one estimation (singular design…) | recorded, no retry; the study goes on | 3 |
 * | anything else | a fault (network, database, crash)                         | retried         | 1        |
 *
 * Messages are for the person who must act: they name the file, sheet, cell, key, column or matrix and
 * say what was expected and what was found. Schema (zod) issues are turned into messages by one helper,
 * `schemaIssueMessage`, so every file reports paths the same way.
 */
import type { z } from 'zod';

/**
 * A spec/study/input mistake: retrying cannot fix it. Activities turn it into a non-retryable Temporal
 * failure; the CLI exits with status 2. Detected before any work where possible.
 */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    /** Where the problem is, e.g. `gdp.xlsx!Sheet1!C7` or `spec.x[2]`; repeated in the message. */
    readonly location?: string,
  ) {
    super(message);
  }
}

/**
 * The data cannot support this estimation (a singular, rank-deficient or non-positive-definite
 * matrix, too few complete rows, a variable with no values): detected where it arises, recorded with
 * the estimation, never retried; the rest of the study goes on (exit 3).
 */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    /** What could not be computed, e.g. a term, `nobs` or the matrix name. */
    readonly location?: string,
  ) {
    super(message);
  }
}

// Checked by name, not instanceof: errors cross module copies (tsx, vitest workers, Temporal bundles).
export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}

export function isDataError(e: unknown): e is DataError {
  return e instanceof Error && e.name === 'DataError';
}

/** A zod issue path as the file spells it: `tables[2].columns[1].spec.x[0]`, after `prefix` if given. */
export function issuePath(path: readonly PropertyKey[], prefix = ''): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    prefix,
  );
}

/**
 * The one formatter of schema issues: `SOURCE: PATH: MESSAGE (keys) (and N more problems)`. `source`
 * names the file (or `spec`); `prefix` starts the path (e.g. `spec` so paths read `spec.x[1]`).
 */
export function schemaIssueMessage(
  error: z.ZodError,
  options: { source?: string; prefix?: string } = {},
): { message: string; path: string } {
  const issue = error.issues[0];
  const path = issuePath(issue.path, options.prefix) || '(root)';
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  const n = error.issues.length;
  const more = n > 1 ? ` (and ${n - 1} more problem${n > 2 ? 's' : ''})` : '';
  const message = `${options.source ? `${options.source}: ` : ''}${path}: ${issue.message}${keys}${more}`;
  return { message, path: options.source ? `${options.source}#${path}` : path };
}

/** Parses with a zod schema or throws the InputError `schemaIssueMessage` words. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: { source?: string; prefix?: string } = {},
): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const { message, path } = schemaIssueMessage(r.error, options);
  throw new InputError(message, path);
}
