import type { CommandContext } from '../context.js';
import { checkProfileName, configPath, readConfig, requireProfile, writeConfig } from '../profiles.js';

/** `knimectl config remove NAME`: delete a profile (and the default mark if it pointed there). */
export default async function configRemove({ args, output }: CommandContext): Promise<number> {
  const name = checkProfileName(args[0]!);
  const path = configPath(output.terminal.env);
  const config = await readConfig(path);
  requireProfile(config, name, path);

  delete config.profiles[name];
  if (config.defaultProfile === name) delete config.defaultProfile;
  await writeConfig(path, config);
  output.info(`removed profile ${name} from ${path}`);
  return 0;
}
