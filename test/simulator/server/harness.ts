import { ManualClock } from '../../../src/simulator/common/clock.js';
import { createServerSimulator, type ServerSimulatorOptions } from '../../../src/simulator/index.js';
import { buildWorkspace, type WorkflowSpec } from '../engine/workspace-builder.js';

export const USERS = [
  { name: 'alice', password: 'alice-pw' },
  { name: 'bob', password: 'bob-pw' },
];

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export const ALICE = basic('alice', 'alice-pw');
export const BOB = basic('bob', 'bob-pw');

/** Workflows most server tests use. */
export const WORKFLOWS: Record<string, WorkflowSpec | 'data' | 'group'> = {
  '/Examples/Greeter': {
    inputs: [
      { shortName: 'name', nodeIdPath: '1', kind: 'legacy-string', example: { string: 'World' } },
      { shortName: 'customers', nodeIdPath: '2', kind: 'table', example: { 'table-data': [] } },
    ],
    outputs: [{ shortName: 'greeting', nodeIdPath: '3', example: 'template' }],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the sidecar placeholder syntax
    simulation: { outputs: { greeting: { template: 'Hello, ${input:name/string}!' } } },
  },
  '/Examples/Required': {
    inputs: [{ shortName: 'payload', nodeIdPath: '4', required: true }],
  },
  '/Examples/NoOutputs': {},
  '/Examples/Failing': {
    outputs: [{ shortName: 'out', nodeIdPath: '1', example: 'template' }],
    simulation: {
      outcome: 'failure',
      failure: { node: 'Column Filter 0:12', message: 'Execute failed: boom' },
    },
  },
  '/Examples/Long': { simulation: { durationMs: 600_000 } },
  '/Examples/Files': {
    inputResources: [{ shortName: 'file-upload', nodeIdPath: '1' }],
    outputResources: [
      { shortName: 'copy', nodeIdPath: '2' },
      { shortName: 'blob', nodeIdPath: '3' },
    ],
    simulation: { outputResources: { copy: { fromInput: 'file-upload' }, blob: { bytes: 300_000 } } },
  },
  '/Team A/Q1 Sales & Costs #2': {},
  '/Team A/50% + more: ä/wf': {},
  '/Team A/data.csv': 'data',
  '/Secret/Payroll': {},
  '/Users': 'group',
};

export interface Harness {
  sim: Awaited<ReturnType<typeof createServerSimulator>>;
  clock: ManualClock;
  /** Sends a request to `<baseUrl>/rest/v4<path>` as alice unless `auth` overrides it. */
  call(
    method: string,
    path: string,
    init?: { body?: RequestInit['body']; auth?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  /** POSTs JSON. */
  json(method: string, path: string, body: unknown, auth?: string): Promise<Response>;
}

export async function harness(
  options: Partial<ServerSimulatorOptions> = {},
  workflows: Record<string, WorkflowSpec | 'data' | 'group'> = WORKFLOWS,
): Promise<Harness> {
  const clock = new ManualClock();
  const sim = await createServerSimulator({
    workspace: buildWorkspace(workflows),
    clock,
    users: USERS,
    permissions: [{ user: 'bob', deny: ['/Secret'] }],
    engine: { defaults: { loadMs: 0, durationMs: 200 } },
    ...options,
  });
  const call: Harness['call'] = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const auth = init.auth === undefined ? ALICE : init.auth;
    if (auth !== null) headers.authorization = auth;
    return sim.fetch(`${sim.baseUrl}/rest/v4${path}`, {
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

/** Yields to the event loop until `condition` holds, so a request reaches its wait on the clock. */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`${what} did not hold after 1000 event-loop turns`);
}

/** Creates a job of `workflow` as alice and returns its id. */
export async function createJob(h: Harness, workflow: string, query = ''): Promise<string> {
  const response = await h.call('POST', `/repository${workflow}:jobs${query}`);
  if (response.status !== 201)
    throw new Error(`job creation returned ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Parsed response body; tests read nested fields without narrowing each level. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary response JSON
export type Json = Record<string, any>;
