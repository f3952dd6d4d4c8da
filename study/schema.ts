/**
 * The study definition file: variables' definitions, samples, weight matrices and every table as a
 * list of estimation specs (the `aicarbon estimate` spec shape). Analysts add a table by editing the
 * file. Errors name the path in the file (`tables[2].columns[1].spec.x[0]`).
 */
import { z } from 'zod';
import { specSchema } from '../econometrics/spec';
import { indicatorDefinitionSchema } from '../indicators/definition';

const id = z.string().regex(/^[A-Za-z0-9_()-]+$/, 'letters, digits, "_", "-", "(" or ")" only');

export const sampleSchema = z.strictObject({
  description: z.string().optional(),
  /** Keep rows whose `region` is one of these (East, Central, West); absent = all provinces. */
  regions: z
    .array(z.enum(['East', 'Central', 'West']))
    .min(1)
    .optional(),
});

export const columnSchema = z.strictObject({
  id,
  sample: z.string().default('all'),
  label: z.string().optional(),
  spec: specSchema,
});

export const tableSchema = z.strictObject({
  id,
  title: z.string(),
  notes: z.string().optional(),
  columns: z.array(columnSchema).min(1),
});

export const studySchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and "-" only (it is part of the run id)'),
    title: z.string(),
    /** Overrides the inputs' vintage in the run id (e.g. to pin a published release). */
    vintage: z.string().optional(),
    years: z.tuple([z.number().int(), z.number().int()]),
    assembly: z
      .strictObject({
        interpolation: z.enum(['linear', 'none']).default('linear'),
        /** Files that win when sources disagree, first wins. */
        priority: z.array(z.string()).default([]),
      })
      .prefault({}),
    indicators: indicatorDefinitionSchema.prefault({}),
    samples: z.record(z.string(), sampleSchema),
    tables: z.array(tableSchema).min(1),
  })
  .superRefine((study, ctx) => {
    const seen = new Set<string>();
    study.tables.forEach((table, t) => {
      if (seen.has(table.id))
        ctx.addIssue({
          code: 'custom',
          path: ['tables', t, 'id'],
          message: `duplicate table id "${table.id}"`,
        });
      seen.add(table.id);
      const columns = new Set<string>();
      table.columns.forEach((column, c) => {
        if (columns.has(column.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tables', t, 'columns', c, 'id'],
            message: `duplicate column id "${column.id}"`,
          });
        }
        columns.add(column.id);
        if (!Object.hasOwn(study.samples, column.sample)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tables', t, 'columns', c, 'sample'],
            message: `unknown sample "${column.sample}" (samples: ${Object.keys(study.samples).join(', ')})`,
          });
        }
      });
    });
  });

export type Study = z.infer<typeof studySchema>;
export type StudyTable = Study['tables'][number];
