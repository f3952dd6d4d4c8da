/**
 * The study definition file: variables' definitions, samples, weight matrices and every table as a
 * list of estimation specs (the `aicarbon estimate` spec shape). Analysts add a table by editing the
 * file. Errors name the path in the file (`tables[2].columns[1].spec.x[0]`).
 */
import { z } from 'zod';
import { SAFE_NAME, SAFE_NAME_RULE } from '../common/safe-names';
import { needsWeights, VCE_NAMES } from '../econometrics/registry';
import { specSchema } from '../econometrics/spec';
import { indicatorDefinitionSchema } from '../indicators/definition';
import { provinceCodes } from '../regions/provinces';

const id = z.string().regex(/^[A-Za-z0-9_()-]+$/, 'letters, digits, "_", "-", "(" or ")" only');

export const sampleSchema = z
  .strictObject({
    description: z.string().optional(),
    /** Keep rows whose `region` is one of these; absent (and no `provinces`) = all provinces. */
    regions: z
      .array(z.enum(['East', 'Central', 'West']))
      .min(1)
      .optional(),
    /** Keep these provinces (codes of regions/provinces.ts). */
    provinces: z.array(z.string()).min(1).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.regions && s.provinces)
      ctx.addIssue({ code: 'custom', path: ['provinces'], message: 'give regions or provinces, not both' });
    const known = new Set(provinceCodes());
    s.provinces?.forEach((p, i) => {
      if (!known.has(p))
        ctx.addIssue({
          code: 'custom',
          path: ['provinces', i],
          message: `unknown province code "${p}" (expected one of ${[...known].join(' ')})`,
        });
    });
  });

/** Row-standardised weight matrices (STUDY.md, spatial weights); built by the weights module. */
export const weightsSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('contiguity'),
    /** What the tables print over a column estimated under this matrix (default: from its kind). */
    name: z.string().optional(),
    description: z.string().optional(),
    /** Hainan is an island: link it to Guangdong (the literature's usual choice). */
    hainanGuangdong: z.boolean().default(true),
  }),
  z.strictObject({
    kind: z.literal('economic'),
    name: z.string().optional(),
    description: z.string().optional(),
    /** 1/|mean_i − mean_j| of this panel variable over the study years. */
    variable: z.string().default('gdp_per_capita'),
    /** `exp`: average exp(variable), e.g. GDP per capita from ED = ln(GDP per capita). */
    transform: z.enum(['none', 'exp']).default('none'),
  }),
  z.strictObject({
    kind: z.literal('inverse-distance'),
    name: z.string().optional(),
    description: z.string().optional(),
    /** Distance between capital cities raised to this power (1 = inverse great-circle distance). */
    power: z.number().positive().default(1),
  }),
]);

const fillCommon = {
  variable: z.string(),
  /** The years the rule may fill (default: the study years). */
  years: z.tuple([z.number().int(), z.number().int()]).optional(),
  /** Why, and whose rule it is: shown wherever the filled cells are counted. */
  note: z.string().optional(),
};
export const fillRuleSchema = z.discriminatedUnion('rule', [
  z.strictObject({ ...fillCommon, rule: z.literal('growth'), by: z.string() }),
  z.strictObject({ ...fillCommon, rule: z.literal('substitute'), by: z.string() }),
  z.strictObject({ ...fillCommon, rule: z.literal('trend') }),
]);

export const variableSchema = z.strictObject({
  label: z.string().optional(),
  description: z.string(),
  /** The proxy used when the sample inputs lack the paper's variable. */
  proxy: z.string().optional(),
});

export const columnSchema = z.strictObject({
  id,
  sample: z.string().default('all'),
  /** Header above the column id (e.g. `OLS`, `FE`, `East`, `W1`). */
  label: z.string().optional(),
  /** Name of a matrix in the study's `weights`, for spatial estimators. */
  weights: z.string().optional(),
  spec: specSchema,
});

export const tableSchema = z.strictObject({
  id,
  title: z.string(),
  notes: z.string().optional(),
  /** false: control coefficients collapse into one "Controls: Yes/No" row. */
  showControls: z.boolean().default(true),
  /** Extra named statistics to print under N and R² (e.g. `ar2_p`, `first_stage_f:AIT`). */
  statistics: z.array(z.string()).default([]),
  /**
   * Which p-value makes the stars: `wild` (every column's spec.inference.wild) or a vce (each column's
   * spec.vce or one of its spec.inference.vce). Absent: each column's own vce. With a choice, the
   * conventional and the chosen p-value are printed side by side under each standard error.
   */
  stars: z.enum(['wild', ...VCE_NAMES]).optional(),
  columns: z.array(columnSchema).min(1),
});

export const figureSchema = z.strictObject({
  id,
  title: z.string(),
  kind: z.literal('scatter'),
  x: z.string(),
  y: z.string(),
  sample: z.string().default('all'),
  /** Draw the pooled OLS line of y on x. */
  fit: z.boolean().default(true),
});

