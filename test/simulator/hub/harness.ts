import { ManualClock } from '../../../src/simulator/common/clock.js';
import {
  createHubSimulator,
  type HubSimulator,
  type HubSimulatorOptions,
} from '../../../src/simulator/hub/index.js';
import type { Workspace } from '../../../src/simulator/workspace/model.js';
import { buildWorkspace, type WorkflowSpec } from '../engine/workspace-builder.js';

export { until } from '../server/harness.js';

export const TEAM = 'Data Team';

export const ALICE_PASSWORD = {
  pwId: 'AlicePwId0123456789abcdefghijklmnopqrstuvwx',
  password: 'alice-secret',
  name: 'ci-runner',
};
export const BOB_PASSWORD = { pwId: 'BobPwId0123456789abcdefghijklmnopqrstuvwxyz', password: 'bob-secret' };
export const REVOKED_PASSWORD = {
  pwId: 'RevokedPwId0123456789abcdefghijklmnopqrstu',
  password: 'old',
  revoked: true,
};

export function basic(pwId: string, password: string): string {
  return `Basic ${Buffer.from(`${pwId}:${password}`).toString('base64')}`;
}

export const ALICE = basic(ALICE_PASSWORD.pwId, ALICE_PASSWORD.password);
export const BOB = basic(BOB_PASSWORD.pwId, BOB_PASSWORD.password);
export const CAROL_TOKEN = 'carol-bearer-token';

/** Workflows of the Hub tests: the top-level folder `Services` becomes a space of the team. */
export const WORKFLOWS: Record<string, WorkflowSpec | 'data' | 'group'> = {
  '/Services/Greeter': {
    inputs: [{ shortName: 'json-input', nodeIdPath: '1', kind: 'json', example: { name: 'World' } }],
    outputs: [{ shortName: 'json-output', nodeIdPath: '2', example: 'template' }],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the sidecar placeholder syntax
    simulation: { outputs: { 'json-output': { template: 'Hello, ${input:json-input/name}!' } } },
  },
  '/Services/Failing': {
    outputs: [{ shortName: 'json-output', nodeIdPath: '1', example: null }],
    simulation: {
      outcome: 'failure',
      failure: { node: 'Python Script 12:3', message: 'Execute failed: division by zero' },
    },
  },
  '/Services/Long': { simulation: { durationMs: 600_000 } },
  '/Services/Broken': {
    simulation: {
      outcome: 'not-executable',
      failure: { node: 'Missing Node 0:4', message: 'Node is missing' },
    },
  },
  '/Services/Files': {
    outputResources: [{ shortName: 'report', nodeIdPath: '2', contentType: 'text/csv' }],
    simulation: { outputResources: { report: { contentType: 'text/csv', text: 'region,total\nEMEA,10\n' } } },
  },
  '/Services/Sub folder/Nested': {},
  '/Services/Upload': {
    inputResources: [{ shortName: 'input-file', nodeIdPath: '1', contentType: 'text/csv' }],
    outputResources: [{ shortName: 'copy', nodeIdPath: '2' }],
    simulation: { outputResources: { copy: { fromInput: 'input-file' } } },
  },
  '/Services/Raw': {
    inputResources: [{ shortName: 'body', nodeIdPath: '1', contentType: 'application/json' }],
    outputResources: [{ shortName: 'response', nodeIdPath: '2', contentType: 'application/json' }],
    simulation: { outputResources: { response: { contentType: 'application/json', fromInput: 'body' } } },
  },
  '/Services/Q1 Sales & Costs #2': {},
  '/Services/50% + more: ä ': {},
  '/Services/notes.txt': 'data',
};

export interface Harness {
  sim: HubSimulator;
  clock: ManualClock;
  call(
    method: string,
    path: string,
    init?: { body?: RequestInit['body']; auth?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  json(method: string, path: string, body: unknown, auth?: string): Promise<Response>;
}

export async function harness(options: Partial<HubSimulatorOptions> = {}): Promise<Harness> {
  const clock = new ManualClock();
  const workspace = buildWorkspace(WORKFLOWS);
  markRawHttp(workspace, '/Services/Raw');
  const sim = await createHubSimulator({
    workspace,
    clock,
    seed: 7,
    users: [
      { name: 'alice', applicationPasswords: [ALICE_PASSWORD, REVOKED_PASSWORD], teams: [TEAM] },
      { name: 'bob', applicationPasswords: [BOB_PASSWORD] },
      { name: 'carol', bearerTokens: [CAROL_TOKEN], teams: [TEAM] },
    ],
    teams: [{ name: TEAM }],
    itemVersions: { '/Services/Greeter': [{ version: 1, title: 'First' }, { version: 2 }] },
    engine: { defaults: { loadMs: 0, durationMs: 200 } },
    ...options,
  });
  const call: Harness['call'] = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const auth = init.auth === undefined ? ALICE : init.auth;
    if (auth !== null) headers.authorization = auth;
    return sim.fetch(`${sim.baseUrl}${path}`, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
  };
  const json: Harness['json'] = (method, path, body, auth) =>
    call(method, path, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      ...(auth === undefined ? {} : { auth }),
    });
  return { sim, clock, call, json };
}

/** Hub path of a workspace path, such as `/Users/Data Team/Services/Greeter`. */
export function hubPath(workspacePath: string): string {
  return `/Users/${TEAM}${workspacePath}`;
}

/** `workflowUri` query value of a workspace path. */
export function workflowUri(workspacePath: string): string {
  return encodeURIComponent(hubPath(workspacePath));
}

export async function createJob(h: Harness, workspacePath: string, query = ''): Promise<string> {
  const response = await h.call('POST', `/jobs?workflowUri=${workflowUri(workspacePath)}${query}`);
  if (response.status !== 201)
    throw new Error(`job creation returned ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

export async function createRestDeployment(
  h: Harness,
  workspacePath: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const response = await h.json(
    'POST',
    `/deployments/rest?workflowUri=${workflowUri(workspacePath)}&itemVersion=current-state`,
    {
      name: `Service ${workspacePath}`,
      ...body,
    },
  );
  if (response.status !== 201)
    throw new Error(`deployment creation returned ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/**
 * Awaits `request` while moving the manual clock forward in `stepMs` steps, so a synchronous call
 * that waits on simulated time (a load, an execution, a timeout) can finish.
 */
export async function settle<T>(h: Harness, request: Promise<T>, stepMs = 1000): Promise<T> {
  let done = false;
  request.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let turn = 0; turn < 2000 && !done; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!done) h.clock.advance(stepMs);
  }
  return request;
}

/** Marks the file input and output of a test workflow as Container Input/Output (Raw HTTP) nodes. */
function markRawHttp(workspace: Workspace, path: string): void {
  const workflow = workspace.find(path)?.workflow;
  if (!workflow) throw new Error(`test workflow ${path} is missing`);
  for (const resource of [...workflow.inputResources, ...workflow.outputResources]) {
    Object.assign(resource, { kind: 'raw-http' });
  }
}
