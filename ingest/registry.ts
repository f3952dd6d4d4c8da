/** Every layout a manifest may name. Adding a source layout is one line here. */
import { InputError } from '../common/errors';
import type { Layout } from './layout';
import { ceadsProvincial } from './layouts/ceads-provincial';
import { nbsPortalCsv } from './layouts/nbs-portal-csv';
import { patentExport } from './layouts/patent-export';
import { tidyCsv } from './layouts/tidy-csv';
import { yearbookLayouts } from './layouts/yearbook-tables';

export const LAYOUTS: Record<string, Layout> = Object.fromEntries(
  [ceadsProvincial, nbsPortalCsv, tidyCsv, patentExport, ...yearbookLayouts].map((l) => [l.id, l]),
);

export function layoutById(id: string, where: string): Layout {
  const layout = Object.hasOwn(LAYOUTS, id) ? LAYOUTS[id] : undefined;
  if (!layout)
    throw new InputError(
      `${where}: unknown layout "${id}" (known: ${Object.keys(LAYOUTS).join(', ')})`,
      where,
    );
  return layout;
}
