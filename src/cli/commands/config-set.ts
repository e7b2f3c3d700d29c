import { readPasswordFlags } from '../connection.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../exit.js';
import { checkProfileName, configPath, type Profile, readConfig, writeConfig } from '../profiles.js';

const unsetKeys: Record<string, keyof Profile> = {
  server: 'server',
  hub: 'hub',
  alteryx: 'alteryx',
  oozie: 'oozie',
  user: 'user',
  'app-password-id': 'appPasswordId',
  password: 'password',
  'ca-file': 'caFile',
};

/**
 * `knimectl config set NAME`: create or update a profile. The password comes only from stdin or a
 * file, is stored in a file with mode 0600 and is never printed back.
 */
export default async function configSet({ args, options, output }: CommandContext): Promise<number> {
  const name = checkProfileName(args[0]!);
  const path = configPath(output.terminal.env);
  const config = await readConfig(path);
  const existed = config.profiles[name] !== undefined;
  const profile: Profile = { ...(config.profiles[name] ?? {}) };

  for (const key of ['server', 'hub', 'alteryx', 'oozie'] as const) {
    const value = options[key];
    if (typeof value !== 'string') continue;
    try {
      new URL(value);
    } catch {
      throw usageError(
        `invalid --${key} URL "${value}"`,
        'give an absolute URL such as https://host.example.test/path',
      );
    }
    profile[key] = value;
  }
  if (typeof options.user === 'string') profile.user = options.user;
  if (typeof options.appPasswordId === 'string') profile.appPasswordId = options.appPasswordId;
  if (typeof options.caFile === 'string') profile.caFile = options.caFile;

  const password = await readPasswordFlags(
    {
      passwordStdin: options.passwordStdin === true,
      ...(typeof options.passwordFile === 'string' ? { passwordFile: options.passwordFile } : {}),
    },
    output.terminal.stdin,
  );
  if (password !== undefined) profile.password = password;
  output.addSecret(profile.password);

  for (const key of (options.unset as string[] | undefined) ?? []) {
    const field = unsetKeys[key];
    if (field === undefined) {
      throw usageError(`invalid --unset "${key}"`, `use one of ${Object.keys(unsetKeys).join(', ')}`);
    }
    delete profile[field];
  }

  config.profiles[name] = profile;
  if (options.default === true) config.defaultProfile = name;
  await writeConfig(path, config);

  output.info(
    `${existed ? 'updated' : 'created'} profile ${name} in ${path}${options.default === true ? ' (default)' : ''}`,
  );
  return 0;
}
