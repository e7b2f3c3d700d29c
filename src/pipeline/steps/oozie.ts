import { z } from 'zod';
import { CancelledError, JobFailedError, NotFoundError } from '../../errors/index.js';
import { OozieClient } from '../../oozie/client.js';
import { OozieJobFailedError } from '../../oozie/errors.js';
import type { OozieJob } from '../../oozie/types.js';
import { RemoteWorkLostError, StepConfigError } from '../errors.js';
import type { JsonValue, RemoteRef, StepContext, StepKind, StepOutputs, WaitResult } from './types.js';

const oozieConfig = z
  .strictObject({
    connection: z.string().min(1).describe('Name of the connection (CLI profile) of the Oozie server'),
    'app-path': z
      .string()
      .min(1)
      .describe('oozie.wf.application.path: HDFS folder of the workflow application'),
    properties: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe(`Job properties for the workflow's \${…} parameters; values may use \${{ }} expressions`),
    'on-suspended': z
      .enum(['fail', 'wait', 'resume'])
      .optional()
      .describe('When the job is SUSPENDED: fail the step, keep waiting, or resume the job (default fail)'),
    'external-id': z
      .string()
      .min(1)
      .optional()
      .describe('oozie.wf.external.id of the job (default knimectl:<run id>:<step>:<attempt>)'),
  })
  .describe('with: block of an oozie step');

export type OozieStepConfig = z.infer<typeof oozieConfig>;

/** Returns the client of the step's connection, checking that it is an `OozieClient`. */
async function clientFor(config: OozieStepConfig, ctx: StepContext): Promise<OozieClient> {
  const client = await ctx.resolveConnection(config.connection);
  if (!(client instanceof OozieClient)) {
    throw new StepConfigError(
      `connection ${config.connection} of step ${ctx.step} is not an Oozie connection; give an OozieClient for it`,
    );
  }
  return client;
}

/**
 * External id of the job of one attempt. It is fixed by run, step and attempt, so `reconcile` and a
 * second `start` of the same attempt find the job instead of submitting another one.
 */
function externalIdFor(config: OozieStepConfig, ctx: StepContext): string {
  return config['external-id'] ?? `knimectl:${ctx.runId}:${ctx.step}:${ctx.attempt}`;
}

function refFor(config: OozieStepConfig, jobId: string, externalId: string): RemoteRef {
  return { id: jobId, details: { connection: config.connection, appPath: config['app-path'], externalId } };
}

/** Step outputs: the job id and status, and the captured output of each action by action name. */
function outputsOf(job: OozieJob): StepOutputs {
  const actions: Record<string, JsonValue> = {};
  for (const [name, values] of Object.entries(job.outputs)) actions[name] = values;
  return { jobId: job.id, status: job.status, actions };
}

/**
 * Runs an Oozie workflow job. The job carries an external id derived from run, step and attempt, so
 * a resumed run finds the job it started instead of submitting a second one.
 */
export const oozieStep: StepKind<OozieStepConfig> = {
  name: 'oozie',
  description: 'Run an Oozie workflow job; the captured output of its actions becomes step outputs',
  remoteSystem: 'oozie',
  configSchema: oozieConfig,

  async start(config, ctx) {
    const client = await clientFor(config, ctx);
    const externalId = externalIdFor(config, ctx);
    const properties: Record<string, string> = {};
    for (const [name, value] of Object.entries(config.properties ?? {})) properties[name] = String(value);

    const submitted = await client.submitWorkflow({
      appPath: config['app-path'],
      properties,
      externalId,
      signal: ctx.signal,
    });
    ctx.logger.info(
      `step ${ctx.step} ${submitted.adopted ? 'adopted' : 'submitted'} Oozie job ${submitted.id}`,
      {
        jobId: submitted.id,
        externalId,
      },
    );
    return refFor(config, submitted.id, externalId);
  },

  async reconcile(config, ctx) {
    const client = await clientFor(config, ctx);
    const externalId = externalIdFor(config, ctx);
    const id = await client.findJobByExternalId(externalId, ctx.signal);
    return id === undefined ? undefined : refFor(config, id, externalId);
  },

  async attach(remote, config, ctx) {
    const client = await clientFor(config, ctx);
    try {
      await client.getStatus(remote.id, ctx.signal);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new RemoteWorkLostError(
          `Oozie job ${remote.id} of step ${ctx.step} no longer exists on the server`,
        );
      }
      throw error;
    }
  },

  async wait(remote, config, ctx): Promise<WaitResult> {
    const client = await clientFor(config, ctx);
    try {
      const job = await client.waitForJob(remote.id, {
        signal: ctx.signal,
        // The runner calls cancel after a deadline or an abort, so the wait itself kills nothing.
        killOnAbort: false,
        killOnTimeout: false,
        onSuspended: config['on-suspended'] ?? 'fail',
        minPollMs: Math.min(1_000, ctx.pollIntervalMs),
        maxPollMs: Math.max(ctx.pollIntervalMs, 1_000),
      });
      return { status: 'succeeded', outputs: outputsOf(job) };
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (error instanceof CancelledError) {
        return { status: 'cancelled', error: error.message };
      }
      if (error instanceof OozieJobFailedError) {
        const outputs: StepOutputs = { jobId: remote.id, status: error.state ?? 'KILLED' };
        if (error.failingAction) {
          outputs.failingAction = error.failingAction.name;
          outputs.errorCode = error.failingAction.errorCode;
        }
        return { status: 'failed', error: error.message, outputs };
      }
      if (error instanceof JobFailedError) {
        return {
          status: 'failed',
          error: error.message,
          outputs: { jobId: remote.id, status: error.state ?? null },
        };
      }
      throw error;
    }
  },

  async cancel(remote, config, ctx) {
    const client = await clientFor(config, ctx);
    try {
      const result = await client.kill(remote.id, ctx.signal);
      if (result.effect === 'no-effect') {
        ctx.logger.warn(
          `kill of Oozie job ${remote.id} of step ${ctx.step} had no effect (status ${result.after})`,
          {
            jobId: remote.id,
          },
        );
      }
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  },
};
