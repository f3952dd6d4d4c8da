import type { z } from 'zod';
import { parseOrThrow } from '../../common/errors';
import type { LayoutContext } from '../layout';

/** A layout's options from the manifest, validated; the error names the file and the option. */
export function layoutOptions<S extends z.ZodType>(schema: S, ctx: LayoutContext): z.infer<S> {
  return parseOrThrow(schema, ctx.options, { source: `manifest entry ${ctx.name}`, prefix: 'options' });
}
