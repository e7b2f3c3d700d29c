import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { followJob } from '../follow.js';
import { InterruptGuard } from '../signals.js';
import { connectionOptions, followOptions } from './shared.js';

/** `knimectl wait JOB_ID`: follow an existing job to the end, like the second half of `run`. */
export default async function wait({ args, options, output }: CommandContext): Promise<number> {
  const jobId = args[0]!;
  const follow = followOptions(options);
  const client = await connect(connectionOptions(options), output);

  const handle = client.getJob(jobId);
  const guard = new InterruptGuard(output, () => `job ${jobId}`);
  try {
    return await followJob(handle, follow, guard, output);
  } finally {
    guard.dispose();
  }
}
