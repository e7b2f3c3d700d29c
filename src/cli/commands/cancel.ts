import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { connectionOptions } from './shared.js';

/** `knimectl cancel JOB_ID`: request cancellation of a job, and discard it with `--discard`. */
export default async function cancel({ args, options, output }: CommandContext): Promise<number> {
  const jobId = args[0]!;
  const client = await connect(connectionOptions(options), output);
  const handle = client.getJob(jobId);

  try {
    const status = await handle.cancel();
    output.info(`cancel requested for job ${jobId}; state ${status.state}`);
    if (options.discard === true) {
      const result = await handle.discard();
      if (result === 'already-gone') output.warn(`job ${jobId} was already discarded`);
      else output.info(`discarded job ${jobId}`);
    }
  } catch (error) {
    throw toExitError(error);
  }
  return 0;
}
