import type { z } from 'zod';
import { InputError } from '../../common/errors';
import type { LayoutContext } from '../layout';

/** A layout's options from the manifest, validated; the error names the file and the option. */
export function layoutOptions<S extends z.ZodType>(schema: S, ctx: LayoutContext): z.infer<S> {
  const r = schema.safeParse(ctx.options);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(
      `manifest entry ${ctx.name}: options.${issue.path.join('.')}: ${issue.message}`,
      `${ctx.name}#options`,
    );
  }
  return r.data;
}
