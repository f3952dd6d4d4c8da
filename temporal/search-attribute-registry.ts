/**
 * Making sure the server knows the project's search attributes before a refresh starts: without them
 * Temporal refuses the start ("Failed to start Workflow"). The local dev server gets them registered;
 * a cluster (TEMPORAL_ADDRESS) is told exactly which are missing and how to add them.
 */
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;
import { InputError } from '../common/errors';
import { SEARCH_ATTRIBUTES } from './search-attributes';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/** The project's search attributes the namespace lacks. */
export async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const r = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(r.customAttributes ?? {}), ...Object.keys(r.systemAttributes ?? {})]);
  return SEARCH_ATTRIBUTES.map((a) => a.name).filter((n) => !known.has(n));
}

export function howToAdd(names: string[], namespace: string): string {
  return names
    .map(
      (n) => `temporal operator search-attribute create --namespace ${namespace} --name ${n} --type Keyword`,
    )
    .join('\n');
}

/**
 * Registers missing search attributes on the dev server (`register`), or fails naming them and the
 * commands that add them. Returns the names it registered.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  options: { register: boolean; where: string },
): Promise<string[]> {
  const missing = await missingSearchAttributes(connection, namespace);
  if (!missing.length) return [];
  if (!options.register) {
    throw new InputError(
      `${options.where} (namespace ${namespace}) lacks the search attribute${missing.length > 1 ? 's' : ''} ` +
        `${missing.join(', ')} that aicarbon's refreshes carry. Add ${missing.length > 1 ? 'them' : 'it'} once:\n` +
        howToAdd(missing, namespace),
      'TEMPORAL_ADDRESS',
    );
  }
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((n) => [n, KEYWORD])),
  });
  // The server takes a moment to see them everywhere; wait until it lists them.
  const deadline = Date.now() + 15_000;
  while ((await missingSearchAttributes(connection, namespace)).length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  return missing;
}
