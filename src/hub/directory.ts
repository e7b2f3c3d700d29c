/**
 * Lookups the Hub backend needs around jobs: the caller's identity and teams, scopes given by team
 * name, deployments by id or name, and execution contexts with their capacity.
 */
import { InvalidInputError, NotFoundError, ProtocolError } from '../errors/index.js';
import { encodeSegment, type HubHttp } from './http.js';
import {
  type HubDeployment,
  type HubExecutionContext,
  parseDeployment,
  parseExecutionContext,
  toDeployment,
  toExecutionContext,
} from './parse.js';
import {
  deploymentSchema,
  executionContextSchema,
  identitySchema,
  parseWire,
  type WireIdentity,
} from './wire.js';

/** Options of `listDeployments`. */
export interface ListDeploymentsOptions {
  /** Team name, or a team or user account id. @default every team of the caller, then the caller's own account */
  scope?: string;
  /** Only deployments of this type. */
  type?: 'rest' | 'schedule' | 'data-app' | 'trigger';
  signal?: AbortSignal;
}

/** Options of `listExecutionContexts`. */
export interface ListExecutionContextsOptions {
  /** Team name, or a team or user account id. @default every context visible to the caller */
  scope?: string;
  signal?: AbortSignal;
}

const LIST_SEGMENTS: Record<NonNullable<ListDeploymentsOptions['type']>, string> = {
  rest: '/rest',
  schedule: '/schedules',
  'data-app': '/data-apps',
  trigger: '/triggers',
};

export class HubDirectory {
  readonly #http: HubHttp;
  #identity: Promise<WireIdentity> | undefined;
  readonly #deploymentsByName = new Map<string, HubDeployment>();

  constructor(http: HubHttp) {
    this.#http = http;
  }

