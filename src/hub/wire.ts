/**
 * Tolerant zod types of the KNIME Business Hub replies the client reads. Only the fields the
 * client uses are checked; every object is loose, so fields a Hub upgrade adds pass through and
 * stay available in `raw`. Hub ids, versions and timestamps arrive as strings in recorded bodies,
 * and some composed examples use numbers, so both are accepted where either was seen.
 */
import { z } from 'zod';

const text = z.string();
const stringOrNumber = z.union([z.string(), z.number()]);

/** A Mason control: `{href, method, isHrefTemplate?, ...}`. */
export const controlSchema = z.looseObject({
  href: text,
  method: text.optional(),
  isHrefTemplate: z.boolean().optional(),
});

const controlsSchema = z.record(z.string(), controlSchema);

/** The Mason properties every Hub object may carry. */
const masonShape = {
  '@controls': controlsSchema.optional(),
  '@namespaces': z.record(z.string(), z.unknown()).optional(),
  '@error': z.unknown().optional(),
};

/** `pagination` of paged lists; present only when paging was requested. */
export const paginationSchema = z.looseObject({
  totalItemCount: z.number().optional(),
  totalPageCount: z.number().optional(),
  nextPageCursor: text.optional(),
});

/**
 * An RFC 9457 problem document as the Hub sends it: `title` plus the plural `details[]`, and
 * optionally `status`, `type`, `instance`, `code` and extension members. The singular RFC member
 * `detail` is accepted as well.
 */
export const problemSchema = z.looseObject({
  title: text,
  details: z.array(z.unknown()).optional(),
  detail: text.optional(),
  status: z.number().optional(),
  type: text.optional(),
  instance: text.optional(),
  code: text.optional(),
});
export type Problem = z.infer<typeof problemSchema>;

const nodeMessageSchema = z.looseObject({
  node: text.optional(),
  messageType: text.optional(),
  message: z.unknown().optional(),
});

/**
 * A job (`WorkflowJob`) or a job list item. `state`, `jobState` and `workflowState` are each
 * optional here; the parser requires at least one of them and names the missing fields otherwise.
 */
export const jobSchema = z.looseObject({
  ...masonShape,
  id: text.optional(),
  name: text.optional(),
  state: text.optional(),
  jobState: text.optional(),
  workflowState: text.optional(),
  workflow: text.optional(),
  workflowId: text.optional(),
  itemVersion: stringOrNumber.nullable().optional(),
  deploymentId: text.nullable().optional(),
  executionContext: text.nullable().optional(),
  scope: text.optional(),
  creator: text.optional(),
  creatorName: text.optional(),
  initiator: text.optional(),
  initiatorName: text.optional(),
  createdVia: text.optional(),
  nodeMessages: z.array(nodeMessageSchema).nullable().optional(),
  outputValues: z.record(z.string(), z.unknown()).nullable().optional(),
  outputResources: z
    .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .nullable()
    .optional(),
  createdAt: stringOrNumber.nullable().optional(),
  startedExecutionAt: stringOrNumber.nullable().optional(),
  finishedExecutionAt: stringOrNumber.nullable().optional(),
});
export type WireJob = z.infer<typeof jobSchema>;

/** `JobList`: `{jobs: [...]}` with optional paging. */
export const jobListSchema = z.looseObject({
  ...masonShape,
  pagination: paginationSchema.optional(),
  jobs: z.array(z.unknown()),
});

/** A deployment of any type (`rest`, `schedule`, `data-app`, `trigger`). */
export const deploymentSchema = z.looseObject({
  ...masonShape,
  id: text,
  type: text.optional(),
  name: text.optional(),
  scope: text.optional(),
  workflowPath: text.optional(),
  workflowId: text.optional(),
  itemVersion: stringOrNumber.nullable().optional(),
  spaceVersion: stringOrNumber.nullable().optional(),
  executionContext: text.nullable().optional(),
  enabled: z.boolean().optional(),
  createdAt: stringOrNumber.optional(),
});
export type WireDeployment = z.infer<typeof deploymentSchema>;

export const deploymentListSchema = z.looseObject({
  ...masonShape,
  pagination: paginationSchema.optional(),
  deployments: z.array(deploymentSchema),
});

/** An execution context with the settings and live metrics that tell its capacity. */
export const executionContextSchema = z.looseObject({
  ...masonShape,
  id: text,
  name: text.optional(),
  scope: text.optional(),
  isDisabled: z.boolean().optional(),
  maxLoadedJobsPerExecutor: z.number().optional(),
  defaultForSpaces: z.array(text).optional(),
  operationInfo: z
    .looseObject({
      minExecutors: z.number().optional(),
      maxExecutors: z.number().optional(),
      autoStart: z.looseObject({ enabled: z.boolean().optional() }).optional(),
    })
    .optional(),
  liveMetrics: z
    .looseObject({
      deployments: z.number().optional(),
      jobs: z.number().optional(),
      loadedJobs: z.number().optional(),
      lastJobStatusUpdate: text.optional(),
    })
    .optional(),
});
export type WireExecutionContext = z.infer<typeof executionContextSchema>;

export const executionContextListSchema = z.looseObject({
  ...masonShape,
  pagination: paginationSchema.optional(),
  executionContexts: z.array(executionContextSchema),
});

/** `GET /accounts/identity`: the caller, with the teams it belongs to. */
export const identitySchema = z.looseObject({
  ...masonShape,
  id: text,
  name: text.optional(),
  type: text.optional(),
  teams: z.array(z.looseObject({ id: text, name: text.optional() })).optional(),
  applicationPassword: z.looseObject({ id: text.optional(), name: text.optional() }).optional(),
});
export type WireIdentity = z.infer<typeof identitySchema>;

/** `GET /accounts/hub:global`: installation information. */
export const installationSchema = z.looseObject({
  ...masonShape,
  id: text,
  type: text.optional(),
  name: text.optional(),
  version: text.optional(),
  features: z.array(text).optional(),
});

/** `GET /knime/rest`: the billboard older clients read; a Hub sends mountId `KNIME-Hub`. */
export const billboardSchema = z.looseObject({
  ...masonShape,
  mountId: text.optional(),
  version: text.optional(),
  preferredAuthType: text.optional(),
});

/** A catalog item (workflow, group, space, component, data), with `children` for groups. */
export interface WireRepositoryItem {
  id?: string | undefined;
  path?: string | undefined;
  type?: string | undefined;
  owner?: string | undefined;
  children?: WireRepositoryItem[] | undefined;
  [key: string]: unknown;
}

export const repositoryItemSchema: z.ZodType<WireRepositoryItem> = z.looseObject({
  ...masonShape,
  id: text.optional(),
  path: text.optional(),
  type: text.optional(),
  owner: text.optional(),
  get children() {
    return z.array(repositoryItemSchema).optional();
  },
});

/** `GET /repository/*<id>/versions`: named versions of an item. */
export const itemVersionListSchema = z.looseObject({
  totalCount: z.number().optional(),
  versions: z.array(z.looseObject({ version: stringOrNumber, title: text.optional() })),
});

/**
 * Parses `body` with `schema`, returning a readable description of the first problem instead of
 * throwing, so callers can wrap it in their own error with the request.
 */
export function parseWire<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { ok: true; value: T } | { ok: false; issue: string } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const first = result.error.issues[0];
  const where = first && first.path.length > 0 ? `field "${first.path.join('.')}"` : 'the body';
  return { ok: false, issue: `${where}: ${first?.message ?? 'invalid'}` };
}
