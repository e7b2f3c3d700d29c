import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { CliExitError, ExitCode } from '../exit.js';
import { alteryxCannotCancel, connectAlteryx } from './alteryx-job.js';

const finalStatuses = new Set(['completed', 'complete', 'cancelled', 'error']);

/**
 * `knimectl alteryx cancel JOB_ID`. Alteryx Server API V3 documents no cancel call, so without
 * `--cancel-route` this reads the job and exits 8 with that fact, having changed nothing. A job
 * that has already ended needs no cancel and exits 0.
 */
export default async function alteryxCancel({ args, options, output }: CommandContext): Promise<number> {
  const jobId = args[0]!;
  const client = await connectAlteryx(options, output);

  let status: string;
  try {
    status = (await client.getJob(jobId)).status;
  } catch (error) {
    throw toExitError(error);
  }
  if (finalStatuses.has(status.toLowerCase())) {
    output.info(`Alteryx job ${jobId} has already ended (${status}); nothing to cancel`);
    return ExitCode.ok;
  }

  if (options.cancelRoute !== true) {
    throw new CliExitError(
      ExitCode.invalidInput,
      `cannot cancel Alteryx job ${jobId} (${status}): ${alteryxCannotCancel}`,
      'if your server offers DELETE v3/jobs/{id}, run again with --cancel-route',
    );
  }
  try {
    await client.cancelJob(jobId);
  } catch (error) {
    throw toExitError(error);
  }
  output.info(`cancel request for Alteryx job ${jobId} accepted`);
  return ExitCode.ok;
}