  /**
   * Reads the caller (`GET /accounts/identity`) once per client.
   * @throws ProtocolError when the reply is not an account
   */
  identity(signal?: AbortSignal): Promise<WireIdentity> {
    this.#identity ??= this.#readIdentity(signal).catch((error: unknown) => {
      this.#identity = undefined;
      throw error;
    });
    return this.#identity;
  }

  async #readIdentity(signal?: AbortSignal): Promise<WireIdentity> {
    const response = await this.#http.request({
      method: 'GET',
      path: '/accounts/identity',
      idempotent: true,
      signal,
    });
    const parsed = parseWire(identitySchema, response.data);
    if (!parsed.ok) {
      throw new ProtocolError(`GET ${response.url} returned no account: ${parsed.issue}`, {
        request: { method: 'GET', url: response.url },
      });
    }
    return parsed.value;
  }

  /**
   * Account ids for `scope`: the id itself, the team of that name, or (without a scope) every team
   * of the caller followed by the caller's own account.
   * @throws InvalidInputError naming the known teams when no team has that name
   */
  async scopes(scope: string | undefined, signal?: AbortSignal): Promise<string[]> {
    if (scope !== undefined && (scope.startsWith('account:') || scope === 'hub:global')) return [scope];
    const identity = await this.identity(signal);
    const teams = identity.teams ?? [];
    if (scope === undefined) return [...teams.map((team) => team.id), identity.id];

    const match =
      teams.find((team) => team.name === scope) ??
      teams.find((team) => team.name?.toLowerCase() === scope.toLowerCase());
    if (match) return [match.id];
    if (identity.name === scope) return [identity.id];
    const known = teams.map((team) => team.name ?? team.id).join(', ');
    throw new InvalidInputError(
      `unknown scope "${scope}": ${identity.name ?? identity.id} is a member of ${known === '' ? 'no team' : `the teams ${known}`}; ` +
        'give one of them, or an account id such as account:team:<uuid>',
    );
  }

  /** Lists the deployments of one scope, or of every scope of the caller, through every page. */
  async listDeployments(options: ListDeploymentsOptions = {}): Promise<HubDeployment[]> {
    const result: HubDeployment[] = [];
    const seen = new Set<string>();
    for (const scope of await this.scopes(options.scope, options.signal)) {
      const suffix = options.type === undefined ? '' : LIST_SEGMENTS[options.type];
      const items = await this.#http.list(`/deployments/${encodeSegment(scope)}${suffix}`, 'deployments', {
        signal: options.signal,
      });
      for (const item of items) {
        const parsed = parseWire(deploymentSchema, item);
        if (!parsed.ok) {
          throw new ProtocolError(
            `the deployments of ${scope} contain an entry that is not a deployment: ${parsed.issue}`,
          );
        }
        if (seen.has(parsed.value.id)) continue;
        seen.add(parsed.value.id);
        result.push(toDeployment(parsed.value));
      }
    }
    return result;
  }

  /** Reads one deployment by id. @throws NotFoundError when it does not exist */
  async deployment(id: string, signal?: AbortSignal): Promise<HubDeployment> {
    const response = await this.#http.request({
      method: 'GET',
      path: `/deployments/${encodeSegment(id)}`,
      idempotent: true,
      signal,
    });
    return parseDeployment(response.data, { method: 'GET', url: response.url });
  }

  /**
   * The deployment called `name` within `scope` (or any scope of the caller). Remembered for the
   * client's lifetime, so that describing and starting it cost one lookup.
   * @throws NotFoundError listing the names that exist, InvalidInputError when the name is ambiguous
   */
  async deploymentByName(
    name: string,
    scope: string | undefined,
    signal?: AbortSignal,
  ): Promise<HubDeployment> {
    const key = `${scope ?? ''}\u0000${name}`;
    const cached = this.#deploymentsByName.get(key);
    if (cached) return cached;

    const all = await this.listDeployments({ scope, signal });
    const matches = all.filter((deployment) => deployment.name === name);
    const where = scope === undefined ? 'the teams of the caller' : `scope ${scope}`;
    if (matches.length === 0) {
      const names = [...new Set(all.map((deployment) => deployment.name).filter((n) => n !== undefined))];
      const listed = names
        .slice(0, 10)
        .map((n) => `"${n}"`)
        .join(', ');
      throw new NotFoundError(
        `no deployment named "${name}" in ${where}${names.length > 0 ? `; deployments there: ${listed}${names.length > 10 ? ', …' : ''}` : ''}. ` +
          'Check the name, or give the deployment id (rest:<uuid>)',
      );
    }
    if (matches.length > 1) {
      throw new InvalidInputError(
        `${matches.length} deployments are named "${name}" in ${where} (${matches.map((d) => d.id).join(', ')}); ` +
          'give the deployment id, or the scope with ?scope=<team>',
      );
    }
    const found = matches[0]!;
    this.#deploymentsByName.set(key, found);
    return found;
  }

  /** Lists the execution contexts of one scope, or every visible one, with their capacity. */
  async listExecutionContexts(options: ListExecutionContextsOptions = {}): Promise<HubExecutionContext[]> {
    const paths =
      options.scope === undefined
        ? ['/execution-contexts']
        : (await this.scopes(options.scope, options.signal)).map(
            (scope) => `/execution-contexts/${encodeSegment(scope)}`,
          );
    const result: HubExecutionContext[] = [];
    const seen = new Set<string>();
    for (const path of paths) {
      for (const item of await this.#http.list(path, 'executionContexts', { signal: options.signal })) {
        const parsed = parseWire(executionContextSchema, item);
        if (!parsed.ok) {
          throw new ProtocolError(
            `GET ${this.#http.apiRoot}${path} listed an entry that is not an execution context: ${parsed.issue}`,
          );
        }
        if (seen.has(parsed.value.id)) continue;
        seen.add(parsed.value.id);
        result.push(toExecutionContext(parsed.value));
      }
    }
    return result;
  }

  /** Reads one execution context by UUID. @throws NotFoundError when it does not exist or is not visible */
  async executionContext(id: string, signal?: AbortSignal): Promise<HubExecutionContext> {
    const response = await this.#http.request({
      method: 'GET',
      path: `/execution-contexts/${encodeSegment(id)}`,
      idempotent: true,
      signal,
    });
    return parseExecutionContext(response.data, { method: 'GET', url: response.url });
  }
}
