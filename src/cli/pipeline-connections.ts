import { createKnimeClient } from './client.js';
import { CliExitError, ExitCode } from './exit.js';
import { configPath, type Profile, readConfig } from './profiles.js';
import type { Output } from './terminal.js';

/**
 * Environment variable that may hold the password of connection `name` when its profile stores
 * none: `KNIMECTL_PASSWORD_<NAME>`, upper case, with every character other than A-Z and 0-9
 * replaced by `_` (profile `prod-eu` reads `KNIMECTL_PASSWORD_PROD_EU`).
 */
export function passwordVariable(name: string): string {
  return `KNIMECTL_PASSWORD_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Returns the `connections` resolver of the pipeline runner: a step's `connection` names a
 * profile, and the profile's keys decide the client (`server`: KNIME Server, `hub`: KNIME Business
 * Hub, `alteryx`: Alteryx Server, `oozie`: Oozie). Clients are created once per name. Unlike single commands, pipelines ignore
 * KNIME_SERVER_URL and KNIME_USER, because one pipeline may use several servers.
 */
export function pipelineConnections(output: Output): (name: string) => Promise<unknown> {
  const clients = new Map<string, Promise<unknown>>();
  return (name) => {
    let client = clients.get(name);
    if (client === undefined) {
      client = createConnection(name, output);
      clients.set(name, client);
    }
    return client;
  };
}

async function createConnection(name: string, output: Output): Promise<unknown> {
  const env = output.terminal.env;
  const path = configPath(env);
  const config = await readConfig(path);
  const profile: Profile | undefined = config.profiles[name];
  if (profile === undefined) {
    throw new CliExitError(
      ExitCode.usage,
      `connection "${name}" has no profile in ${path}`,
      `create it with \`knimectl config set ${name} --server URL --user NAME --password-stdin\``,
    );
  }

  const password = profile.password ?? env[passwordVariable(name)];
  output.addSecret(password);

  if (profile.alteryx !== undefined) {
    const { AlteryxClient } = await import('../alteryx/index.js');
    return new AlteryxClient({
      baseUrl: profile.alteryx,
      apiKey: profile.user ?? '',
      apiSecret: password ?? '',
    });
  }
  if (profile.oozie !== undefined) {
    const { OozieClient } = await import('../oozie/index.js');
    return new OozieClient({
      baseUrl: profile.oozie,
      ...(profile.user !== undefined ? { user: profile.user } : {}),
      ...(profile.user !== undefined && password !== undefined
        ? { auth: { type: 'basic' as const, username: profile.user, password } }
        : {}),
    });
  }
  if (profile.server !== undefined) {
    return createKnimeClient(
      { url: profile.server, user: profile.user, password, caFile: profile.caFile },
      output,
    );
  }
  if (profile.hub !== undefined) {
    // On a Hub the user is an application password id; the profile may name it either way.
    return createKnimeClient(
      {
        url: profile.hub,
        kind: 'hub',
        user: profile.appPasswordId ?? profile.user,
        password,
        caFile: profile.caFile,
      },
      output,
    );
  }
  throw new CliExitError(
    ExitCode.usage,
    `profile "${name}" in ${path} has no server, hub, alteryx or oozie URL`,
    `set one with \`knimectl config set ${name} --server URL\``,
  );
}
