import type { JobHandle } from '../../job/api.js';
import type { JobStatus } from '../../job/types.js';
import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { parseDuration } from '../duration.js';
import { toExitError } from '../error-map.js';
import { CliExitError, ExitCode } from '../exit.js';
import { collectInputs } from '../inputs.js';
import { printJson, type ResultFormat, resultFormat } from '../print.js';
import { resultDocument } from '../result.js';
import type { Output } from '../terminal.js';
import { resolveJobTarget } from './deployments.js';
import { hubStartOptions, toStartExitError } from './execution-contexts.js';
import { connectionOptions } from './shared.js';

const startedOutcomes = new Set(['running', 'paused', 'succeeded', 'failed', 'cancelled', 'gone']);

/**
 * `knimectl start WORKFLOW`: create and start a job, print its id. Without `--async` it polls
 * until the job has left loading, so that load errors surface here and not in a later `wait`.
 */
export default async function start({ args, options, output }: CommandContext): Promise<number> {
  const format = resultFormat(options);
  const loadTimeoutMs = parseDuration(String(options.loadTimeout ?? '60s'), '--load-timeout');
  const inputs = await collectInputs(options);
  const client = await connect(connectionOptions(options), output);
  const workflow = await resolveJobTarget(client, args[0], options);

  let handle: JobHandle;
  try {
    handle = await client.start(workflow, inputs, hubStartOptions(client, loadTimeoutMs));
  } catch (error) {
    throw toStartExitError(error);
  }

  let status = handle.lastStatus;
  if (options.async !== true) {
    status = await pollUntilStarted(handle, loadTimeoutMs, output);
    if (status.outcome === 'failed' || status.outcome === 'gone') {
      printStarted(handle.id, status, format, output);
      output.error(`error: job ${handle.id} of ${workflow} failed to start: ${status.state}`);
      for (const node of status.failedNodes) output.error(`  ${node.node}: ${node.message}`);
      output.error(`inspect it with \`knimectl status ${handle.id}\``);
      return ExitCode.jobFailed;
    }
  }

  printStarted(handle.id, status, format, output);
  output.info(`follow it with \`knimectl wait ${handle.id}\``);
  return ExitCode.ok;
}

/**
 * Polls the job until it executes or has ended. When the load timeout passes first, the job is
 * cancelled and discarded, as `run` does with its deadlines.
 */
async function pollUntilStarted(
  handle: JobHandle,
  loadTimeoutMs: number,
  output: Output,
): Promise<JobStatus> {
  const deadline = Date.now() + loadTimeoutMs;
  let delayMs = 100;

  for (;;) {
    let status: JobStatus;
    try {
      status = await handle.status();
    } catch (error) {
      throw toExitError(error);
    }
    if (startedOutcomes.has(status.outcome)) return status;

    if (Date.now() >= deadline) {
      try {
        await handle.cancel();
        await handle.discard();
      } catch (error) {
        output.warn(`could not cancel job ${handle.id}: ${(error as Error).message}`);
      }
      throw new CliExitError(
        ExitCode.timeout,
        `job ${handle.id} did not start executing within the load timeout of ${loadTimeoutMs} ms (last state ${status.state}); it was cancelled`,
        'raise --load-timeout if the server needs longer to load the workflow',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 2000);
  }
}

function printStarted(
  jobId: string,
  status: JobStatus | undefined,
  format: ResultFormat,
  output: Output,
): void {
  if (format === 'json') {
    printJson(status ? resultDocument(status) : { jobId, state: 'UNKNOWN', outcome: 'unknown' }, output);
    return;
  }
  output.out(`${jobId}\n`);
}
