import type { JobEngine } from '../engine/engine.js';
import type { AccountDirectory } from './accounts.js';
import type { HubAuthenticator } from './auth.js';
import type { ExecutionContexts } from './contexts.js';
import type { Deployment } from './deployments.js';
import { type HubContext, HubError } from './http.js';
import type { HubJobs } from './jobs.js';
import type { HubAppOptions } from './options.js';
import type { SpaceDirectory } from './spaces.js';
import type { StorageUrls } from './storage.js';

/** Everything the route modules share. */
export interface HubParts {
  readonly engine: JobEngine;
  readonly jobs: HubJobs;
  readonly accounts: AccountDirectory;
  readonly auth: HubAuthenticator;
  readonly spaces: SpaceDirectory;
  readonly contexts: ExecutionContexts;
  readonly deployments: Map<string, Deployment>;
  readonly storage: StorageUrls;
  readonly options: HubAppOptions;
}

/** Checks whether the caller may act in `scope`: its own account, its teams, or any scope as admin. */
export function mayAct(parts: HubParts, c: HubContext, scope: string): boolean {
  return parts.accounts.mayAct(c.var.hub.caller.user, scope);
}

/** @throws {HubError} 403 when the caller may not act in `scope`. */
export function requireScope(parts: HubParts, c: HubContext, scope: string, what: string): void {
  if (!mayAct(parts, c, scope)) {
    throw new HubError(
      403,
      `You are not allowed to access ${what}.`,
      [`'${c.var.hub.caller.user.name}' is not a member of '${parts.accounts.byId(scope)?.name ?? scope}'.`],
      'PermissionError',
    );
  }
}

/**
 * Looks up the deployment `id` for the caller.
 *
 * @param missingStatus 404, or 422 on the job routes whose spec declares no 404
 * @throws {HubError} `missingStatus` for an unknown id, 403 without access.
 */
export function requireDeployment(
  parts: HubParts,
  c: HubContext,
  id: string,
  missingStatus: 404 | 422 = 404,
): Deployment {
  const deployment = parts.deployments.get(id.replace(/^shared:/, ''));
  if (!deployment) throw new HubError(missingStatus, `Deployment '${id}' does not exist.`);
  requireScope(parts, c, deployment.scope, `deployment '${id}'`);
  return deployment;
}
