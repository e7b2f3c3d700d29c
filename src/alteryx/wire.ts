import { z } from 'zod';
import { ProtocolError } from './errors.js';

/**
 * Parsers of server replies. They check only the fields the client uses, keep unknown fields, and
 * accept the spellings that differ between releases (`createDateTime` and `createDate`,
 * `availableFormats` and `formats`, `fileName` and `name`).
 */

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? '');

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string()]).optional(),
});

const messageSchema = z.looseObject({
  status: z.coerce.number().catch(0),
  text,
  toolId: z.coerce.number().catch(0),
});

const outputSchema = z.looseObject({
  id: z.string(),
  availableFormats: z.array(z.string()).optional(),
  formats: z.array(z.string()).optional(),
  fileName: z.string().optional(),
  name: z.string().optional(),
});

const jobSchema = z.looseObject({
  id: z.string().min(1),
  appId: text,
  createDateTime: z.string().optional(),
  createDate: z.string().optional(),
  status: z.string().min(1),
  disposition: text,
  outputs: z.array(outputSchema).nullish(),
  messages: z.array(messageSchema).nullish(),
  priority: z.union([z.string(), z.number()]).nullish(),
  workerTag: text,
});

const workflowJobSchema = z.looseObject({
  id: z.string().min(1),
  createDate: z.string().optional(),
  createDateTime: z.string().optional(),
  status: text,
});

const questionSchema = z.looseObject({
  name: z.string().min(1),
  questionType: text,
  description: text,
  value: text,
  multiple: z
    .boolean()
    .nullish()
    .transform((value) => value ?? false),
  items: z
    .array(z.looseObject({ key: z.string(), value: text }))
    .nullish()
    .transform((value) => value ?? []),
});

const versionSchema = z.looseObject({
  versionId: text,
  versionNumber: z.number().optional(),
  packageWorkflowType: z.string().optional(),
  runDisabled: z.boolean().optional(),
  workflowCredentialType: z.string().optional(),
  published: z.boolean().optional(),
});

const workflowSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  ownerId: text,
  workerTag: text,
  publishedVersionId: text,
  versions: z.array(versionSchema).nullish(),
});

/** One output of a finished job. */
export interface AlteryxOutput {
  readonly id: string;
  readonly fileName: string;
  /** Format names the download accepts, such as `Csv`. */
  readonly formats: readonly string[];
}

/** A job as the client reads it, with both release spellings folded into one. */
export interface AlteryxJob {
  readonly id: string;
  readonly workflowId: string;
  /** Creation time as sent by the server (ISO 8601), or '' when it sent none. */
  readonly createdAt: string;
  /** Raw lifecycle status, such as `Queued` or `Completed`. */
  readonly status: string;
  /** Raw outcome, such as `Success` or `Error`; '' before the job finished on the simulated server. */
  readonly disposition: string;
  readonly outputs: readonly AlteryxOutput[];
  /** Engine messages; empty when the server left them out. */
  readonly messages: readonly { status: number; text: string; toolId: number }[];
  readonly priority: string;
  readonly workerTag: string;
  /** The parsed body, unknown fields included. */
  readonly raw: Record<string, unknown>;
}

/** Item of a workflow's job list (no disposition there). */
export interface AlteryxJobSummary {
  readonly id: string;
  readonly createdAt: string;
  readonly status: string;
}

/** An app question. A question whose default `value` is '' must be answered. */
export interface AlteryxQuestion {
  readonly name: string;
  readonly questionType: string;
  readonly description: string;
  readonly value: string;
  readonly multiple: boolean;
  readonly items: readonly { key: string; value: string }[];
}

/** A published workflow, with the facts of its published version that decide whether it can run. */
export interface AlteryxWorkflow {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly workerTag: string;
  /** `App`, `Module` or `Macro` of the published version, when the server sent versions. */
  readonly packageWorkflowType: string | undefined;
  readonly runDisabled: boolean;
  /** `Default`, `Required` or `Specific`; `Required` means a queue request needs a `credentialId`. */
  readonly workflowCredentialType: string | undefined;
  readonly raw: Record<string, unknown>;
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new ProtocolError(
      `invalid ${what} from the server: ${where}: ${issue?.message ?? 'unexpected shape'}`,
    );
  }
  return result.data;
}

export function parseTokenResponse(value: unknown): { accessToken: string; expiresInSeconds: number } {
  const token = parseWith(tokenResponseSchema, value, 'token response');
  const seconds = Number(token.expires_in ?? 3600);
  return {
    accessToken: token.access_token,
    expiresInSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 3600,
  };
}

export function parseJob(value: unknown): AlteryxJob {
  const job = parseWith(jobSchema, value, 'job');
  return {
    id: job.id,
    workflowId: job.appId,
    createdAt: job.createDateTime ?? job.createDate ?? '',
    status: job.status,
    disposition: job.disposition,
    outputs: (job.outputs ?? []).map((output) => ({
      id: output.id,
      fileName: output.fileName ?? output.name ?? output.id,
      formats: output.availableFormats ?? output.formats ?? [],
    })),
    messages: (job.messages ?? []).map((message) => ({
      status: message.status,
      text: message.text,
      toolId: message.toolId,
    })),
    priority: job.priority === null || job.priority === undefined ? '' : String(job.priority),
    workerTag: job.workerTag,
    raw: job,
  };
}

export function parseJobList(value: unknown): AlteryxJobSummary[] {
  return parseWith(z.array(workflowJobSchema), value, 'job list').map((job) => ({
    id: job.id,
    createdAt: job.createDate ?? job.createDateTime ?? '',
    status: job.status,
  }));
}

/** Parses `GET v3/jobs/{id}/messages`, which is one message object or an array of them. */
export function parseMessages(value: unknown): { status: number; text: string; toolId: number }[] {
  const list = Array.isArray(value) ? value : [value];
  return parseWith(z.array(messageSchema), list, 'job messages').map((message) => ({
    status: message.status,
    text: message.text,
    toolId: message.toolId,
  }));
}

export function parseQuestions(value: unknown): AlteryxQuestion[] {
  return parseWith(z.array(questionSchema), value ?? [], 'question list');
}

export function parseWorkflow(value: unknown): AlteryxWorkflow {
  const workflow = parseWith(workflowSchema, value, 'workflow');
  const versions = workflow.versions ?? [];
  const published =
    versions.find(
      (version) => version.versionId !== '' && version.versionId === workflow.publishedVersionId,
    ) ??
    versions.find((version) => version.published) ??
    versions.at(-1);
  return {
    id: workflow.id,
    name: workflow.name,
    ownerId: workflow.ownerId,
    workerTag: workflow.workerTag,
    packageWorkflowType: published?.packageWorkflowType,
    runDisabled: published?.runDisabled ?? false,
    workflowCredentialType: published?.workflowCredentialType,
    raw: workflow,
  };
}

export function parseWorkflowList(value: unknown): Array<{ id: string; name: string }> {
  return parseWith(
    z.array(z.looseObject({ id: z.string().min(1), name: z.string() })),
    value,
    'workflow list',
  );
}
