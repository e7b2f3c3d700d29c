import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { resultFormat } from '../print.js';
import { alteryxDocument, connectAlteryx } from './alteryx-job.js';
import { printRemoteResult } from './alteryx-oozie-result.js';

/** `knimectl alteryx status JOB_ID`: read an Alteryx job once and print it. Exit 0 whenever the read worked. */
export default async function alteryxStatus({ args, options, output }: CommandContext): Promise<number> {
  const jobId = args[0]!;
  const format = resultFormat(options);
  const client = await connectAlteryx(options, output);

  let document: ReturnType<typeof alteryxDocument>;
  try {
    document = alteryxDocument(await client.getJob(jobId), undefined);
  } catch (error) {
    throw toExitError(error);
  }

  if (format !== 'human') {
    printRemoteResult(document, format, output, true);
    return 0;
  }
  const lines = [
    `job:         ${document.jobId}`,
    `workflow:    ${document.workflow ?? '?'}`,
    `state:       ${document.state} (${document.outcome})`,
    `disposition: ${document.disposition || '(none yet)'}`,
  ];
  if (document.startedAt !== null) lines.push(`created:     ${document.startedAt}`);
  for (const name of Object.keys(document.outputs)) lines.push(`output:      ${name}`);
  for (const node of document.failedNodes) lines.push(`failed:      ${node.node}: ${node.message}`);
  output.out(`${lines.join('\n')}\n`);
  return 0;
}
