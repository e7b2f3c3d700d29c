/**
 * KNIME Business Hub backend: the extra operations a Hub offers (deployments, execution contexts),
 * target strings, and the Hub error types. Jobs run through the usual `createClient` API.
 */
import { InvalidInputError } from '../errors/index.js';
import type { KnimeClient } from '../job/api.js';
import { HubBackend } from './backend.js';
import { DetectingBackend } from './detect.js';
import type { ListDeploymentsOptions, ListExecutionContextsOptions } from './directory.js';
import type { HubDeployment, HubExecutionContext } from './parse.js';

export { HubBackend, type HubBackendOptions } from './backend.js';
export { applicationPassword, inferProductKind, type ProductKind, resolveHubUrl } from './connect.js';
export { type DetectedProduct, detectProduct } from './detect.js';
export type { ListDeploymentsOptions, ListExecutionContextsOptions } from './directory.js';
export { CapacityError, type CapacityStatus, isCapacityError } from './errors.js';
export type { ExecutionContextCapacity, HubDeployment, HubExecutionContext } from './parse.js';
export {
  formatHubTarget,
  type HubTarget,
  type HubTargetOptions,
  hubTarget,
  isDeploymentId,
  parseHubTarget,
} from './target.js';

/**
 * Returns the Hub backend of `client`, detecting the product first when the client was created with
 * `kind: 'auto'`.
 * @throws InvalidInputError when the client talks to a KNIME Server
 */
export async function hubBackendOf(client: KnimeClient, signal?: AbortSignal): Promise<HubBackend> {
  let backend = client.backend;
  if (backend instanceof DetectingBackend) backend = await backend.resolve(signal);
  if (!(backend instanceof HubBackend)) {
    throw new InvalidInputError(
      `${client.baseUrl} is a KNIME Server; deployments and execution contexts exist only on a KNIME Business Hub`,
    );
  }
  return backend;
}

/**
 * Lists the deployments of a scope (team name or account id), or of every team of the caller,
 * following every page.
 * @throws InvalidInputError for a KNIME Server client or an unknown team name
 */
export async function listDeployments(
  client: KnimeClient,
  options: ListDeploymentsOptions = {},
): Promise<HubDeployment[]> {
  return (await hubBackendOf(client, options.signal)).listDeployments(options);
}

/**
 * Lists the execution contexts of a scope, or every context visible to the caller, each with its
 * capacity (`available`, `full`, `stopped` or `disabled`), following every page.
 * @throws InvalidInputError for a KNIME Server client or an unknown team name
 */
export async function listExecutionContexts(
  client: KnimeClient,
  options: ListExecutionContextsOptions = {},
): Promise<HubExecutionContext[]> {
  return (await hubBackendOf(client, options.signal)).listExecutionContexts(options);
}
