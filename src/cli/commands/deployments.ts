import type { KnimeClient } from '../../job/api.js';
import { connect } from '../client.js';
import type { CommandContext } from '../context.js';
import { toExitError } from '../error-map.js';
import { CliExitError, ExitCode, usageError } from '../exit.js';
import { printJson, resultFormat } from '../print.js';
import { findExecutionContext, requireHub } from './execution-contexts.js';
import { table } from './jobs.js';
import { connectionOptions } from './shared.js';

const DEPLOYMENT_TYPES = ['rest', 'schedule', 'data-app', 'trigger'] as const;
type DeploymentType = (typeof DEPLOYMENT_TYPES)[number];

/** A deployment as `knimectl deployments --json` prints it. */
export interface DeploymentDocument {
  /** Deployment id, such as `rest:<uuid>`. */
  id: string;
  name: string | null;
  /** `rest`, `schedule`, `data-app` or `trigger`. */
  type: string;
  /** Owning account, such as `account:team:<uuid>`. */
  scope: string | null;
  /** Space of the workflow, the third segment of `/Users/<account>/<space>/…`. */
  space: string | null;
  workflowPath: string | null;
  workflowId: string | null;
  itemVersion: string | null;
  executionContext: string | null;
  enabled: boolean | null;
  /** ISO 8601 time in UTC. */
  createdAt: string | null;
}

/** `knimectl deployments`: list the deployments of a Hub, of one team or space. */
export default async function deployments({ options, output }: CommandContext): Promise<number> {
  const format = resultFormat(options);
  const scope = deploymentScope(options);
  const type = deploymentType(options.type);
  const client = await connect(connectionOptions(options), output);
  requireHub(client, 'deployments');

  const documents = await listDeploymentDocuments(client, scope, type);

  if (format === 'json') {
    printJson(documents, output);
    return ExitCode.ok;
  }
  if (documents.length === 0) {
    output.info(`no deployments${describeScope(scope)}`);
    return ExitCode.ok;
  }
  const rows = documents.map((deployment) => [
    deployment.id,
    deployment.type,
    deployment.itemVersion ?? '-',
    deployment.name ?? '?',
  ]);
  output.out(table(['ID', 'TYPE', 'VERSION', 'NAME'], rows));
  return ExitCode.ok;
}

/** Team and space that narrow a deployment list or lookup (`--team`, `--space`). */
export interface DeploymentScope {
  team?: string;
  space?: string;
}

function deploymentScope(options: Record<string, unknown>): DeploymentScope {
  const scope: DeploymentScope = {};
  if (typeof options.team === 'string') scope.team = options.team;
  if (typeof options.space === 'string') scope.space = options.space;
  return scope;
}

function deploymentType(value: unknown): DeploymentType | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (DEPLOYMENT_TYPES as readonly string[]).includes(value)) {
    return value as DeploymentType;
  }
  throw usageError(`invalid --type "${String(value)}"`, `use one of ${DEPLOYMENT_TYPES.join(', ')}`);
}

