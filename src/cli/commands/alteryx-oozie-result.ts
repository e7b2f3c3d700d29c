/**
 * Result printing of the `alteryx` and `oozie` commands. The document has the fields of the KNIME
 * `--json` result, plus `disposition` for Alteryx, so that one scheduler script reads all three.
 */
import { CliExitError } from '../exit.js';
import { printJson, type ResultFormat } from '../print.js';
import { type JobResultDocument, toProperties } from '../result.js';
import type { Output } from '../terminal.js';

/** `--json` document of an Alteryx or Oozie job. */
export interface RemoteJobDocument extends JobResultDocument {
  /** Alteryx only: the raw disposition (`Success`, `Warning`, `Error`, or '' while pending). */
  disposition?: string;
}

/**
 * Prints a result on stdout in `format`. The human format prints the outputs of a succeeded job
 * as indented JSON and leaves everything else to stderr, like `knimectl run`.
 */
export function printRemoteResult(
  document: RemoteJobDocument,
  format: ResultFormat,
  output: Output,
  succeeded: boolean,
): void {
  if (format === 'json') {
    printJson(document, output);
    return;
  }
  if (format === 'properties') {
    let text = toProperties(document);
    if (document.disposition !== undefined) text += `disposition=${escapeAscii(document.disposition)}\n`;
    output.out(text);
    return;
  }
  if (succeeded) output.out(`${JSON.stringify(document.outputs, null, 2)}\n`);
}

/** Prints the document with the error, writes the error and its hint on stderr, and returns the exit code. */
export function endWithError(
  document: RemoteJobDocument,
  error: CliExitError,
  format: ResultFormat,
  output: Output,
): number {
  document.error = error.message;
  printRemoteResult(document, format, output, false);
  output.error(`error: ${error.message}`);
  for (const node of document.failedNodes) {
    if (!error.message.includes(node.message)) output.error(`  ${node.node}: ${node.message}`);
  }
  if (error.hint) output.error(error.hint);
  return error.code;
}

/** Converts epoch milliseconds or an ISO string into ISO 8601, or null. */
export function isoOrNull(value: number | string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Shorthand for an exit error with a hint. */
export function exitError(code: CliExitError['code'], message: string, hint?: string): CliExitError {
  return new CliExitError(code, message, hint);
}

function escapeAscii(value: string): string {
  return value.replace(
    /[^\x20-\x7e]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
