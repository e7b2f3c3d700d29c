import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultConfig } from './common/faults.js';
import { startServerSimulator } from './index.js';
import type { SimulatorUser } from './server/options.js';

/** Options of `knimectl simulator` for the KNIME Server simulator, one field per flag. */
export interface ServerSimulatorCliOptions {
  /** `--port`: TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** `--workspace`: workspace folder to serve. @default the packaged demo workspace */
  workspace?: string;
  /** `--user name:password`, repeatable. None disables authentication. */
  users?: readonly SimulatorUser[];
  /** `--context-root`. @default '/knime' */
  contextRoot?: string;
  /** `--time-scale`: 10 runs simulated jobs ten times faster than wall time. @default 1 */
  timeScale?: number;
  /** `--faults <file.json>`, already read and validated. */
  faults?: FaultConfig;
  /** `--seed`: seed of job ids and fault draws. */
  seed?: number;
}

/** The demo workspace shipped in the package, beside `src/` and `dist/`. */
export const DEMO_WORKSPACE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'demo',
  'workspace',
);

/**
 * Starts the KNIME Server simulator for `knimectl simulator`. The first line written to `out` is
 * exactly the server URL a client takes (the context root, such as `http://127.0.0.1:40123/knime`);
 * the next lines list the users and workflows.
 */
export async function serveSimulatorFromCli(
  options: ServerSimulatorCliOptions,
  out: { write(text: string): unknown },
): Promise<{ url: string; close(): Promise<void> }> {
  const running = await startServerSimulator({
    workspace: options.workspace ?? DEMO_WORKSPACE,
    port: options.port ?? 0,
    users: options.users ?? [],
    ...(options.contextRoot === undefined ? {} : { contextRoot: options.contextRoot }),
    ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });

  out.write(`${running.url}\n`);
  const users = options.users ?? [];
  out.write(
    users.length === 0
      ? 'authentication: off (no --user given)\n'
      : `users: ${users.map((user) => user.name).join(', ')}\n`,
  );
  for (const workflow of running.simulator.workspace.workflows()) out.write(`workflow ${workflow.path}\n`);
  return { url: running.url, close: running.close };
}
