import type { JobHandle } from '../../job/api.js';
import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { followJob } from '../follow.js';
import { collectInputs } from '../inputs.js';
import { InterruptGuard } from '../signals.js';
import { resolveJobTarget } from './deployments.js';
import { hubStartOptions, toStartExitError } from './execution-contexts.js';
import { connectionOptions, followOptions } from './shared.js';

/** `knimectl run WORKFLOW`: start a job, follow it to the end, print outputs, discard it. */
export default async function run({ args, options, output }: CommandContext): Promise<number> {
  const follow = followOptions(options);
  const inputs = await collectInputs(options);
  const client = await connect(connectionOptions(options), output);
  const workflow = await resolveJobTarget(client, args[0], options);

  let jobId: string | undefined;
  const guard = new InterruptGuard(output, () =>
    jobId ? `job ${jobId}` : `the job of ${workflow} once it is created`,
  );
  try {
    // The start gets no abort signal: a job-creating request cut off by Ctrl-C may still create
    // the job, and its id would be lost. A signal during the start is handled right after it.
    // NOTE: while the server loads the workflow (before POST :jobs answers), a first Ctrl-C waits
    // for the load to end; a second one exits at once and may leave the job behind.
    let handle: JobHandle;
    try {
      handle = await client.start(workflow, inputs, hubStartOptions(client, follow.loadTimeoutMs));
    } catch (error) {
      if (guard.received !== undefined) {
        output.error(`interrupted by ${guard.received} before the job started`);
        return guard.exitCode;
      }
      throw toStartExitError(error);
    }
    jobId = handle.id;
    output.info(`started job ${handle.id} for ${workflow}`);
    return await followJob(handle, follow, guard, output);
  } finally {
    guard.dispose();
  }
}
