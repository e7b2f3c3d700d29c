/**
 * Connection settings of the `alteryx` and `oozie` commands. They follow the order of the KNIME
 * commands: flags, then environment variables, then the profile (`--profile`, `KNIME_PROFILE`, or
 * the default profile). A secret is read from `--…-stdin` or `--…-file`, then the environment, then
 * the profile, and never from argv.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { nonEmpty, pick, readStream, type SettingSource } from '../connection.js';
import { usageError } from '../exit.js';
import { configPath, type Profile, readConfig, requireProfile } from '../profiles.js';
import type { Output } from '../terminal.js';

/** Names of the flags, variables and profile keys of one remote system. */
export interface RemoteSystemNames {
  /** Profile key of the URL and the system's name in messages: `alteryx` or `oozie`. */
  system: 'alteryx' | 'oozie';
  label: string;
  urlEnv: string;
  userFlag: string;
  userEnv: string;
  secretFlag: string;
  secretEnv: string;
  /** Example URL for error messages; always a `.test` host. */
  exampleUrl: string;
}

export const alteryxNames: RemoteSystemNames = {
  system: 'alteryx',
  label: 'Alteryx Server Web API address',
  urlEnv: 'ALTERYX_URL',
  userFlag: '--client-id',
  userEnv: 'ALTERYX_CLIENT_ID',
  secretFlag: '--client-secret',
  secretEnv: 'ALTERYX_CLIENT_SECRET',
  exampleUrl: 'https://alteryx.example.test/webapi/',
};

export const oozieNames: RemoteSystemNames = {
  system: 'oozie',
  label: 'Oozie base URL',
  urlEnv: 'OOZIE_URL',
  userFlag: '--user',
  userEnv: 'OOZIE_USER',
  secretFlag: '--password',
  secretEnv: 'OOZIE_PASSWORD',
  exampleUrl: 'http://oozie.example.test:11000/oozie',
};

/** A resolved connection. `secret` is registered for redaction and never printed. */
export interface RemoteConnection {
  url: string;
  user: string | undefined;
  secret: string | undefined;
  profile: string | undefined;
  sources: { url: SettingSource; user?: SettingSource; secret?: SettingSource };
}

/** Adds `--url`, the user flag, the two secret flags and `--profile` to `command`. */
export function addRemoteConnectionOptions(command: Command, names: RemoteSystemNames): Command {
  const isAlteryx = names.system === 'alteryx';
  return command
    .option('--url <url>', `${names.label}, such as ${names.exampleUrl} (env ${names.urlEnv})`)
    .option(
      `${names.userFlag} <${isAlteryx ? 'key' : 'name'}>`,
      isAlteryx
        ? `API access key, the OAuth 2 client id (env ${names.userEnv})`
        : `user.name sent with every request (env ${names.userEnv})`,
    )
    .option(
      `${names.secretFlag}-stdin`,
      isAlteryx
        ? 'read the API access secret from standard input (one line)'
        : 'read the HTTP Basic password for a proxy such as Knox from standard input (one line)',
    )
    .option(
      `${names.secretFlag}-file <path>`,
      `read the ${isAlteryx ? 'secret' : 'password'} from the first line of a file`,
    )
    .option(
      '--profile <name>',
      `named profile whose "${names.system}" key gives the URL (env KNIME_PROFILE)`,
    );
}

/** Help text of the connection order, for `addHelpText('after', …)`. */
export function remoteConnectionNote(names: RemoteSystemNames): string {
  const secretName = names.system === 'alteryx' ? 'Secret' : 'Password';
  return `
Connection: --url, then ${names.urlEnv}, then the "${names.system}" key of the profile (--profile,
KNIME_PROFILE, or the default profile of 'knimectl config'). User: ${names.userFlag}, then ${names.userEnv},
then the profile's user. ${secretName}: ${names.secretFlag}-stdin or ${names.secretFlag}-file, then
${names.secretEnv}, then the profile's password. There is no ${names.secretFlag} flag.`;
}

/**
 * Merges flags, environment and profile for one remote system.
 *
 * @throws CliExitError (exit code 2) when no URL is known, the URL is invalid or carries
 *   credentials, the named profile does not exist, or a secret source cannot be read.
 */
