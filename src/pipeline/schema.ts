/**
 * Zod schemas of pipeline files. The loader checks a file in two passes (the common fields here, then
 * each step's `with:` block against its kind), so error messages point at one field. The published
 * JSON Schema combines both through {@link pipelineFileSchema}.
 */
import { z } from 'zod';
import { durationSchema } from './duration.js';
import { stepKinds } from './steps/registry.js';

/** Step and param names: a letter or underscore, then letters, digits, `_` or `-`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const name = (what: string) =>
  z
    .string()
    .regex(NAME_PATTERN, `${what} must start with a letter or _ and contain only letters, digits, _ and -`);

export const retriesSchema = z
  .union([
    z.number().int().min(0).max(100),
    z.strictObject({
      max: z.number().int().min(0).max(100).describe('Number of retries after the first attempt'),
      delay: durationSchema.optional().describe('Wait before the first retry (default 10s)'),
      backoff: z
        .number()
        .min(1)
        .max(10)
        .optional()
        .describe('Factor applied to the delay after each retry (default 2)'),
      'max-delay': durationSchema.optional().describe('Upper bound of the delay (default 10m)'),
    }),
  ])
  .describe('Retries of a failed attempt: a count, or max with delay and backoff');

export const paramSchema = z
  .strictObject({
    type: z.enum(['string', 'number', 'boolean', 'date']).describe('date is YYYY-MM-DD'),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    description: z.string().optional(),
  })
  .describe('A pipeline parameter, given on the command line as --param name=value');

/** Fields every step has, whatever its kind. */
export const stepCommonShape = {
  kind: z.string().describe('Step kind'),
  description: z.string().optional(),
  needs: z
    .union([name('a step name'), z.array(name('a step name'))])
    .optional()
    .describe('Steps that must end before this one starts'),
  if: z
    .union([z.string(), z.boolean()])
    .optional()
    .describe('Condition; default success(). Status functions: success(), failure(), always(), cancelled()'),
  timeout: durationSchema.optional().describe('Deadline of each attempt, counted from its start'),
  retries: retriesSchema.optional(),
  'continue-on-error': z.boolean().optional().describe('Dependents treat a failure of this step as success'),
  'poll-interval': durationSchema.optional().describe('Poll interval for kinds that poll'),
  with: z.unknown().optional(),
};

export const stepBaseSchema = z.strictObject(stepCommonShape);

/** The pipeline file with `with:` blocks left unchecked; the loader checks them per kind. */
export const pipelineBaseSchema = z.strictObject({
  name: name('pipeline name').optional().describe('Pipeline name; default: the file name without extension'),
  description: z.string().optional(),
  params: z.record(name('a param name'), paramSchema).optional(),
  env: z
    .record(z.string(), z.string())
    .optional()
    .describe('Environment for all steps; values may use expressions'),
  'allowed-hosts': z
    .array(z.string().min(1))
    .optional()
    .describe('Hosts HTTP steps may reach; default: loopback only (127.0.0.1, ::1, localhost)'),
  timeout: durationSchema.optional().describe('Deadline of the whole run, counted from its start'),
  defaults: z
    .strictObject({
      timeout: durationSchema.optional(),
      retries: retriesSchema.optional(),
      'poll-interval': durationSchema.optional(),
    })
    .optional()
    .describe('Defaults for every step'),
  steps: z.record(name('a step name'), z.unknown()).describe('Steps by name'),
});

/** Builds the full schema with one branch per step kind, for the published JSON Schema. */
export function pipelineFileSchema(): z.ZodType {
  const branches = stepKinds.map((kind) =>
    z
      .strictObject({
        ...stepCommonShape,
        kind: z.literal(kind.name).describe(kind.description),
        with: kind.configSchema,
      })
      .describe(kind.description),
  );
  const [first, second, ...rest] = branches;
  const step = second ? z.discriminatedUnion('kind', [first!, second, ...rest]) : first!;
  return pipelineBaseSchema.extend({ steps: z.record(name('a step name'), step) });
}

/** Generates the JSON Schema published at `schemas/pipeline.schema.json`. */
export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(pipelineFileSchema(), { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    $id: 'https://knimectl.invalid/schemas/pipeline.schema.json',
    title: 'knimectl pipeline file',
    ...schema,
  };
}
