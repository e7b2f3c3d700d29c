import type { CommandContext } from '../context.js';
import { printJson, resultFormat } from '../print.js';
import { checkProfileName, configPath, type Profile, readConfig, requireProfile } from '../profiles.js';

/** Returns a printable copy of a profile: the password replaced by whether one is stored. */
export function publicProfile(profile: Profile): Record<string, string | boolean> {
  const { password, ...rest } = profile;
  return { ...rest, password: password !== undefined };
}

/** `knimectl config show NAME`: one profile, without its password. */
export default async function configShow({ args, options, output }: CommandContext): Promise<number> {
  const name = checkProfileName(args[0]!);
  const path = configPath(output.terminal.env);
  const config = await readConfig(path);
  const profile = requireProfile(config, name, path);

  if (resultFormat(options) === 'json') {
    printJson({ name, default: config.defaultProfile === name, ...publicProfile(profile) }, output);
    return 0;
  }
  const lines = [`profile:  ${name}${config.defaultProfile === name ? ' (default)' : ''}`];
  if (profile.server !== undefined) lines.push(`server:   ${profile.server}`);
  if (profile.hub !== undefined) lines.push(`hub:      ${profile.hub}`);
  if (profile.alteryx !== undefined) lines.push(`alteryx:  ${profile.alteryx}`);
  if (profile.oozie !== undefined) lines.push(`oozie:    ${profile.oozie}`);
  if (profile.user !== undefined) lines.push(`user:     ${profile.user}`);
  if (profile.appPasswordId !== undefined) lines.push(`app password id: ${profile.appPasswordId}`);
  lines.push(`password: ${profile.password === undefined ? '(not set)' : '(set)'}`);
  if (profile.caFile !== undefined) lines.push(`ca-file:  ${profile.caFile}`);
  lines.push(`file:     ${path}`);
  output.out(`${lines.join('\n')}\n`);
  return 0;
}