export async function resolveRemoteConnection(
  names: RemoteSystemNames,
  options: Record<string, unknown>,
  output: Output,
): Promise<RemoteConnection> {
  const { env, stdin } = output.terminal;
  const path = configPath(env);
  const flagProfile = typeof options.profile === 'string' ? options.profile : undefined;
  const profileName = flagProfile ?? nonEmpty(env.KNIME_PROFILE);

  let profile: Profile = {};
  let usedProfile: string | undefined;
  if (profileName !== undefined) {
    profile = requireProfile(await readConfig(path), profileName, path);
    usedProfile = profileName;
  } else {
    // The default profile usually names a KNIME Server; it counts here only when it has this system's URL.
    const config = await readConfig(path);
    const fallback = config.defaultProfile;
    if (fallback !== undefined && config.profiles[fallback]?.[names.system] !== undefined) {
      profile = requireProfile(config, fallback, path);
      usedProfile = fallback;
    }
  }

  const userOption = names.userFlag === '--client-id' ? options.clientId : options.user;
  const url = pick(stringOrUndefined(options.url), nonEmpty(env[names.urlEnv]), profile[names.system]);
  if (url === undefined) {
    throw usageError(
      `missing ${names.label}`,
      `pass --url URL, set ${names.urlEnv}, or store it with \`knimectl config set NAME --${names.system} URL\``,
    );
  }
  checkUrl(url.value, url.source, names);

  const user = pick(stringOrUndefined(userOption), nonEmpty(env[names.userEnv]), profile.user);
  const secret = await readSecret(names, options, env, stdin, profile);
  output.addSecret(secret?.value);

  const sources: RemoteConnection['sources'] = { url: url.source };
  if (user) sources.user = user.source;
  if (secret) sources.secret = secret.source;
  output.debug(
    `${names.system} connection: ${url.value} (from ${url.source})` +
      (user ? `, user ${user.value} (from ${user.source})` : '') +
      (secret ? `, secret from ${secret.source} (redacted)` : ', no secret') +
      (usedProfile ? `, profile ${usedProfile}` : ''),
  );
  return { url: url.value, user: user?.value, secret: secret?.value, profile: usedProfile, sources };
}

async function readSecret(
  names: RemoteSystemNames,
  options: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  stdin: NodeJS.ReadableStream,
  profile: Profile,
): Promise<{ value: string; source: SettingSource } | undefined> {
  const stdinFlag = `${names.secretFlag}-stdin`;
  const fileFlag = `${names.secretFlag}-file`;
  const fromStdin = names.system === 'alteryx' ? options.clientSecretStdin : options.passwordStdin;
  const fromFile = names.system === 'alteryx' ? options.clientSecretFile : options.passwordFile;

  if (fromStdin === true && typeof fromFile === 'string') {
    throw usageError(`${stdinFlag} and ${fileFlag} cannot be combined`, 'give one secret source');
  }
  if (fromStdin === true) return { value: firstLine(await readStream(stdin), stdinFlag), source: 'flag' };
  if (typeof fromFile === 'string') {
    let text: string;
    try {
      text = await readFile(fromFile, 'utf8');
    } catch (error) {
      throw usageError(
        `cannot read the secret file ${fromFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        `check the path given to ${fileFlag}`,
      );
    }
    return { value: firstLine(text, `${fileFlag} ${fromFile}`), source: 'flag' };
  }

  const fromEnv = nonEmpty(env[names.secretEnv]);
  if (fromEnv !== undefined) return { value: fromEnv, source: 'env' };
  if (profile.password !== undefined) return { value: profile.password, source: 'profile' };
  return undefined;
}

function firstLine(text: string, source: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  if (line === '') throw usageError(`the secret from ${source} is empty`);
  return line;
}

function checkUrl(value: string, source: SettingSource, names: RemoteSystemNames): void {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw usageError(
      `invalid ${names.label} "${value}" (from ${source})`,
      `give an absolute http:// or https:// URL, such as ${names.exampleUrl}`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw usageError(`invalid ${names.label} "${value}" (from ${source}): scheme must be http or https`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // URLs end up in logs and error messages, so they must not carry credentials.
    throw usageError(
      `the ${names.label} (from ${source}) contains credentials`,
      `remove them from the URL; pass ${names.userFlag} and ${names.secretEnv} or ${names.secretFlag}-stdin`,
    );
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
