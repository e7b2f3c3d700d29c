import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { connectionOptions } from './shared.js';

/** `knimectl discard JOB_ID`: discard a job. A job that is already gone is a warning, exit 0. */
export default async function discard({ args, options, output }: CommandContext): Promise<number> {
  const jobId = args[0]!;
  const client = await connect(connectionOptions(options), output);

  try {
    const result = await client.getJob(jobId).discard();
    // The library already logs a job that is gone as a warning, so only a discard is reported here.
    if (result === 'discarded') output.info(`discarded job ${jobId}`);
  } catch (error) {
    throw toExitError(error);
  }
  return 0;
}
