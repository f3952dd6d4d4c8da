/**
 * The yearbook table layouts (China Statistical Yearbook, China Energy Statistical Yearbook, the
 * environment yearbook) are declarations, in yearbook-tables.json, in the same language a user writes
 * their own layouts in (ingest/layout-declaration.ts; walk-through in ingest/README.md). Adding a
 * table is one entry there.
 */
import { declaredLayout } from '../grid';
import type { Layout } from '../layout';
import { builtinDeclarations } from '../layout-declaration';

export const YEARBOOK_TABLES = builtinDeclarations(new URL('./yearbook-tables.json', import.meta.url));

export const yearbookLayouts: Layout[] = YEARBOOK_TABLES.map(declaredLayout);
