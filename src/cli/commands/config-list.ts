import type { CommandContext } from '../context.js';
import { printJson, resultFormat } from '../print.js';
import { configPath, readConfig } from '../profiles.js';
import { publicProfile } from './config-show.js';

/** `knimectl config list`: profiles with server and user; passwords only as "(set)". */
export default async function configList({ options, output }: CommandContext): Promise<number> {
  const path = configPath(output.terminal.env);
  const config = await readConfig(path);
  const names = Object.keys(config.profiles).sort();

  if (resultFormat(options) === 'json') {
    printJson(
      {
        path,
        defaultProfile: config.defaultProfile ?? null,
        profiles: Object.fromEntries(names.map((name) => [name, publicProfile(config.profiles[name]!)])),
      },
      output,
    );
    return 0;
  }

  if (names.length === 0) {
    output.info(
      `no profiles in ${path}; create one with \`knimectl config set NAME --server URL --user NAME\``,
    );
    return 0;
  }
  for (const name of names) {
    const profile = config.profiles[name]!;
    const marker = name === config.defaultProfile ? '*' : ' ';
    const target = profile.server ?? profile.hub ?? profile.alteryx ?? profile.oozie ?? '(no server)';
    const user = profile.user ? ` user ${profile.user}` : '';
    const password = profile.password ? ' password (set)' : '';
    output.out(`${marker} ${name}  ${target}${user}${password}\n`);
  }
  return 0;
}
