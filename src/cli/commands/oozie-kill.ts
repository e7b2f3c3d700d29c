import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { CliExitError, ExitCode } from '../exit.js';
import { connectOozie } from './oozie-job.js';

/**
 * `knimectl oozie kill JOB_ID`: kill a workflow job. A job that has already ended is left alone
 * (Oozie would accept the kill and change nothing) and the command exits 0.
 */
export default async function oozieKill({ args, options, output }: CommandContext): Promise<number> {
  const jobId = args[0]!;
  const client = await connectOozie(options, output);

  let result: Awaited<ReturnType<typeof client.kill>>;
  try {
    result = await client.kill(jobId);
  } catch (error) {
    throw toExitError(error);
  }

  if (result.effect === 'skipped') {
    output.info(`Oozie job ${jobId} has already ended (${result.before}); nothing to kill`);
    return ExitCode.ok;
  }
  if (result.effect === 'no-effect') {
    throw new CliExitError(
      ExitCode.unavailable,
      `Oozie accepted the kill of job ${jobId} but the job is still ${result.after}`,
      `check it with \`knimectl oozie status ${jobId}\` and kill it again`,
    );
  }
  output.info(`killed Oozie job ${jobId} (${result.before} → ${result.after})`);
  return ExitCode.ok;
}
