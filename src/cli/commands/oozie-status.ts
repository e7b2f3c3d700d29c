import type { CommandContext } from '../context.js';
import { formatElapsed } from '../duration.js';
import { toExitError } from '../error-map.js';
import { resultFormat } from '../print.js';
import { printRemoteResult, type RemoteJobDocument } from './alteryx-oozie-result.js';
import { connectOozie, oozieDocument } from './oozie-job.js';

/** `knimectl oozie status JOB_ID`: read a workflow job once and print it. Exit 0 whenever the read worked. */
export default async function oozieStatus({ args, options, output }: CommandContext): Promise<number> {
  const jobId = args[0]!;
  const format = resultFormat(options);
  const client = await connectOozie(options, output);

  let document: RemoteJobDocument;
  try {
    document = oozieDocument(await client.getJob(jobId), false);
  } catch (error) {
    throw toExitError(error);
  }

  if (format !== 'human') {
    printRemoteResult(document, format, output, true);
    return 0;
  }
  const lines = [
    `job:      ${document.jobId}`,
    `workflow: ${document.workflow ?? '?'}`,
    `state:    ${document.state} (${document.outcome})`,
  ];
  if (document.durationMs !== null) lines.push(`duration: ${formatElapsed(document.durationMs)}`);
  for (const [action, values] of Object.entries(document.outputs)) {
    lines.push(`output:   ${action} ${JSON.stringify(values)}`);
  }
  for (const node of document.failedNodes) lines.push(`failed:   ${node.node}: ${node.message}`);
  output.out(`${lines.join('\n')}\n`);
  return 0;
}
