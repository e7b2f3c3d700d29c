import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliExitError, ExitCode, usageError } from './exit.js';

/** One named connection profile as stored in `config.json`. */
export interface Profile {
  /** KNIME Server URL, such as `https://knime.example.test/knime`. */
  server?: string;
  /** KNIME Business Hub API URL (used instead of `server` when set). */
  hub?: string;
  /** Alteryx Server Web API address, for pipeline steps of kind `alteryx`. */
  alteryx?: string;
  /** Oozie base URL, for pipeline steps of kind `oozie`. */
  oozie?: string;
  /** User name; for Alteryx the API access key, for Oozie the `user.name`. */
  user?: string;
  /** Id of a Hub application password; on a Hub it wins over `user`. */
  appPasswordId?: string;
  /** Password, or the Alteryx API access secret. Stored only in a file with mode 0600; never printed. */
  password?: string;
  /** PEM file with extra CA certificates for TLS. */
  caFile?: string;
}

/** Content of `config.json`. */
export interface ConfigFile {
  /** Profile used when neither `--profile` nor `KNIME_PROFILE` names one. */
  defaultProfile?: string;
  profiles: Record<string, Profile>;
}

const profileKeys = [
  'server',
  'hub',
  'alteryx',
  'oozie',
  'user',
  'appPasswordId',
  'password',
  'caFile',
] as const;
const profileNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Returns the path of `config.json`: `$XDG_CONFIG_HOME/knimectl/config.json`, or
 * `~/.config/knimectl/config.json` when `XDG_CONFIG_HOME` is unset or not absolute (as the XDG
 * Base Directory specification requires).
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg?.startsWith('/') ? xdg : join(env.HOME ?? homedir(), '.config');
  return join(base, 'knimectl', 'config.json');
}

/** Checks a profile name and returns it. */
export function checkProfileName(name: string): string {
  if (!profileNamePattern.test(name)) {
    throw usageError(
      `invalid profile name "${name}"`,
      'use letters, digits, ".", "_" or "-" (at most 64 characters), starting with a letter or digit',
    );
  }
  return name;
}

/**
 * Reads `config.json`. A missing file is an empty configuration. A file that stores a password
 * while other users may read it is rejected, because the password may already have leaked and
 * using it silently would hide that.
 *
 * @throws CliExitError (exit code 2) for unreadable JSON, an unexpected shape or a too-open mode.
 */
export async function readConfig(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw usageError(`cannot read the configuration file ${path}: ${(error as Error).message}`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(
      `invalid JSON in the configuration file ${path}: ${(error as Error).message}`,
      'fix the file, or remove it and recreate profiles with `knimectl config set`',
    );
  }

  const config = checkConfigShape(parsed, path);

  const holdsPassword = Object.values(config.profiles).some((profile) => profile.password !== undefined);
  if (holdsPassword) {
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw usageError(
        `the configuration file ${path} stores a password but has mode ${mode.toString(8).padStart(4, '0')}; other users can read it`,
        `run \`chmod 600 ${path}\`, and change the password if others could have read it`,
      );
    }
  }
  return config;
}

function checkConfigShape(value: unknown, path: string): ConfigFile {
  const invalid = (what: string) =>
    usageError(
      `invalid configuration file ${path}: ${what}`,
      'fix the file, or recreate it with `knimectl config set`',
    );

  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('expected a JSON object');
  const record = value as Record<string, unknown>;

  const profiles = record.profiles ?? {};
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw invalid('"profiles" must be an object');
  }

  const checked: Record<string, Profile> = {};
  for (const [name, profile] of Object.entries(profiles as Record<string, unknown>)) {
    if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
      throw invalid(`profile "${name}" must be an object`);
    }
    const entry: Profile = {};
    for (const [key, field] of Object.entries(profile as Record<string, unknown>)) {
      if (!(profileKeys as readonly string[]).includes(key)) {
        throw invalid(`profile "${name}" has unknown key "${key}" (known keys: ${profileKeys.join(', ')})`);
      }
      if (typeof field !== 'string') throw invalid(`profile "${name}" key "${key}" must be a string`);
      entry[key as keyof Profile] = field;
    }
    checked[name] = entry;
  }

  const defaultProfile = record.defaultProfile;
  if (defaultProfile !== undefined && typeof defaultProfile !== 'string') {
    throw invalid('"defaultProfile" must be a string');
  }
  return defaultProfile === undefined ? { profiles: checked } : { defaultProfile, profiles: checked };
}

/**
 * Writes `config.json` atomically with mode 0600 (folder 0700): the content goes to a temporary
 * file created with that mode, which then replaces the old file.
 */
export async function writeConfig(path: string, config: ConfigFile): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: 0o700 });

  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(config, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The mode given to open() is reduced by the umask; 0600 must hold regardless.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/**
 * Returns the named profile.
 *
 * @throws CliExitError (exit code 2) when the profile does not exist, listing the known ones.
 */
export function requireProfile(config: ConfigFile, name: string, path: string): Profile {
  const profile = config.profiles[name];
  if (profile === undefined) {
    const known = Object.keys(config.profiles).sort();
    throw new CliExitError(
      ExitCode.usage,
      `profile "${name}" not found in ${path}`,
      known.length > 0
        ? `known profiles: ${known.join(', ')}; create it with \`knimectl config set ${name} --server URL --user NAME\``
        : `create it with \`knimectl config set ${name} --server URL --user NAME\``,
    );
  }
  return profile;
}
