import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { usageError } from './exit.js';
import { configPath, type Profile, readConfig, requireProfile } from './profiles.js';

/** Connection flags shared by every command that talks to a server. */
export interface ConnectionOptions {
  server?: string;
  /** KNIME Business Hub API root (`--hub`), used instead of `server`. */
  hub?: string;
  user?: string;
  profile?: string;
  passwordStdin?: boolean;
  passwordFile?: string;
  caFile?: string;
  /** Retries of idempotent requests after transient failures (`--retries`). */
  retries?: string;
  /** Per-request timeout as a duration (`--request-timeout`). */
  requestTimeout?: string;
}

/** Source of a connection setting, for `--debug` and error messages. */
export type SettingSource = 'flag' | 'env' | 'profile';

/** Connection after flags, environment and profile were merged. */
export interface ResolvedConnection {
  /** `server` for KNIME Server REST API v4, `hub` for KNIME Business Hub. */
  kind: 'server' | 'hub';
  /** Server URL (`https://knime.example.test/knime`) or Hub API root (`https://api.hub.example.test`). */
  url: string;
  user: string | undefined;
  /** Never printed; see {@link describeConnection}. */
  password: string | undefined;
  caFile: string | undefined;
  /** Profile that was read, if any. */
  profile: string | undefined;
  sources: { url: SettingSource; user?: SettingSource; password?: SettingSource };
}

/** Adds the connection flags to `command`. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      '--server <url>',
      'KNIME Server URL, such as https://knime.example.test/knime (env KNIME_SERVER_URL)',
    )
    .option(
      '--hub <url>',
      'KNIME Business Hub API root, such as https://api.hub.example.test (env KNIME_HUB_URL)',
    )
    .option(
      '--user <name>',
      'user name; on a Hub the application password id (env KNIME_USER, on a Hub KNIME_APP_PASSWORD_ID first)',
    )
    .option('--profile <name>', 'named profile from the configuration file (env KNIME_PROFILE)')
    .option('--password-stdin', 'read the password from standard input (one line)')
    .option('--password-file <path>', 'read the password from the first line of a file')
    .option('--ca-file <path>', 'PEM file with extra CA certificates to trust for TLS')
    .option(
      '--retries <count>',
      'retries of reads and discards after connection errors or HTTP 5xx, 408, 429',
      '4',
    )
    .option('--request-timeout <duration>', 'limit of one HTTP request (units ms, s, m, h)', '60s');
}

/** Input streams and environment, injectable for tests. */
export interface ConnectionEnvironment {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
}

/**
 * Merges flags, environment variables and the profile, in that order of precedence, and reads the
 * password from the first source that has one: `--password-stdin` or `--password-file`, then
 * `KNIME_PASSWORD`, then the profile. On a Hub the user is the application password id:
 * `--user`, then `KNIME_APP_PASSWORD_ID`, `KNIME_USER`, then the profile's `appPasswordId` or
 * `user`; and `KNIME_APP_PASSWORD` comes before `KNIME_PASSWORD`.
 *
 * @throws CliExitError (exit code 2) when no server URL is known, the URL is invalid, the profile
 *   does not exist, or a password source cannot be read.
 */
export async function resolveConnection(
  options: ConnectionOptions,
  environment: ConnectionEnvironment = { env: process.env, stdin: process.stdin },
): Promise<ResolvedConnection> {
  const { env } = environment;

  const path = configPath(env);
  const profileName = options.profile ?? nonEmpty(env.KNIME_PROFILE);
  let profile: Profile = {};
  let usedProfile: string | undefined;

  if (profileName !== undefined) {
    profile = requireProfile(await readConfig(path), profileName, path);
    usedProfile = profileName;
  } else {
    const config = await readConfig(path);
    if (config.defaultProfile !== undefined) {
      profile = requireProfile(config, config.defaultProfile, path);
      usedProfile = config.defaultProfile;
    }
  }

  const target = pickTarget(options, env, profile);
  if (target === undefined) {
    throw usageError(
      'no KNIME Server URL given',
      'pass --server URL (or --hub URL), set KNIME_SERVER_URL, or create a profile with `knimectl config set NAME --server URL`',
    );
  }
  const url = target;
  checkUrl(url.value, url.source);

  const user =
    target.kind === 'hub'
      ? pick(
          options.user,
          nonEmpty(env.KNIME_APP_PASSWORD_ID) ?? nonEmpty(env.KNIME_USER),
          profile.appPasswordId ?? profile.user,
        )
      : pick(options.user, nonEmpty(env.KNIME_USER), profile.user);
  const password = await readPassword(options, environment, profile, target.kind);

  const sources: ResolvedConnection['sources'] = { url: url.source };
  if (user) sources.user = user.source;
  if (password) sources.password = password.source;

  return {
    kind: target.kind,
    url: url.value,
    user: user?.value,
    password: password?.value,
    caFile: options.caFile ?? profile.caFile,
    profile: usedProfile,
    sources,
  };
}

