import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { formatElapsed } from '../duration.js';
import { toExitError } from '../error-map.js';
import { printJson, resultFormat } from '../print.js';
import { resultDocument, toProperties } from '../result.js';
import { connectionOptions } from './shared.js';

/** `knimectl status JOB_ID`: read a job once and print its state. Exit 0 whenever the read worked. */
export default async function status({ args, options, output }: CommandContext): Promise<number> {
  const jobId = args[0]!;
  const format = resultFormat(options);
  const client = await connect(connectionOptions(options), output);

  let current: Awaited<ReturnType<ReturnType<typeof client.getJob>['status']>>;
  try {
    current = await client.getJob(jobId).status();
  } catch (error) {
    throw toExitError(error);
  }

  const document = resultDocument(current);
  if (format === 'json') printJson(document, output);
  else if (format === 'properties') output.out(toProperties(document));
  else {
    const lines = [
      `job:      ${current.jobId}`,
      `workflow: ${current.workflow ?? '?'}`,
      `state:    ${current.state} (${current.label})`,
    ];
    if (current.durationMs !== undefined) lines.push(`duration: ${formatElapsed(current.durationMs)}`);
    for (const node of current.failedNodes) lines.push(`failed:   ${node.node}: ${node.message}`);
    output.out(`${lines.join('\n')}\n`);
  }
  return 0;
}
