import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AlteryxClient } from '../../alteryx/client.js';
import {
  AlteryxJobFailedError,
  AlteryxQueueOutcomeError,
  CancelledError,
  NotFoundError,
  TimeoutError,
} from '../../alteryx/errors.js';
import { chooseFormat } from '../../alteryx/outputs.js';
import type { AlteryxJob, AlteryxOutput } from '../../alteryx/wire.js';
import { durationSchema, parseDuration } from '../duration.js';
import { RemoteWorkLostError, StepConfigError } from '../errors.js';
import type { JsonValue, RemoteRef, StepContext, StepKind, StepOutputs, WaitResult } from './types.js';

/**
 * Margin before the recorded intent within which a job's creation time still counts as this step's
 * job, for a server clock that runs behind. Alteryx jobs carry no caller-set tag, so
 * reconciliation matches workflow and creation time.
 */
const RECONCILE_SKEW_MS = 30_000;

const answerSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

const alteryxConfig = z
  .strictObject({
    connection: z.string().min(1).describe('Name of the connection (CLI profile) of the Alteryx Server'),
    workflow: z.string().min(1).describe('Workflow id (24 hex characters) or exact workflow name'),
    answers: z
      .record(z.string(), answerSchema)
      .optional()
      .describe(
        `Answers to the app's questions by name; a list for multi-select questions; values may use \${{ }} expressions`,
      ),
    priority: z
      .enum(['Default', 'Low', 'Medium', 'High', 'Critical'])
      .optional()
      .describe('Job priority (default: not sent, so the server decides)'),
    'worker-tag': z.string().min(1).optional().describe('Worker tag that routes the job to tagged workers'),
    'credential-id': z
      .string()
      .min(1)
      .optional()
      .describe('Stored credential to run under; required by workflows whose credential type is Required'),
    'if-running': z
      .enum(['fail', 'start-anyway'])
      .optional()
      .describe(
        'When the workflow already has a queued or running job: fail the step, or queue another (default fail)',
      ),
    'warnings-as-errors': z
      .boolean()
      .optional()
      .describe('Fail the step when the job ends with disposition Warning'),
    'queue-timeout': durationSchema.optional().describe('Maximum time the job may stay queued'),
    'run-timeout': durationSchema.optional().describe('Maximum time the job may run once a worker took it'),
    download: z
      .strictObject({
        dir: z.string().min(1).describe('Folder for the output files, relative to the pipeline file'),
        format: z
          .string()
          .min(1)
          .optional()
          .describe('Format of every output (default Csv when offered, else the first)'),
      })
      .optional()
      .describe('Download the outputs of a successful job'),
  })
  .describe('with: block of an alteryx step');

export type AlteryxStepConfig = z.infer<typeof alteryxConfig>;

/** Statuses of the workflow job list that count as "already queued or running". */
const ACTIVE_STATUSES = new Set(['queued', 'running', 'created']);

/** Returns the client of the step's connection, checking that it is an `AlteryxClient`. */
async function clientFor(config: AlteryxStepConfig, ctx: StepContext): Promise<AlteryxClient> {
  const client = await ctx.resolveConnection(config.connection);
  if (!(client instanceof AlteryxClient)) {
    throw new StepConfigError(
      `connection ${config.connection} of step ${ctx.step} is not an Alteryx connection; give an AlteryxClient for it`,
    );
  }
  return client;
}

async function workflowIdFor(
  client: AlteryxClient,
  config: AlteryxStepConfig,
  ctx: StepContext,
): Promise<string> {
  try {
    return (await client.findWorkflow(config.workflow, { signal: ctx.signal })).id;
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new StepConfigError(`step ${ctx.step}: ${error.message}`);
    }
    throw error;
  }
}

function refFor(config: AlteryxStepConfig, jobId: string, workflowId: string): RemoteRef {
  return { id: jobId, details: { connection: config.connection, workflowId } };
}

function outputList(outputs: readonly AlteryxOutput[]): JsonValue[] {
  return outputs.map((output) => ({
    id: output.id,
    fileName: output.fileName,
    formats: [...output.formats],
  }));
}

/** Step outputs of a finished job: ids, the raw status/disposition pair and the outputs. */
function outputsOf(job: AlteryxJob): StepOutputs {
  return {
    jobId: job.id,
    workflowId: job.workflowId,
    status: job.status,
    disposition: job.disposition,
    outputs: outputList(job.outputs),
  };
}

/**
 * File name of a downloaded output: the output's own name without any folder part, with the
 * extension of the chosen format when it differs.
 */
function downloadName(output: AlteryxOutput, format: string): string {
  const base = path.basename(output.fileName.replaceAll('\\', '/')) || output.id;
  const extension = path.extname(base);
  if (extension.slice(1).toLowerCase() === format.toLowerCase()) return base;
  return `${base.slice(0, base.length - extension.length) || base}.${format.toLowerCase()}`;
}

async function downloadOutputs(
  client: AlteryxClient,
  job: AlteryxJob,
  config: AlteryxStepConfig,
  ctx: StepContext,
): Promise<Record<string, JsonValue>> {
  const download = config.download;
  if (!download) return {};

  const dir = path.resolve(ctx.baseDir, download.dir);
  await mkdir(dir, { recursive: true });
  const files: Record<string, JsonValue> = {};
  const used = new Set<string>();
  for (const output of job.outputs) {
    const format = chooseFormat(output, download.format);
    let name = downloadName(output, format);
    if (used.has(name)) name = `${output.id}-${name}`;
    used.add(name);

    const saved = await client.saveOutput(job.id, output, path.join(dir, name), {
      format,
      signal: ctx.signal,
    });
    files[output.fileName] = saved.path;
  }
  return files;
}

