import { readFile } from 'node:fs/promises';
import type { FaultConfig } from '../../simulator/common/faults.js';
import type { CommandContext } from '../context.js';
import { CliExitError, ExitCode, usageError } from '../exit.js';

interface SimulatorUserFlag {
  name: string;
  password: string;
}

/**
 * `knimectl simulator`: serve the KNIME Server simulator (or, with `--alteryx` or `--oozie`, the
 * Alteryx Server or Oozie simulator) on 127.0.0.1 until SIGINT or SIGTERM. The first stdout line is
 * the URL to pass as `--server`.
 */
export default async function simulator({ options, output }: CommandContext): Promise<number> {
  const port = parseInteger(options.port, '--port', 0, 65_535);
  const timeScale = parsePositive(options.timeScale, '--time-scale');
  const seed =
    options.seed === undefined ? undefined : parseInteger(options.seed, '--seed', -(2 ** 31), 2 ** 31 - 1);
  const users = parseUsers(
    (options.user as string[] | undefined) ?? [],
    output.terminal.env.KNIME_SIMULATOR_USERS,
  );
  for (const user of users) output.addSecret(user.password);
  const faults = typeof options.faults === 'string' ? await readFaults(options.faults, seed) : undefined;

  const kinds = ['hub', 'alteryx', 'oozie'].filter((kind) => options[kind] === true);
  if (kinds.length > 1) {
    throw usageError(`--${kinds.join(' and --')} cannot be combined`, 'start one simulator per process');
  }

  const stdout = { write: (text: string) => output.out(text) };
  let running: { close(): Promise<void> };
  try {
    if (options.hub === true) {
      const { serveHubSimulatorFromCli } = await import('../../simulator/hub/index.js');
      running = await serveHubSimulatorFromCli(
        {
          port,
          timeScale,
          credentials: users,
          ...(seed !== undefined ? { seed } : {}),
          ...(typeof options.workspace === 'string' ? { workspace: options.workspace } : {}),
          ...(faults ? { faults } : {}),
        },
        stdout,
      );
    } else if (options.alteryx === true) {
      const { serveAlteryxSimulatorFromCli } = await import('../../simulator/alteryx/index.js');
      running = await serveAlteryxSimulatorFromCli(
        {
          port,
          timeScale,
          ...(typeof options.config === 'string' ? { workflowsFile: options.config } : {}),
          ...(faults ? { faults } : {}),
        },
        stdout,
      );
    } else if (options.oozie === true) {
      const { serveOozieSimulatorFromCli } = await import('../../simulator/oozie/index.js');
      running = await serveOozieSimulatorFromCli(
        {
          port,
          timeScale,
          ...(typeof options.config === 'string' ? { configFile: options.config } : {}),
          ...(faults ? { faults } : {}),
        },
        stdout,
      );
    } else {
      const { serveSimulatorFromCli } = await import('../../simulator/serve.js');
      running = await serveSimulatorFromCli(
        {
          port,
          timeScale,
          users,
          ...(seed !== undefined ? { seed } : {}),
          contextRoot: String(options.contextRoot ?? '/knime'),
          ...(typeof options.workspace === 'string' ? { workspace: options.workspace } : {}),
          ...(faults ? { faults } : {}),
        },
        stdout,
      );
    }
  } catch (error) {
    if (error instanceof CliExitError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw usageError(
        `port ${port} on 127.0.0.1 is already in use`,
        'pass another --port, or --port 0 for a free one',
      );
    }
    throw new CliExitError(
      ExitCode.usage,
      `the simulator did not start: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  output.info('stopping the simulator');
  await running.close();
  return ExitCode.ok;
}

/**
 * Reads simulator users from `--user name:password` flags and `KNIME_SIMULATOR_USERS`
 * (`name:password` pairs separated by commas). The environment variable keeps passwords out of the
 * process list when a script spawns the simulator.
 */
export function parseUsers(flags: string[], fromEnv: string | undefined): SimulatorUserFlag[] {
  const entries = [...(fromEnv ? fromEnv.split(',').filter((entry) => entry !== '') : []), ...flags];
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1) {
      throw usageError(
        `invalid simulator user "${entry.slice(0, Math.max(colon, 0)) || '?'}:…": expected name:password`,
        'for example --user alice:secret, or KNIME_SIMULATOR_USERS=alice:secret,bob:other',
      );
    }
    return { name: entry.slice(0, colon), password: entry.slice(colon + 1) };
  });
}

async function readFaults(path: string, seed: number | undefined): Promise<FaultConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw usageError(
      `cannot read the fault rules ${path}: ${(error as Error).message}`,
      'pass a JSON file to --faults',
    );
  }
  const seedField = seed === undefined ? {} : { seed };
  const withSeed = Array.isArray(parsed)
    ? { ...seedField, rules: parsed }
    : { ...seedField, ...(parsed as object) };

  const { faultConfigSchema } = await import('../../simulator/common/faults.js');
  const result = faultConfigSchema.safeParse(withSeed);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw usageError(
      `invalid fault rules in ${path}: ${issues.join('; ')}`,
      'see the fault rule fields in docs/cli.md',
    );
  }
  return result.data;
}

function parseInteger(value: unknown, flag: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw usageError(`invalid ${flag} "${String(value)}": expected a whole number from ${min} to ${max}`);
  }
  return number;
}

function parsePositive(value: unknown, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw usageError(`invalid ${flag} "${String(value)}": expected a number greater than 0`);
  }
  return number;
}
