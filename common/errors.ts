/**
 * Bad input: a fault of the data or the configuration that retrying cannot fix. Activities turn it into
 * a non-retryable Temporal failure; the CLI exits with status 2. The message is for the person who must
 * fix the input: it names the file, sheet, cell (or key, column, row, URL, selector) and says what was
 * expected and what was found.
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

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}