/**
 * Runs an Alteryx Server app as a job. The job id is the remote reference, so a resumed run attaches
 * to the same job. Alteryx Server API V3 has no cancel call: after a timeout or abort, `cancel`
 * reports that the job keeps running, and nothing stops it.
 */
export const alteryxStep: StepKind<AlteryxStepConfig> = {
  name: 'alteryx',
  description: 'Run an Alteryx Server app as a job; its status, disposition and outputs become step outputs',
  remoteSystem: 'alteryx',
  configSchema: alteryxConfig,

  async start(config, ctx) {
    const client = await clientFor(config, ctx);
    const workflowId = await workflowIdFor(client, config, ctx);

    if ((config['if-running'] ?? 'fail') === 'fail') {
      const recent = await client.listWorkflowJobs(workflowId, { limit: 20, signal: ctx.signal });
      const active = recent.filter((job) => ACTIVE_STATUSES.has(job.status.toLowerCase()));
      if (active.length > 0) {
        throw new StepConfigError(
          `workflow ${config.workflow} already has ${active.length} queued or running job(s) (${active.map((job) => job.id).join(', ')}); wait for them or set if-running to start-anyway`,
        );
      }
    }

    try {
      const handle = await client.queueJob(workflowId, {
        answers: config.answers ?? {},
        ...(config.priority ? { priority: config.priority } : {}),
        ...(config['worker-tag'] ? { workerTag: config['worker-tag'] } : {}),
        ...(config['credential-id'] ? { credentialId: config['credential-id'] } : {}),
        signal: ctx.signal,
      });
      ctx.logger.info(`step ${ctx.step} queued Alteryx job ${handle.id}`, { jobId: handle.id, workflowId });
      return refFor(config, handle.id, workflowId);
    } catch (error) {
      if (error instanceof AlteryxQueueOutcomeError && error.candidateJobIds.length > 0) {
        ctx.logger.error(`step ${ctx.step}: queue request outcome unknown`, {
          workflowId,
          candidateJobIds: [...error.candidateJobIds],
        });
      }
      throw error;
    }
  },

  async reconcile(config, ctx, intent) {
    const client = await clientFor(config, ctx);
    const workflowId = await workflowIdFor(client, config, ctx);
    const candidates = await client.findJobsCreatedSince(workflowId, intent.intentAt - RECONCILE_SKEW_MS, {
      signal: ctx.signal,
    });
    if (candidates.length === 0) return undefined;
    if (candidates.length > 1) {
      throw new RemoteWorkLostError(
        `cannot tell which job of workflow ${config.workflow} this step queued: jobs ${candidates.map((job) => job.id).join(', ')} were created after its start was recorded; check them in the Alteryx Server admin UI`,
      );
    }
    return refFor(config, (candidates[0] as { id: string }).id, workflowId);
  },

  async attach(remote, config, ctx) {
    const client = await clientFor(config, ctx);
    try {
      await client.getJob(remote.id, { signal: ctx.signal });
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new RemoteWorkLostError(
          `Alteryx job ${remote.id} of step ${ctx.step} no longer exists on the server`,
        );
      }
      throw error;
    }
  },

  async wait(remote, config, ctx): Promise<WaitResult> {
    const client = await clientFor(config, ctx);
    const handle = await client.attachJob(remote.id, { signal: ctx.signal });
    const queueTimeout = config['queue-timeout'] ? parseDuration(config['queue-timeout']) : undefined;
    const runTimeout = config['run-timeout'] ? parseDuration(config['run-timeout']) : undefined;

    try {
      const result = await handle.wait({
        signal: ctx.signal,
        warningsAsErrors: config['warnings-as-errors'] ?? false,
        poll: { initialMs: Math.min(1000, ctx.pollIntervalMs), maxMs: Math.max(1000, ctx.pollIntervalMs) },
        ...(queueTimeout === undefined ? {} : { queueTimeoutMs: queueTimeout }),
        ...(runTimeout === undefined ? {} : { runTimeoutMs: runTimeout }),
      });
      const outputs = outputsOf(result.job);
      outputs.warnings = result.warnings.map((message) => message.text);
      const files = await downloadOutputs(client, result.job, config, ctx);
      if (config.download) outputs.files = files;
      return { status: 'succeeded', outputs };
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (error instanceof AlteryxJobFailedError) {
        return {
          status: 'failed',
          error: error.message,
          outputs: {
            ...outputsOf(handle.lastKnown),
            messages: error.messages.map((message) => message.text),
          },
        };
      }
      if (error instanceof CancelledError) {
        return { status: 'cancelled', error: error.message };
      }
      if (error instanceof TimeoutError) {
        return { status: 'failed', error: error.message, outputs: outputsOf(handle.lastKnown) };
      }
      throw error;
    }
  },

  async cancel(remote, config, ctx) {
    const client = await clientFor(config, ctx);
    try {
      await client.cancelJob(remote.id, { signal: ctx.signal });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  },
};