function describeScope(scope: DeploymentScope): string {
  const parts = [
    scope.team === undefined ? undefined : `team ${scope.team}`,
    scope.space === undefined ? undefined : `space ${scope.space}`,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? '' : ` in ${parts.join(', ')}`;
}

/** Space of a Hub path `/Users/<account>/<space>/…`, or undefined for another path. */
function spaceOf(workflowPath: string | undefined): string | undefined {
  const segments = workflowPath?.split('/') ?? [];
  return segments[1] === 'Users' && segments.length > 3 ? segments[3] : undefined;
}

async function listDeploymentDocuments(
  client: KnimeClient,
  scope: DeploymentScope,
  type?: DeploymentType,
): Promise<DeploymentDocument[]> {
  const { listDeployments } = await import('../../hub/index.js');
  let list: Awaited<ReturnType<typeof listDeployments>>;
  try {
    list = await listDeployments(client, {
      ...(scope.team === undefined ? {} : { scope: scope.team }),
      ...(type === undefined ? {} : { type }),
    });
  } catch (error) {
    throw toExitError(error);
  }

  return list
    .map((deployment) => ({
      id: deployment.id,
      name: deployment.name ?? null,
      type: deployment.type,
      scope: deployment.scope ?? null,
      space: spaceOf(deployment.workflowPath) ?? null,
      workflowPath: deployment.workflowPath ?? null,
      workflowId: deployment.workflowId ?? null,
      itemVersion: deployment.itemVersion ?? null,
      executionContext: deployment.executionContext ?? null,
      enabled: deployment.enabled ?? null,
      createdAt: deployment.createdAt === undefined ? null : new Date(deployment.createdAt).toISOString(),
    }))
    .filter((deployment) => scope.space === undefined || deployment.space === scope.space);
}

/**
 * Finds the id of the deployment called `name` within the team and space.
 * @throws CliExitError exit code 4 listing the names that exist, exit code 2 when several
 *   deployments have the name
 */
export async function findDeployment(
  client: KnimeClient,
  name: string,
  scope: DeploymentScope,
): Promise<string> {
  const all = await listDeploymentDocuments(client, scope);
  const matches = all.filter((deployment) => deployment.name === name);
  if (matches.length === 1) return matches[0]!.id;

  if (matches.length === 0) {
    const names = [...new Set(all.map((deployment) => deployment.name).filter((n) => n !== null))];
    const listed = names
      .slice(0, 10)
      .map((n) => `"${n}"`)
      .join(', ');
    throw new CliExitError(
      ExitCode.notFound,
      `no deployment named "${name}"${describeScope(scope)}` +
        `${names.length === 0 ? '' : `; deployments: ${listed}${names.length > 10 ? ', …' : ''}`}`,
      'list them with `knimectl deployments`, then give a name or the id (rest:<uuid>) to --deployment',
    );
  }
  throw usageError(
    `${matches.length} deployments are named "${name}"${describeScope(scope)} (${matches.map((d) => d.id).join(', ')})`,
    'give the deployment id to --deployment, or narrow the lookup with --team and --space',
  );
}

/** Hub-only flags of `run` and `start`. */
interface HubJobFlags {
  deployment?: string;
  team?: string;
  space?: string;
  executionContext?: string;
  itemVersion?: string;
}

function hubJobFlags(options: Record<string, unknown>): HubJobFlags {
  const flags: HubJobFlags = {};
  for (const key of ['deployment', 'team', 'space', 'executionContext', 'itemVersion'] as const) {
    const value = options[key];
    if (typeof value === 'string') flags[key] = value;
  }
  return flags;
}

const flagNames: Record<keyof HubJobFlags, string> = {
  deployment: '--deployment',
  team: '--team',
  space: '--space',
  executionContext: '--execution-context',
  itemVersion: '--item-version',
};

/**
 * Builds the target string of `run` and `start` from the workflow argument and the Hub flags.
 * The target is a deployment (`--deployment rest:<uuid>`, or a name looked up within `--team` and
 * `--space`), or a workflow path or item id with `--item-version` and `--execution-context`.
 * Without Hub flags the workflow argument is returned unchanged.
 * @throws CliExitError exit code 2 for a missing or doubled target, flags that do not fit the
 *   target, or Hub flags on a KNIME Server
 */
export async function resolveJobTarget(
  client: KnimeClient,
  workflow: string | undefined,
  options: Record<string, unknown>,
): Promise<string> {
  const flags = hubJobFlags(options);
  const given = (Object.keys(flags) as Array<keyof HubJobFlags>).map((key) => flagNames[key]);

  if (workflow !== undefined && flags.deployment !== undefined) {
    throw usageError(
      `both the workflow "${workflow}" and --deployment "${flags.deployment}" are given`,
      'give either a workflow path or --deployment',
    );
  }
  if (workflow === undefined && flags.deployment === undefined) {
    throw usageError(
      'missing workflow',
      'give a workflow path, such as "/Demo/Hello World", or --deployment NAME',
    );
  }
  if (given.length === 0) return workflow!;
  requireHub(client, given.join(', '));

  if ((flags.team !== undefined || flags.space !== undefined) && flags.deployment === undefined) {
    const teamFlags = [flags.team && '--team', flags.space && '--space'].filter(Boolean).join(' and ');
    throw usageError(
      `${teamFlags} only narrow the lookup of --deployment by name`,
      'give --deployment NAME, or leave them out',
    );
  }

  // A deployment job always runs the deployment's item version in its execution context, and the
  // Hub takes no override when it creates the job. So the flags are rejected instead of ignored.
  if (
    flags.deployment !== undefined &&
    (flags.itemVersion !== undefined || flags.executionContext !== undefined)
  ) {
    const workflowFlags = [
      flags.itemVersion && '--item-version',
      flags.executionContext && '--execution-context',
    ]
      .filter(Boolean)
      .join(' and ');
    throw usageError(
      `${workflowFlags} cannot be combined with --deployment: a deployment runs its own item version in its own execution context`,
      'leave them out, or run the workflow path instead of the deployment',
    );
  }

  const { hubTarget, isDeploymentId } = await import('../../hub/index.js');
  try {
    if (flags.deployment !== undefined) {
      const id = isDeploymentId(flags.deployment)
        ? flags.deployment
        : await findDeployment(client, flags.deployment, { team: flags.team, space: flags.space });
      return hubTarget({ deployment: id });
    }

    const targetOptions: { itemVersion?: string; executionContext?: string } = {};
    if (flags.itemVersion !== undefined) targetOptions.itemVersion = flags.itemVersion;
    if (flags.executionContext !== undefined) {
      targetOptions.executionContext = await findExecutionContext(client, flags.executionContext, undefined);
    }
    return hubTarget({ workflow: workflow! }, targetOptions);
  } catch (error) {
    throw toExitError(error);
  }
}