export const studySchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and "-" only (it is part of the run id)'),
    title: z.string(),
    /** Overrides the inputs' vintage in the run id (e.g. to pin a published release). */
    vintage: z.string().regex(SAFE_NAME, `${SAFE_NAME_RULE} (it is part of the run id)`).optional(),
    years: z.tuple([z.number().int(), z.number().int()]),
    assembly: z
      .strictObject({
        /** `linear` is the paper's choice; `log-linear` fills at constant growth between observations. */
        interpolation: z.enum(['linear', 'log-linear', 'none']).default('linear'),
        /** Filling past a series' first or last observation: only when the study asks (flagged extrapolated). */
        extrapolation: z.enum(['none', 'nearest', 'trend']).default('none'),
        /** Files that win when sources disagree, first wins. */
        priority: z.array(z.string()).default([]),
        /**
         * The study's rules for cells the sources leave empty, in order (assembly/fill.ts): `growth`
         * (extend by another variable's growth rate), `substitute` (another variable's value),
         * `trend` (the line through the two nearest observations). Every filled cell is flagged.
         */
        fill: z.array(fillRuleSchema).default([]),
      })
      .prefault({}),
    indicators: indicatorDefinitionSchema.prefault({}),
    variables: z.record(z.string(), variableSchema).default({}),
    /** The control set `C`: rows the tables label as controls. */
    controls: z.array(z.string()).default(['ED', 'ER', 'ECS', 'WF', 'OPEN']),
    samples: z.record(z.string(), sampleSchema),
    weights: z.record(z.string(), weightsSchema).default({}),
    tables: z.array(tableSchema).min(1),
    figures: z.array(figureSchema).default([]),
  })
  .superRefine((study, ctx) => {
    if (study.years[0] > study.years[1])
      ctx.addIssue({ code: 'custom', path: ['years'], message: 'expected [first year, last year]' });
    const sampleNames = Object.keys(study.samples).join(', ');
    const weightNames = Object.keys(study.weights).join(', ') || 'none declared';
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
        const starsIssue = starsIssueOf(table.stars, column.spec);
        if (starsIssue)
          ctx.addIssue({
            code: 'custom',
            path: ['tables', t, 'stars'],
            message: `column ${column.id}: ${starsIssue}`,
          });
        const at = ['tables', t, 'columns', c];
        if (columns.has(column.id)) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'id'],
            message: `duplicate column id "${column.id}"`,
          });
        }
        columns.add(column.id);
        if (!Object.hasOwn(study.samples, column.sample)) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'sample'],
            message: `unknown sample "${column.sample}" (samples: ${sampleNames})`,
          });
        }
        if (column.weights !== undefined && !Object.hasOwn(study.weights, column.weights)) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'weights'],
            message: `unknown weight matrix "${column.weights}" (weights: ${weightNames})`,
          });
        }
        // Whether a column needs weights is its estimator's contract (econometrics/registry.ts); the
        // spec's own checks against that contract ran in specSchema, with paths under `spec`.
        const spatial = needsWeights(column.spec.estimator);
        if (column.weights === undefined && spatial) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'weights'],
            message: `estimator "${column.spec.estimator}" needs a weight matrix (weights: ${weightNames})`,
          });
        } else if (column.weights !== undefined && !spatial) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'weights'],
            message: `estimator "${column.spec.estimator}" uses no weight matrix`,
          });
        }
        if (column.spec.subset) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'spec', 'subset'],
            message: 'choose rows with the column\'s "sample", not spec.subset',
          });
        }
      });
    });
    const figures = new Set<string>();
    study.figures.forEach((figure, f) => {
      if (figures.has(figure.id) || seen.has(figure.id))
        ctx.addIssue({ code: 'custom', path: ['figures', f, 'id'], message: `duplicate id "${figure.id}"` });
      figures.add(figure.id);
      if (!Object.hasOwn(study.samples, figure.sample))
        ctx.addIssue({
          code: 'custom',
          path: ['figures', f, 'sample'],
          message: `unknown sample "${figure.sample}" (samples: ${sampleNames})`,
        });
    });
  });

/** Why a column cannot give the p-value its table's `stars` asks for (undefined if it can). */
function starsIssueOf(stars: string | undefined, spec: z.infer<typeof specSchema>): string | undefined {
  if (!stars || !['ols', 'fe', 'iv'].includes(spec.estimator)) return undefined;
  if (stars === 'wild')
    return spec.inference?.wild
      ? undefined
      : 'stars "wild" needs spec.inference.wild (the wild cluster bootstrap) in every column';
  if (spec.vce === stars || spec.inference?.vce?.includes(stars as never)) return undefined;
  return `stars "${stars}" needs spec.vce "${stars}" or "${stars}" in spec.inference.vce`;
}

export type Study = z.infer<typeof studySchema>;
export type StudyInput = z.input<typeof studySchema>;
export type StudyTable = Study['tables'][number];
export type StudyColumn = StudyTable['columns'][number];
export type StudyFigure = Study['figures'][number];
export type WeightsDefinition = z.infer<typeof weightsSchema>;
