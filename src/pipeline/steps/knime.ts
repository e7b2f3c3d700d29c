import { z } from 'zod';
import {
  AuthenticationError,
  CancelledError,
  InvalidInputError,
  JobFailedError,
  NotFoundError,
  PermissionError,
} from '../../errors/index.js';
import { hubTarget, isDeploymentId } from '../../hub/target.js';
import type { JobHandle, KnimeClient } from '../../job/api.js';
import type { JobStatus } from '../../job/types.js';
import { sleepUntil } from '../clock.js';
import { RemoteWorkLostError, StepConfigError, StepNotStartedError } from '../errors.js';
import type { JsonValue, RemoteRef, StepContext, StepKind, StepOutputs, WaitResult } from './types.js';

/** Outcomes of jobs that count as "already running" for the `if-running` guard. */
const ACTIVE_OUTCOMES = ['queued', 'loading', 'running', 'paused'] as const;

/**
 * How far a job's creation time may lie before the recorded intent and still be taken as the job this
 * step created, to allow for a server clock that runs behind. [INF] KNIME jobs carry no caller-set tag,
 * so reconciliation matches workflow and creation time.
 */
const RECONCILE_SKEW_MS = 30_000;

const knimeConfig = z
  .strictObject({
    connection: z
      .string()
      .min(1)
      .describe('Name of the connection (CLI profile) of the KNIME Server or KNIME Business Hub'),
    workflow: z
      .string()
      .regex(
        /^[/*]./,
        'must be an absolute repository path such as /Sales/Extract, a Hub path such as /Users/<team>/<space>/Extract, or a Hub item id such as *Ab3dEf6hIj9kLm2n',
      )
      .optional()
      .describe('Workflow to run: a repository path, a Hub path, or a Hub item id (*id)'),
    deployment: z
      .string()
      .min(1)
      .optional()
      .describe('KNIME Business Hub deployment to run: its id (rest:<uuid>) or its name within scope'),
    scope: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Hub team name, or team or user account id, in which a deployment name is looked up (default every team of the caller)',
      ),
    'item-version': z
      .union([z.int().positive(), z.enum(['most-recent', 'current-state'])])
      .optional()
      .describe(
        'Hub item version of the workflow: a number, most-recent or current-state (default current state)',
      ),
    'execution-context': z
      .string()
      .regex(
        /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
        'must be a UUID',
      )
      .optional()
      .describe('UUID of the Hub execution context of the job (default that of the workflow space)'),
    inputs: z
      .record(z.string(), z.json())
      .optional()
      .describe(`Input values by parameter name; values may use \${{ }} expressions`),
    discard: z
      .enum(['on-success', 'always', 'never'])
      .optional()
      .describe(
        'When to discard the job after it ended (default on-success: failed jobs are kept for inspection)',
      ),
    'if-running': z
      .enum(['fail', 'wait', 'attach', 'start-anyway'])
      .optional()
      .describe(
        'When the workflow already has a running job: fail the step, wait until it ended and start, attach to it, or start another (default fail)',
      ),
    'accept-partial': z
      .boolean()
      .optional()
      .describe('Treat EXECUTION_FAILED_WITH_CONTENT as success (default false)'),
  })
  .superRefine((config, issues) => {
    if ((config.workflow === undefined) === (config.deployment === undefined)) {
      issues.addIssue({
        code: 'custom',
        message: 'set exactly one of workflow and deployment',
        path: config.workflow === undefined ? [] : ['deployment'],
      });
    }
    if (config.deployment !== undefined) {
      for (const key of ['item-version', 'execution-context'] as const) {
        if (config[key] !== undefined) {
          issues.addIssue({
            code: 'custom',
            message: `${key} applies to workflow jobs only, because a deployment fixes its version and execution context`,
            path: [key],
          });
        }
      }
    }
    if (
      config.scope !== undefined &&
      (config.deployment === undefined || isDeploymentId(config.deployment))
    ) {
      issues.addIssue({
        code: 'custom',
        message: 'scope applies only to a deployment given by name',
        path: ['scope'],
      });
    }
  })
  .describe('with: block of a knime step');

export type KnimeConfig = z.infer<typeof knimeConfig>;

/**
 * Returns the client's target string: the plain workflow path for a KNIME Server path without Hub
 * options, or a Hub target (`/Users/...?itemVersion=2`, `*id`, `rest:<uuid>`, `deployment:<name>`).
 */
function targetOf(config: KnimeConfig): string {
  const options = {
    ...(config['item-version'] === undefined ? {} : { itemVersion: config['item-version'] }),
    ...(config['execution-context'] === undefined ? {} : { executionContext: config['execution-context'] }),
    ...(config.scope === undefined ? {} : { scope: config.scope }),
  };
  if (config.deployment !== undefined) {
    return isDeploymentId(config.deployment)
      ? hubTarget({ deployment: config.deployment }, options)
      : hubTarget({ deploymentName: config.deployment }, options);
  }
  const workflow = config.workflow!;
  return Object.keys(options).length === 0 ? workflow : hubTarget({ workflow }, options);
}

/** Names the step's target in messages, such as `workflow /Sales/Extract` or `deployment rest:<uuid>`. */
function describeTarget(config: KnimeConfig): string {
  return config.deployment === undefined ? `workflow ${config.workflow}` : `deployment ${config.deployment}`;
}

/** Returns the client of the step's connection, checking that it looks like a `KnimeClient`. */
async function clientFor(config: KnimeConfig, ctx: StepContext): Promise<KnimeClient> {
  const client = (await ctx.resolveConnection(config.connection)) as Partial<KnimeClient> | undefined;
  if (!client || typeof client.start !== 'function' || typeof client.getJob !== 'function') {
    throw new StepConfigError(
      `connection ${config.connection} of step ${ctx.step} is not a KNIME connection`,
    );
  }
  return client as KnimeClient;
}

async function activeJobs(client: KnimeClient, workflow: string, signal: AbortSignal): Promise<JobStatus[]> {
  return client.listJobs({ workflow, state: [...ACTIVE_OUTCOMES], signal });
}

function refFor(config: KnimeConfig, jobId: string, attached: boolean): RemoteRef {
  return { id: jobId, details: { connection: config.connection, workflow: targetOf(config), attached } };
}

function outputsOf(handle: JobHandle, values: Record<string, unknown> | undefined): StepOutputs {
  return { ...((values ?? {}) as Record<string, JsonValue>), jobId: handle.id };
}

async function discardIfWanted(
  handle: JobHandle,
  config: KnimeConfig,
  succeeded: boolean,
  ctx: StepContext,
): Promise<void> {
  const policy = config.discard ?? 'on-success';
  if (policy === 'never' || (policy === 'on-success' && !succeeded)) {
    if (!succeeded)
      ctx.logger.info(`kept failed job ${handle.id} of step ${ctx.step} for inspection`, {
        jobId: handle.id,
      });
    return;
  }
  try {
    await handle.discard();
  } catch (error) {
    ctx.logger.warn(`discard of job ${handle.id} of step ${ctx.step} failed: ${(error as Error).message}`, {
      jobId: handle.id,
    });
  }
}

/**
 * Applies the `if-running` guard before a start. Returns the reference of a running job to attach to,
 * or `undefined` when the step should start a new job.
 */
async function applyRunningGuard(
  client: KnimeClient,
  config: KnimeConfig,
  ctx: StepContext,
): Promise<RemoteRef | undefined> {
  const guard = config['if-running'] ?? 'fail';
  if (guard === 'start-anyway') return undefined;

  for (;;) {
    const running = await activeJobs(client, targetOf(config), ctx.signal);
    if (running.length === 0) break;

    const ids = running.map((job) => job.jobId).join(', ');
    if (guard === 'fail') {
      throw new StepConfigError(
        `${describeTarget(config)} already has ${running.length} running job(s) (${ids}); set if-running to wait, attach or start-anyway`,
      );
    }
    if (guard === 'attach') {
      const newest = [...running].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))[0]!;
      ctx.logger.info(
        `step ${ctx.step} attaches to running job ${newest.jobId} of ${describeTarget(config)}`,
        {
          jobId: newest.jobId,
        },
      );
      return refFor(config, newest.jobId, true);
    }
    ctx.logger.info(`step ${ctx.step} waits for running job(s) ${ids} of ${describeTarget(config)}`, {
      step: ctx.step,
    });
    await sleepUntil(ctx.clock, ctx.clock.now() + ctx.pollIntervalMs, ctx.signal);
  }
  return undefined;
}

/**
 * Runs a KNIME workflow through the library's client. The job id is the remote reference, so a
 * resumed run attaches to the same job. `if-running` decides what happens when the workflow already
 * has a job running on the server.
 */
export const knimeStep: StepKind<KnimeConfig> = {
  name: 'knime',
  description:
    'Run a KNIME Server workflow, or a KNIME Business Hub workflow or deployment, as a job; its output values become step outputs',
  remoteSystem: 'knime',
  configSchema: knimeConfig,

  async start(config, ctx) {
    const client = await clientFor(config, ctx);
    try {
      const attached = await applyRunningGuard(client, config, ctx);
      if (attached) return attached;
    } catch (error) {
      // Nothing was created while the guard checked or waited, so the runner need not reconcile.
      if (error instanceof StepNotStartedError) throw error;
      throw new StepNotStartedError(
        `checking running jobs of ${describeTarget(config)} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }

    try {
      const handle = await client.start(targetOf(config), config.inputs ?? {}, { signal: ctx.signal });
      return refFor(config, handle.id, false);
    } catch (error) {
      // Invalid inputs, an unknown workflow or missing rights are reported before a job exists.
      // Other errors (network, 5xx, protocol) leave it open, and the runner reconciles.
      if (
        error instanceof InvalidInputError ||
        error instanceof NotFoundError ||
        error instanceof PermissionError ||
        error instanceof AuthenticationError
      ) {
        throw new StepConfigError(error.message, { cause: error });
      }
      throw error;
    }
  },

  async reconcile(config, ctx, intent) {
    const client = await clientFor(config, ctx);
    const jobs = await client.listJobs({ workflow: targetOf(config), signal: ctx.signal });
    const candidates = jobs.filter(
      (job) => job.createdAt !== undefined && job.createdAt >= intent.intentAt - RECONCILE_SKEW_MS,
    );

    // `start` creates the job, waits until it is loaded, then requests its execution. A candidate
    // still loading or loaded was never executed: discarding it is safe and also stops an execute
    // request still in flight from the crashed runner. NOTE: a job queued before loading is taken as
    // executed, so the step attaches to it.
    const executed: JobStatus[] = [];
    for (const job of candidates) {
      if (job.outcome !== 'loading' && job.outcome !== 'ready') {
        executed.push(job);
        continue;
      }
      ctx.logger.info(
        `discarding job ${job.jobId} of ${describeTarget(config)}: created but never executed`,
        {
          jobId: job.jobId,
        },
      );
      await client.getJob(job.jobId, { workflow: targetOf(config) }).discard({ signal: ctx.signal });
    }

    if (executed.length === 0) return undefined;
    if (executed.length > 1) {
      throw new RemoteWorkLostError(
        `cannot tell which job of ${describeTarget(config)} this step started: jobs ${executed.map((j) => j.jobId).join(', ')} were created after its start was recorded; check them on the server`,
      );
    }
    return refFor(config, executed[0]!.jobId, false);
  },

  async attach(remote, config, ctx) {
    const client = await clientFor(config, ctx);
    try {
      await client.getJob(remote.id, { workflow: targetOf(config) }).status({ signal: ctx.signal });
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new RemoteWorkLostError(
          `job ${remote.id} of ${describeTarget(config)} no longer exists on the server`,
        );
      }
      throw error;
    }
  },

  async wait(remote, config, ctx): Promise<WaitResult> {
    const client = await clientFor(config, ctx);
    const handle = client.getJob(remote.id, { workflow: targetOf(config) });

    try {
      const status = await handle.wait({
        signal: ctx.signal,
        cancelOnAbort: false,
        acceptPartial: config['accept-partial'] ?? false,
      });
      const outputs = outputsOf(handle, status.outputs ?? (await handle.outputs({ expect: false })));
      await discardIfWanted(handle, config, true, ctx);
      return { status: 'succeeded', outputs };
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (error instanceof CancelledError) {
        return { status: 'cancelled', error: `job ${remote.id} was cancelled: ${error.message}` };
      }
      if (error instanceof JobFailedError) {
        await discardIfWanted(handle, config, false, ctx);
        return { status: 'failed', error: error.message, outputs: { jobId: remote.id } };
      }
      throw error;
    }
  },

  async cancel(remote, config, ctx) {
    const client = await clientFor(config, ctx);
    const handle = client.getJob(remote.id, { workflow: targetOf(config) });
    try {
      await handle.cancel({ signal: ctx.signal });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
    if (config.discard === 'always') await discardIfWanted(handle, config, true, ctx);
  },
};
