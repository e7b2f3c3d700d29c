import { readFile } from 'node:fs/promises';
import type { KnimeClient } from '../job/api.js';
import { type ConnectionOptions, describeConnection, resolveConnection } from './connection.js';
import { parseDuration } from './duration.js';
import { usageError } from './exit.js';
import type { Output } from './terminal.js';
import { cliLogger, tracingFetch } from './trace.js';

/**
 * Resolves the connection from flags, environment and profile, registers the password as a
 * secret to redact, and creates a library client. The library is imported here, lazily, so that
 * commands that do not talk to a server never load it.
 */
export async function connect(options: ConnectionOptions, output: Output): Promise<KnimeClient> {
  const connection = await resolveConnection(options, {
    env: output.terminal.env,
    stdin: output.terminal.stdin,
  });
  output.addSecret(connection.password);
  output.debug(`connection: ${describeConnection(connection)}`);

  if (connection.password !== undefined && connection.user === undefined) {
    throw usageError('a password was given but no user name', 'pass --user NAME or set KNIME_USER');
  }

  let ca: string | undefined;
  if (connection.caFile !== undefined) {
    try {
      ca = await readFile(connection.caFile, 'utf8');
    } catch (error) {
      throw usageError(
        `cannot read the CA file ${connection.caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        'check the path given to --ca-file or the profile',
      );
    }
  }

  const retries = Number(options.retries ?? '4');
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) {
    throw usageError(`invalid --retries "${options.retries}": expected a whole number from 0 to 20`);
  }
  const requestTimeoutMs = parseDuration(options.requestTimeout ?? '60s', '--request-timeout');

  const { createClient } = await import('../index.js');
  return createClient({
    url: connection.url,
    ...(connection.user !== undefined && connection.password !== undefined
      ? { auth: { type: 'basic', username: connection.user, password: connection.password } }
      : {}),
    ...(ca !== undefined ? { tls: { ca } } : {}),
    fetch: output.debugEnabled ? tracingFetch(output) : fetch,
    logger: cliLogger(output),
    logLevel: output.debugEnabled ? 'debug' : 'warn',
    retry: retries === 0 ? false : { maxRetries: retries },
    requestTimeoutMs,
  });
}
