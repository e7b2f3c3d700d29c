/**
 * Pieces shared by `knimectl oozie run|status|kill`: the client, the job properties and the result
 * document of a workflow job.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { OozieClient, OozieJob } from '../../oozie/index.js';
import { normalizeOozieStatus } from '../../oozie/states.js';
import { findFailingAction } from '../../oozie/watch.js';
import { parseDuration } from '../duration.js';
import { usageError } from '../exit.js';
import type { Output } from '../terminal.js';
import { cliLogger, tracingFetch } from '../trace.js';
import { oozieNames, resolveRemoteConnection } from './alteryx-oozie-connection.js';
import { isoOrNull, type RemoteJobDocument } from './alteryx-oozie-result.js';

/**
 * Resolves the connection and creates an Oozie client. A password is sent as HTTP Basic, for a
 * proxy such as Apache Knox in front of Oozie; plain Oozie only needs `user.name`.
 *
 * @throws CliExitError (exit code 2) for a missing URL, a password without a user, or invalid flags.
 */
export async function connectOozie(options: Record<string, unknown>, output: Output): Promise<OozieClient> {
  const connection = await resolveRemoteConnection(oozieNames, options, output);
  if (connection.secret !== undefined && connection.user === undefined) {
    throw usageError('an Oozie password was given but no user name', 'pass --user NAME or set OOZIE_USER');
  }

  const retries = Number(options.retries ?? '4');
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) {
    throw usageError(`invalid --retries "${String(options.retries)}": expected a whole number from 0 to 20`);
  }
  const requestTimeoutMs = parseDuration(String(options.requestTimeout ?? '60s'), '--request-timeout');

  // Oozie rejects a submit without user.name (E0401); like the oozie CLI, the login name is the default.
  const user = connection.user ?? userInfo().username;
  if (connection.user === undefined) output.debug(`oozie user.name defaults to the login name ${user}`);

  const { OozieClient } = await import('../../oozie/index.js');
  return new OozieClient({
    baseUrl: connection.url,
    user,
    ...(connection.secret !== undefined
      ? { auth: { type: 'basic' as const, username: user, password: connection.secret } }
      : {}),
    fetch: output.debugEnabled ? tracingFetch(output) : fetch,
    logger: cliLogger(output),
    retry: retries === 0 ? false : { maxRetries: retries },
    requestTimeoutMs,
  });
}

/**
 * Reads `--properties` (a JSON object inline, or `@file` holding JSON or `key=value` lines as in
 * `job.properties`) and `--property NAME=VALUE` flags, which win for the same name.
 *
 * @throws CliExitError (exit code 2) for a flag without `=`, an unreadable file or invalid JSON.
 */
export async function collectProperties(options: Record<string, unknown>): Promise<Record<string, string>> {
  const properties: Record<string, string> = {};

  if (typeof options.properties === 'string') {
    const fromFile = options.properties.startsWith('@');
    const text = fromFile ? await readPropertiesFile(options.properties.slice(1)) : options.properties;
    if (text.trimStart().startsWith('{') || !fromFile) {
      Object.assign(properties, parseJsonProperties(text));
    } else {
      Object.assign(properties, parsePropertiesText(text));
    }
  }

  for (const flag of (options.property as string[] | undefined) ?? []) {
    const equals = flag.indexOf('=');
    if (equals <= 0) {
      throw usageError(
        `invalid --property "${flag}": expected NAME=VALUE`,
        'for example --property queueName=default',
      );
    }
    properties[flag.slice(0, equals)] = flag.slice(equals + 1);
  }
  return properties;
}

async function readPropertiesFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(
      `cannot read the properties file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      'check the path after --properties @',
    );
  }
}

function parseJsonProperties(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(
      `invalid JSON in --properties: ${(error as Error).message}`,
      'pass an object such as {"queueName":"default"}, or @job.properties',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usageError('--properties must be a JSON object of property values by name');
  }
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'object' && value !== null) {
      throw usageError(
        `invalid value of property "${name}" in --properties: expected a string, number or boolean`,
      );
    }
    properties[name] = String(value);
  }
  return properties;
}

/**
 * Parses the common subset of `job.properties`: `key=value` or `key: value` lines, `#` and `!`
 * comments and blank lines.
 * NOTE: line continuations and `\uXXXX` escapes of java.util.Properties are not supported.
 */
function parsePropertiesText(text: string): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (!match)
      throw usageError(`invalid line ${index + 1} in the properties file: "${line}"`, 'use key=value');
    properties[match[1] as string] = match[2] as string;
  }
  return properties;
}

/**
 * Builds the result document of a workflow job. `state` is the raw status and `outcome` the
 * normalised one, where a `KILLED` job counts as failed unless knimectl killed it. `outputs` holds
 * the captured output of each action by action name, and `failedNodes` the failing action.
 */
export function oozieDocument(job: OozieJob, killRequested: boolean): RemoteJobDocument {
  const failing = job.status === 'SUCCEEDED' ? undefined : findFailingAction(job.actions);
  const durationMs =
    job.startedAt !== undefined && job.endedAt !== undefined ? job.endedAt - job.startedAt : null;
  return {
    jobId: job.id,
    workflow: job.appName ?? job.appPath,
    state: job.status,
    outcome: normalizeOozieStatus(job.status, killRequested),
    outputs: { ...job.outputs },
    startedAt: isoOrNull(job.startedAt),
    finishedAt: isoOrNull(job.endedAt),
    durationMs,
    failedNodes: failing
      ? [
          {
            node: `${failing.name} (${failing.type})`,
            messageType: 'ERROR',
            message: failing.errorCode
              ? `${failing.errorCode}: ${failing.errorMessage ?? ''}`.trim()
              : (failing.errorMessage ?? failing.status),
          },
        ]
      : [],
  };
}