/** Describes a connection in one line without its password, for `--debug`. */
export function describeConnection(connection: ResolvedConnection): string {
  const parts = [`${connection.kind} ${connection.url} (from ${connection.sources.url})`];
  if (connection.user !== undefined) parts.push(`user ${connection.user} (from ${connection.sources.user})`);
  parts.push(
    connection.password === undefined
      ? 'no password'
      : `password from ${connection.sources.password} (redacted)`,
  );
  if (connection.profile !== undefined) parts.push(`profile ${connection.profile}`);
  return parts.join(', ');
}

/**
 * Picks the server or Hub URL from the first level that names one: flags, then environment, then
 * profile. One level naming both is ambiguous and rejected.
 */
function pickTarget(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv,
  profile: Profile,
): { value: string; source: SettingSource; kind: 'server' | 'hub' } | undefined {
  const levels: Array<[SettingSource, string | undefined, string | undefined, string]> = [
    ['flag', options.server, options.hub, '--server and --hub'],
    [
      'env',
      nonEmpty(env.KNIME_SERVER_URL),
      nonEmpty(env.KNIME_HUB_URL),
      'KNIME_SERVER_URL and KNIME_HUB_URL',
    ],
    ['profile', profile.server, profile.hub, 'the profile keys server and hub'],
  ];
  for (const [source, server, hub, names] of levels) {
    if (server !== undefined && hub !== undefined) {
      throw usageError(`${names} are both set`, 'give either a KNIME Server URL or a Hub API root');
    }
    if (server !== undefined) return { value: server, source, kind: 'server' };
    if (hub !== undefined) return { value: hub, source, kind: 'hub' };
  }
  return undefined;
}

/** Returns the first setting given, by precedence: flag, environment, profile. */
export function pick(
  flag: string | undefined,
  env: string | undefined,
  profile: string | undefined,
): { value: string; source: SettingSource } | undefined {
  if (flag !== undefined) return { value: flag, source: 'flag' };
  if (env !== undefined) return { value: env, source: 'env' };
  if (profile !== undefined) return { value: profile, source: 'profile' };
  return undefined;
}

/** Treats an empty environment variable as unset. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function checkUrl(value: string, source: SettingSource): void {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw usageError(
      `invalid server URL "${value}" (from ${source})`,
      'give an absolute http:// or https:// URL',
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw usageError(`invalid server URL "${value}" (from ${source}): scheme must be http or https`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // The URL itself must never carry credentials, because URLs end up in logs and errors.
    throw usageError(
      `the server URL (from ${source}) contains credentials`,
      'remove them from the URL; pass --user and KNIME_PASSWORD, --password-stdin or --password-file',
    );
  }
}

/**
 * Reads the password from the first source that has one. On a Hub, the application password
 * secret in `KNIME_APP_PASSWORD` comes before `KNIME_PASSWORD`.
 */
async function readPassword(
  options: ConnectionOptions,
  environment: ConnectionEnvironment,
  profile: Profile,
  kind: 'server' | 'hub',
): Promise<{ value: string; source: SettingSource } | undefined> {
  const fromFlags = await readPasswordFlags(options, environment.stdin);
  if (fromFlags !== undefined) return { value: fromFlags, source: 'flag' };

  const fromEnv =
    (kind === 'hub' ? nonEmpty(environment.env.KNIME_APP_PASSWORD) : undefined) ??
    nonEmpty(environment.env.KNIME_PASSWORD);
  if (fromEnv !== undefined) return { value: fromEnv, source: 'env' };
  if (profile.password !== undefined) return { value: profile.password, source: 'profile' };
  return undefined;
}

/**
 * Reads the password named by `--password-stdin` or `--password-file` (first line, without the
 * line break), or returns undefined when neither flag is given.
 *
 * @throws CliExitError (exit code 2) when both are given, the file cannot be read, or the line is empty.
 */
export async function readPasswordFlags(
  options: Pick<ConnectionOptions, 'passwordStdin' | 'passwordFile'>,
  stdin: NodeJS.ReadableStream,
): Promise<string | undefined> {
  if (options.passwordStdin && options.passwordFile !== undefined) {
    throw usageError('--password-stdin and --password-file cannot be combined', 'give one password source');
  }

  if (options.passwordStdin) {
    return firstLine(await readStream(stdin), '--password-stdin');
  }

  if (options.passwordFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.passwordFile, 'utf8');
    } catch (error) {
      throw usageError(
        `cannot read the password file ${options.passwordFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        'check the path given to --password-file',
      );
    }
    return firstLine(text, `--password-file ${options.passwordFile}`);
  }
  return undefined;
}

function firstLine(text: string, source: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  if (line === '') throw usageError(`the password from ${source} is empty`);
  return line;
}

/** Reads a stream to its end as UTF-8 text. */
export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
