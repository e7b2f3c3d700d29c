import { readFile } from 'node:fs/promises';
import type { KnimeClient } from '../job/api.js';
import { type ConnectionOptions, describeConnection, resolveConnection } from './connection.js';
import { parseDuration } from './duration.js';
import { usageError } from './exit.js';
import type { Output } from './terminal.js';
import { cliLogger, tracingFetch } from './trace.js';

/** Settings of a KNIME client, after flags, environment and profile were merged. */
export interface KnimeClientSettings {
  /** @default 'server' */
  kind?: 'server' | 'hub';
  url: string;
  user: string | undefined;
  password: string | undefined;
  caFile: string | undefined;
  /** `--retries` as given; default 4. */
  retries?: string | undefined;
  /** `--request-timeout` as given; default 60s. */
  requestTimeout?: string | undefined;
}

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
    throw usageError(
      'a password was given but no user name',
      connection.kind === 'hub'
        ? 'pass --user with the application password id, or set KNIME_APP_PASSWORD_ID'
        : 'pass --user NAME or set KNIME_USER',
    );
  }
  return createKnimeClient(
    { ...connection, retries: options.retries, requestTimeout: options.requestTimeout },
    output,
  );
}

/** Creates a library client for `settings`, tracing requests through `output` with `--debug`. */
export async function createKnimeClient(settings: KnimeClientSettings, output: Output): Promise<KnimeClient> {
  output.addSecret(settings.password);

  let ca: string | undefined;
  if (settings.caFile !== undefined) {
    try {
      ca = await readFile(settings.caFile, 'utf8');
    } catch (error) {
      throw usageError(
        `cannot read the CA file ${settings.caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        'check the path given to --ca-file or the profile',
      );
    }
  }

  const retries = Number(settings.retries ?? '4');
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) {
    throw usageError(`invalid --retries "${settings.retries}": expected a whole number from 0 to 20`);
  }
  const requestTimeoutMs = parseDuration(settings.requestTimeout ?? '60s', '--request-timeout');

  const { createClient } = await import('../index.js');
  return createClient({
    url: settings.url,
    kind: settings.kind ?? 'server',
    ...(settings.user !== undefined && settings.password !== undefined
      ? { auth: { type: 'basic', username: settings.user, password: settings.password } }
      : {}),
    ...(ca !== undefined ? { tls: { ca } } : {}),
    fetch: output.debugEnabled ? tracingFetch(output) : fetch,
    logger: cliLogger(output),
    logLevel: output.debugEnabled ? 'debug' : 'warn',
    retry: retries === 0 ? false : { maxRetries: retries },
    requestTimeoutMs,
  });
}
