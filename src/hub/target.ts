/**
 * Hub targets: the workflow or deployment a Hub job starts from, written as one string so that it
 * fits the backend contract's `workflow` argument and a CLI argument:
 *
 * - `/Users/<account>/<space>/<folders>/<workflow>`: an ad hoc job of a workflow path
 * - `*<item id>`: an ad hoc job of a workflow item id
 * - `rest:<uuid>` (or `schedule:`, `data-app:`, `trigger:`, `shared:<type>:`): a deployment by id
 * - `deployment:<name>`: a deployment looked up by name within a team or user scope
 *
 * Options follow after `?`, as in a URL query: `itemVersion` (a number, `most-recent` or
 * `current-state`), `executionContext` (UUID) and `scope` (team name or account id, for deployment
 * names). KNIME item names cannot contain `?`, so the first `?` always starts the options.
 */
import { InvalidInputError } from '../errors/index.js';

/** Deployment id, such as `rest:1a2b3c4d-0000-4000-8000-00000000abcd`. */
const DEPLOYMENT_ID = /^(shared:)?(rest|schedule|data-app|trigger):[0-9a-fA-F-]{36}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TARGET_OPTIONS = new Set(['itemVersion', 'executionContext', 'scope']);

/** Options a target carries, or that a client applies to every target. */
export interface HubTargetOptions {
  /** Version of the workflow: a positive number, `most-recent` or `current-state`. @default the current state */
  itemVersion?: string | number;
  /** UUID of the execution context of ad hoc jobs. @default the default context of the workflow's space */
  executionContext?: string;
  /** Team name, team or user account id in which `deployment:<name>` is looked up. @default every team of the caller */
  scope?: string;
}

export type HubTarget =
  | ({ kind: 'workflow'; workflowUri: string } & HubTargetOptions)
  | ({ kind: 'deployment'; id: string } & HubTargetOptions)
  | ({ kind: 'deployment-name'; name: string } & HubTargetOptions);

/** Checks whether `value` is a deployment id such as `rest:<uuid>`. */
export function isDeploymentId(value: string): boolean {
  return DEPLOYMENT_ID.test(value);
}

/**
 * Parses a target string and applies `defaults` for options it does not set.
 * @throws InvalidInputError naming the value and the accepted forms
 */
export function parseHubTarget(input: string, defaults: HubTargetOptions = {}): HubTarget {
  const question = input.indexOf('?');
  // Not trimmed: a Hub item name may end in a space.
  const head = question === -1 ? input : input.slice(0, question);
  const options: HubTargetOptions = { ...defaults };
  if (question !== -1) {
    for (const [name, value] of new URLSearchParams(input.slice(question + 1))) {
      if (!TARGET_OPTIONS.has(name)) {
        throw new InvalidInputError(
          `invalid Hub target "${input}": unknown option "${name}"; use itemVersion, executionContext or scope`,
        );
      }
      (options as Record<string, string>)[name] = value;
    }
  }
  checkOptions(input, options);

  if (head.startsWith('/') || head.startsWith('*')) {
    if (head === '/' || head === '*') throw invalidTarget(input);
    return { kind: 'workflow', workflowUri: head, ...options };
  }
  if (isDeploymentId(head)) return { kind: 'deployment', id: head, ...options };
  if (head.startsWith('deployment:') && head.length > 'deployment:'.length) {
    return { kind: 'deployment-name', name: head.slice('deployment:'.length), ...options };
  }
  throw invalidTarget(input);
}

/** Writes a target back as a string, the inverse of {@link parseHubTarget}. */
export function formatHubTarget(target: HubTarget): string {
  const head =
    target.kind === 'workflow'
      ? target.workflowUri
      : target.kind === 'deployment'
        ? target.id
        : `deployment:${target.name}`;
  const query = new URLSearchParams();
  if (target.itemVersion !== undefined) query.set('itemVersion', String(target.itemVersion));
  if (target.executionContext !== undefined) query.set('executionContext', target.executionContext);
  if (target.scope !== undefined) query.set('scope', target.scope);
  const options = query.toString();
  return options === '' ? head : `${head}?${options}`;
}

/** Builds a target string from its parts, for callers that prefer an object. */
export function hubTarget(
  from: { workflow: string } | { deployment: string } | { deploymentName: string },
  options: HubTargetOptions = {},
): string {
  const target: HubTarget =
    'workflow' in from
      ? { kind: 'workflow', workflowUri: from.workflow, ...options }
      : 'deployment' in from
        ? { kind: 'deployment', id: from.deployment, ...options }
        : { kind: 'deployment-name', name: from.deploymentName, ...options };
  const text = formatHubTarget(target);
  parseHubTarget(text);
  return text;
}

function checkOptions(input: string, options: HubTargetOptions): void {
  const version = options.itemVersion;
  if (
    version !== undefined &&
    !(
      (typeof version === 'number' && Number.isInteger(version) && version > 0) ||
      (typeof version === 'string' && /^(?:[1-9]\d*|most-recent|current-state)$/.test(version))
    )
  ) {
    throw new InvalidInputError(
      `invalid item version "${version}" for Hub target "${input}": use a positive whole number, most-recent or current-state`,
    );
  }
  if (options.executionContext !== undefined && !UUID.test(options.executionContext)) {
    throw new InvalidInputError(
      `invalid execution context "${options.executionContext}" for Hub target "${input}": give the context's UUID ` +
        '(listExecutionContexts shows them)',
    );
  }
}

function invalidTarget(input: string): InvalidInputError {
  return new InvalidInputError(
    `invalid Hub target "${input}": expected a workflow path such as /Users/<account>/<space>/<workflow>, ` +
      'an item id such as *Ab3dEf6hIj9kLm2n, a deployment id such as rest:<uuid>, or deployment:<name>',
  );
}
