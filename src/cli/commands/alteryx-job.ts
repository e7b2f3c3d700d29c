/**
 * Pieces shared by `knimectl alteryx run|status|cancel`: the client, the answers and the result
 * document of a job.
 */
import { readFile } from 'node:fs/promises';
import type { AlteryxAnswer, AlteryxClient, AlteryxJob } from '../../alteryx/index.js';
import { jobState } from '../../alteryx/outcome.js';
import { parseDuration } from '../duration.js';
import { usageError } from '../exit.js';
import type { Output } from '../terminal.js';
import { cliLogger, tracingFetch } from '../trace.js';
import { alteryxNames, resolveRemoteConnection } from './alteryx-oozie-connection.js';
import { isoOrNull, type RemoteJobDocument } from './alteryx-oozie-result.js';

/** Hint printed whenever knimectl stops following an Alteryx job that it cannot cancel. */
export const alteryxCannotCancel =
  'the job keeps running on the server because Alteryx Server API V3 has no cancel call; an administrator can stop it on the Jobs page of the Alteryx Server admin UI';

/**
 * Resolves the connection and creates an Alteryx client. The library is imported lazily, so that
 * `--help` never loads it.
 *
 * @throws CliExitError (exit code 2) for a missing URL, client id or secret, or invalid flags.
 */
export async function connectAlteryx(
  options: Record<string, unknown>,
  output: Output,
): Promise<AlteryxClient> {
  const connection = await resolveRemoteConnection(alteryxNames, options, output);
  if (connection.user === undefined) {
    throw usageError(
      'missing Alteryx API access key (client id)',
      'pass --client-id KEY, set ALTERYX_CLIENT_ID, or store it as the user of the profile',
    );
  }
  if (connection.secret === undefined) {
    throw usageError(
      'missing Alteryx API access secret',
      'use --client-secret-stdin or --client-secret-file, set ALTERYX_CLIENT_SECRET, or store it in the profile with `knimectl config set NAME --password-stdin`',
    );
  }

  const retries = Number(options.retries ?? '4');
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) {
    throw usageError(`invalid --retries "${String(options.retries)}": expected a whole number from 0 to 20`);
  }
  const requestTimeoutMs = parseDuration(String(options.requestTimeout ?? '60s'), '--request-timeout');

  const { AlteryxClient } = await import('../../alteryx/index.js');
  return new AlteryxClient({
    baseUrl: connection.url,
    apiKey: connection.user,
    apiSecret: connection.secret,
    fetch: output.debugEnabled ? tracingFetch(output) : fetch,
    logger: cliLogger(output),
    retry: retries === 0 ? false : { maxRetries: retries },
    requestTimeoutMs,
    cancelRoute: options.cancelRoute === true,
  });
}

/**
 * Reads `--answers` (a JSON object, inline or `@file.json`) and `--answer NAME=VALUE` flags. A name
 * given several times with `--answer` becomes a list, for multi-select questions. `--answer` wins
 * over `--answers` for the same name.
 *
 * @throws CliExitError (exit code 2) for a flag without `=`, unreadable JSON or a value that is not
 *   a string, number, boolean or list of strings.
 */
export async function collectAnswers(
  options: Record<string, unknown>,
): Promise<Record<string, AlteryxAnswer>> {
  const answers: Record<string, AlteryxAnswer> = {};

  if (typeof options.answers === 'string') {
    const text = options.answers.startsWith('@')
      ? await readAnswersFile(options.answers.slice(1))
      : options.answers;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw usageError(
        `invalid JSON in --answers: ${(error as Error).message}`,
        'pass an object such as {"Region":"EMEA"}',
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw usageError(
        '--answers must be a JSON object of answers by question name',
        'such as {"Region":"EMEA"}',
      );
    }
    for (const [name, value] of Object.entries(parsed)) answers[name] = checkAnswer(name, value);
  }

  const repeated: Record<string, string[]> = {};
  for (const flag of (options.answer as string[] | undefined) ?? []) {
    const equals = flag.indexOf('=');
    if (equals <= 0) {
      throw usageError(`invalid --answer "${flag}": expected NAME=VALUE`, 'for example --answer Region=EMEA');
    }
    const name = flag.slice(0, equals);
    const values = repeated[name] ?? [];
    values.push(flag.slice(equals + 1));
    repeated[name] = values;
  }
  for (const [name, values] of Object.entries(repeated)) {
    answers[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return answers;
}

async function readAnswersFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(
      `cannot read the answers file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      'check the path after --answers @',
    );
  }
}

function checkAnswer(name: string, value: unknown): AlteryxAnswer {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw usageError(
    `invalid answer for question "${name}" in --answers: expected a string, number, boolean or list of strings`,
  );
}

/**
 * Builds the result document of a job: `state` is the raw status, `outcome` the state computed from
 * status and disposition, `outputs` the job's output files by file name, and `failedNodes` the
 * error messages (tool id and text). Alteryx reports no start or end time of a run, so `startedAt`
 * is the creation time and `finishedAt` and `durationMs` stay null.
 */
export function alteryxDocument(
  job: AlteryxJob,
  workflowName: string | undefined,
  warningsAsErrors = false,
): RemoteJobDocument {
  const outputs: Record<string, unknown> = {};
  for (const output of job.outputs)
    outputs[output.fileName] = { id: output.id, formats: [...output.formats] };
  const errors = job.messages.filter((message) => message.status === 3);
  return {
    jobId: job.id,
    workflow: workflowName ?? (job.workflowId || undefined),
    state: job.status,
    disposition: job.disposition,
    outcome: jobState(job, warningsAsErrors),
    outputs,
    startedAt: isoOrNull(job.createdAt),
    finishedAt: null,
    durationMs: null,
    failedNodes: errors.map((message) => ({
      node: `tool ${message.toolId}`,
      messageType: 'ERROR',
      message: message.text,
    })),
  };
}
