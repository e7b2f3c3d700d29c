import { usageError } from './exit.js';
import { type JobResultDocument, toProperties } from './result.js';
import type { Output } from './terminal.js';

export type ResultFormat = 'human' | 'json' | 'properties';

/** Reads `--json` and `--format` into one format; `--json` wins. */
export function resultFormat(options: Record<string, unknown>): ResultFormat {
  if (options.json === true) return 'json';
  const format = options.format ?? 'human';
  if (format === 'human' || format === 'json' || format === 'properties') return format;
  throw usageError(`invalid --format "${String(format)}"`, 'use human, json or properties');
}

/**
 * Prints a job result on stdout. Machine formats are printed also for failed jobs, so that a
 * scheduler can read the state and node messages. The human format prints only the outputs of a
 * succeeded job (as indented JSON) and leaves the rest to stderr.
 */
export function printResult(
  document: JobResultDocument,
  format: ResultFormat,
  output: Output,
  succeeded: boolean,
): void {
  if (format === 'json') {
    printJson(document, output);
    return;
  }
  if (format === 'properties') {
    output.out(toProperties(document));
    return;
  }
  if (succeeded) {
    output.info(`job ${document.jobId} ${document.state} in ${document.durationMs ?? '?'}ms`);
    output.out(`${JSON.stringify(document.outputs, null, 2)}\n`);
  }
}

/**
 * Prints any JSON value as one document on one line of stdout, so that tools which keep the last
 * line (Airflow's XCom) or read JSON lines get the whole document. Pipe it to `jq` to read it.
 */
export function printJson(value: unknown, output: Output): void {
  output.out(`${JSON.stringify(value)}\n`);
}
