import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { formatElapsed } from '../duration.js';
import { toExitError } from '../error-map.js';
import { printJson, resultFormat } from '../print.js';
import { resultDocument } from '../result.js';
import { connectionOptions } from './shared.js';

/** `knimectl jobs`: list jobs, filtered by workflow and by raw state or outcome. */
export default async function jobs({ options, output }: CommandContext): Promise<number> {
  const format = resultFormat(options);
  const client = await connect(connectionOptions(options), output);

  const filter: { workflow?: string; state?: string[] } = {};
  if (typeof options.workflow === 'string') filter.workflow = options.workflow;
  if (Array.isArray(options.state)) filter.state = options.state as string[];

  let list: Awaited<ReturnType<typeof client.listJobs>>;
  try {
    list = await client.listJobs(filter);
  } catch (error) {
    throw toExitError(error);
  }

  if (format === 'json') {
    printJson(
      list.map((job) => resultDocument(job)),
      output,
    );
    return 0;
  }

  if (list.length === 0) {
    output.info('no jobs');
    return 0;
  }
  const rows = list.map((job) => [
    job.jobId,
    job.state,
    job.durationMs === undefined ? '-' : formatElapsed(job.durationMs),
    job.workflow ?? '?',
  ]);
  output.out(table(['JOB', 'STATE', 'DURATION', 'WORKFLOW'], rows));
  return 0;
}

/** Formats rows as left-aligned columns separated by two spaces. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(format).join('\n')}\n`;
}
