import type { JobStatus, NodeMessage } from '../job/types.js';

/** Machine-readable result of a job, as `--json` prints it. */
export interface JobResultDocument {
  jobId: string;
  workflow: string | undefined;
  /** Raw KNIME state, such as `EXECUTION_FINISHED`. */
  state: string;
  /** Normalised outcome: succeeded, failed, cancelled, gone, running, … */
  outcome: string;
  /** `outputValues` of the job; `{}` when the server sent none. */
  outputs: Record<string, unknown>;
  /** ISO-8601 timestamps, or null when the server did not report them. */
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** Messages of the nodes that failed (type ERROR). */
  failedNodes: NodeMessage[];
  /** Whether the remote job was discarded after the command. */
  discarded?: boolean;
  /** Paths of output resources written by `--output-dir`. */
  files?: Record<string, string>;
  /** Set when the command ended on an error (timeout, cancel, …): the error message. */
  error?: string;
}

/** Builds the `--json` document from a job status. */
export function resultDocument(status: JobStatus, extra: Partial<JobResultDocument> = {}): JobResultDocument {
  return {
    jobId: status.jobId,
    workflow: status.workflow,
    state: status.state,
    outcome: status.outcome,
    outputs: status.outputs ?? {},
    startedAt: isoOrNull(status.startedAt),
    finishedAt: isoOrNull(status.finishedAt),
    durationMs: status.durationMs ?? null,
    failedNodes: status.failedNodes,
    ...extra,
  };
}

function isoOrNull(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : new Date(epochMs).toISOString();
}

/**
 * Renders a result as Java properties for Oozie's `<capture-output/>` (which loads stdout with
 * `java.util.Properties`). Nested outputs are flattened to dotted keys:
 *
 * - scalars: `output.<name>=<value>` (strings raw, numbers and booleans as JSON, null as empty)
 * - objects: `output.<name>.<key>=…`, recursively
 * - arrays: `output.<name>.<index>=…`, plus `output.<name>.length`
 * - empty objects and arrays: `output.<name>=` followed by `{}` or `[]`
 * - failed nodes: `failedNodes.<i>.node` and `failedNodes.<i>.message`
 *
 * Keys and values are escaped as `Properties.load` expects. In keys `\`, `=`, `:`, `#`, `!` and
 * spaces get a backslash, in values a leading space does, and line breaks and tabs become `\n`,
 * `\r`, `\t`. Characters outside printable ASCII become `\uXXXX`, so the output is pure ASCII.
 */
export function toProperties(document: JobResultDocument): string {
  const lines: string[] = [];
  const add = (key: string, value: string) => lines.push(`${escapeKey(key)}=${escapeValue(value)}`);

  add('jobId', document.jobId);
  add('workflow', document.workflow ?? '');
  add('state', document.state);
  add('outcome', document.outcome);
  add('startedAt', document.startedAt ?? '');
  add('finishedAt', document.finishedAt ?? '');
  add('durationMs', document.durationMs === null ? '' : String(document.durationMs));
  if (document.discarded !== undefined) add('discarded', String(document.discarded));
  if (document.error !== undefined) add('error', document.error);

  document.failedNodes.forEach((message, index) => {
    add(`failedNodes.${index}.node`, message.node);
    add(`failedNodes.${index}.message`, message.message);
  });

  for (const [name, value] of Object.entries(document.outputs)) {
    flatten(`output.${name}`, value, add);
  }
  for (const [name, path] of Object.entries(document.files ?? {})) {
    add(`file.${name}`, path);
  }
  return `${lines.join('\n')}\n`;
}

function flatten(prefix: string, value: unknown, add: (key: string, value: string) => void): void {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      add(prefix, '[]');
      return;
    }
    add(`${prefix}.length`, String(value.length));
    for (const [index, item] of value.entries()) flatten(`${prefix}.${index}`, item, add);
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) {
      add(prefix, '{}');
      return;
    }
    for (const [key, item] of entries) flatten(`${prefix}.${key}`, item, add);
    return;
  }
  if (value === null || value === undefined) {
    add(prefix, '');
    return;
  }
  add(prefix, typeof value === 'string' ? value : JSON.stringify(value));
}

function escapeKey(key: string): string {
  return escapeCommon(key).replace(/[=: #!]/g, (character) => `\\${character}`);
}

function escapeValue(value: string): string {
  const escaped = escapeCommon(value);
  // Properties.load skips leading white space of a value, so a leading space must be escaped.
  return escaped.startsWith(' ') ? `\\${escaped}` : escaped;
}

function escapeCommon(text: string): string {
  let out = '';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (character === '\\') out += '\\\\';
    else if (character === '\n') out += '\\n';
    else if (character === '\r') out += '\\r';
    else if (character === '\t') out += '\\t';
    else if (character === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) {
      // Characters beyond U+FFFF become a UTF-16 surrogate pair, as Properties expects.
      for (const unit of utf16Units(character)) out += `\\u${unit.toString(16).padStart(4, '0')}`;
    } else out += character;
  }
  return out;
}

function utf16Units(character: string): number[] {
  const units: number[] = [];
  for (let index = 0; index < character.length; index++) units.push(character.charCodeAt(index));
  return units;
}
