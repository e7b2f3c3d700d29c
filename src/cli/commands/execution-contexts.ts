import type { HubExecutionContext } from '../../hub/index.js';
import type { KnimeClient } from '../../job/api.js';
import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { CliExitError, ExitCode, usageError } from '../exit.js';
import { printJson, resultFormat } from '../print.js';
import { table } from './jobs.js';
import { connectionOptions } from './shared.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** An execution context as `knimectl execution-contexts --json` prints it. */
export interface ExecutionContextDocument {
  id: string;
  name: string | null;
  scope: string | null;
  /** `available`, `full`, `stopped` or `disabled`. */
  status: string;
  loadedJobs: number | null;
  /** `null` when the context has no limit. */
  maxLoadedJobs: number | null;
  jobs: number | null;
  minExecutors: number | null;
  maxExecutors: number | null;
  /** Item ids of the spaces whose default context this is. */
  defaultForSpaces: string[];
}

/** `knimectl execution-contexts`: list the execution contexts of a Hub with their capacity. */
export default async function executionContexts({ options, output }: CommandContext): Promise<number> {
  const format = resultFormat(options);
  const team = typeof options.team === 'string' ? options.team : undefined;
  const client = await connect(connectionOptions(options), output);
  requireHub(client, 'execution-contexts');

  const contexts = await readExecutionContexts(client, team);
  const documents: ExecutionContextDocument[] = contexts.map((context) => ({
    id: context.id,
    name: context.name ?? null,
    scope: context.scope ?? null,
    status: context.capacity.status,
    loadedJobs: context.capacity.loadedJobs ?? null,
    maxLoadedJobs: context.capacity.maxLoadedJobs ?? null,
    jobs: context.capacity.jobs ?? null,
    minExecutors: context.capacity.minExecutors ?? null,
    maxExecutors: context.capacity.maxExecutors ?? null,
    defaultForSpaces: context.defaultForSpaces,
  }));

  if (format === 'json') {
    printJson(documents, output);
    return ExitCode.ok;
  }
  if (documents.length === 0) {
    output.info(team === undefined ? 'no execution contexts visible' : `no execution contexts in ${team}`);
    return ExitCode.ok;
  }
  const rows = documents.map((context) => [
    context.id,
    context.status,
    `${context.loadedJobs ?? '?'}/${context.maxLoadedJobs ?? 'no limit'}`,
    context.minExecutors === null && context.maxExecutors === null
      ? '-'
      : `${context.minExecutors ?? '?'}-${context.maxExecutors ?? '?'}`,
    context.name ?? '?',
  ]);
  output.out(table(['ID', 'STATUS', 'LOADED', 'EXECUTORS', 'NAME'], rows));
  return ExitCode.ok;
}

async function readExecutionContexts(
  client: KnimeClient,
  team: string | undefined,
): Promise<HubExecutionContext[]> {
  const { listExecutionContexts } = await import('../../hub/index.js');
  try {
    return await listExecutionContexts(client, team === undefined ? {} : { scope: team });
  } catch (error) {
    throw toExitError(error);
  }
}

/**
 * Rejects a KNIME Server connection for a Hub-only command or flag.
 * @throws CliExitError (exit code 2) naming the command or flag
 */
export function requireHub(client: KnimeClient, what: string): void {
  if (client.backend.kind === 'hub') return;
  throw usageError(
    `${what} exists only on a KNIME Business Hub, but ${client.baseUrl} is a KNIME Server`,
    'pass --hub URL (or set KNIME_HUB_URL) with the Hub API root, such as https://api.hub.example.test',
  );
}

/**
 * Finds the UUID of an execution context given by UUID or by name. A UUID is returned unchecked,
 * because the Hub itself rejects an unknown one when the job is created.
 * @throws CliExitError exit code 4 when no context has the name, exit code 2 when several have it
 */
export async function findExecutionContext(
  client: KnimeClient,
  idOrName: string,
  team: string | undefined,
): Promise<string> {
  if (UUID.test(idOrName)) return idOrName;

  const contexts = await readExecutionContexts(client, team);
  let matches = contexts.filter((context) => context.name === idOrName);
  if (matches.length === 0) {
    matches = contexts.filter((context) => context.name?.toLowerCase() === idOrName.toLowerCase());
  }
  if (matches.length === 1) return matches[0]!.id;

  if (matches.length === 0) {
    const names = contexts.map((context) => `"${context.name ?? context.id}"`).join(', ');
    throw new CliExitError(
      ExitCode.notFound,
      `no execution context named "${idOrName}"${team === undefined ? '' : ` in ${team}`}` +
        `${names === '' ? '' : `; execution contexts: ${names}`}`,
      'list them with `knimectl execution-contexts`, then give a name or id to --execution-context',
    );
  }
  throw usageError(
    `${matches.length} execution contexts are named "${idOrName}" (${matches.map((context) => context.id).join(', ')})`,
    'give the id to --execution-context, or narrow the lookup with --team',
  );
}

/**
 * Converts an error of a job start to an exit error. A capacity error (the execution context is
 * full, stopped or disabled) keeps exit code 7 and gets a hint naming the commands that help.
 */
export function toStartExitError(error: unknown): CliExitError {
  const exitError = toExitError(error);
  if ((error as { reason?: unknown } | undefined)?.reason !== 'capacity') return exitError;
  return new CliExitError(
    ExitCode.unavailable,
    exitError.message,
    'no job was left behind; see the capacity with `knimectl execution-contexts`, then run again later or pick another context with --execution-context',
    { cause: error },
  );
}

/**
 * Start options of `run` and `start`. On a Hub, `--load-timeout` is also the time the Hub may
 * wait for room in the execution context, so it is sent with the job creation. On a KNIME Server
 * the library default applies, because `run` and `start` enforce the load timeout themselves.
 */
export function hubStartOptions(client: KnimeClient, loadTimeoutMs: number): { loadTimeoutMs?: number } {
  return client.backend.kind === 'hub' ? { loadTimeoutMs } : {};
}
