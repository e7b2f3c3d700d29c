import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { printJson, resultFormat } from '../print.js';
import { connectionOptions } from './shared.js';

/** `knimectl ls [PATH]`: list workflows and folders of the repository. */
export default async function ls({ args, options, output }: CommandContext): Promise<number> {
  const path = args[0] ?? '/';
  const format = resultFormat(options);
  const client = await connect(connectionOptions(options), output);

  let entries: Awaited<ReturnType<typeof client.listWorkflows>>;
  try {
    entries = await client.listWorkflows({ path, deep: options.recursive === true });
  } catch (error) {
    throw toExitError(error);
  }

  if (format === 'json') {
    printJson(entries, output);
    return 0;
  }
  for (const entry of entries) {
    const suffix = entry.type === 'WorkflowGroup' ? '/' : '';
    output.out(`${entry.path}${suffix}\n`);
  }
  if (entries.length === 0) output.info(`${path} is empty`);
  return 0;
}
