/**
 * Every layout a manifest may name: the built-in ones (code, and the yearbook declarations) and the
 * declarations of the inputs folder. Adding a code layout is one line here; a declared one, a file.
 */
import { InputError } from '../common/errors';
import { declaredLayout } from './grid';
import type { Layout } from './layout';
import type { LayoutDeclaration } from './layout-declaration';
import { ceadsProvincial } from './layouts/ceads-provincial';
import { nbsPortalCsv } from './layouts/nbs-portal-csv';
import { patentExport } from './layouts/patent-export';
import { tidyCsv } from './layouts/tidy-csv';
import { yearbookLayouts } from './layouts/yearbook-tables';

export const LAYOUTS: Record<string, Layout> = Object.fromEntries(
  [ceadsProvincial, nbsPortalCsv, tidyCsv, patentExport, ...yearbookLayouts].map((l) => [l.id, l]),
);

export function layoutById(id: string, where: string, declared: LayoutDeclaration[] = []): Layout {
  const own = declared.find((d) => d.id === id);
  if (own) return declaredLayout(own);
  const layout = Object.hasOwn(LAYOUTS, id) ? LAYOUTS[id] : undefined;
  if (!layout)
    throw new InputError(
      `${where}: unknown layout "${id}" (known: ${[...Object.keys(LAYOUTS), ...declared.map((d) => d.id)].join(', ')}; ` +
        'a layout of your own is declared in a file the manifest lists under "layouts")',
      where,
    );
  return layout;
}
