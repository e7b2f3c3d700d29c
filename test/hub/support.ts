/**
 * A KNIME Business Hub simulator on a manual clock with a client wired to it in-process, for the
 * Hub backend tests. Every request the client sends is recorded with its Authorization header.
 */
import type { KnimeClient } from '../../src/job/api.js';
import { createClient } from '../../src/job/client.js';
import type { ClientOptions } from '../../src/job/client-options.js';
import { ManualClock } from '../../src/simulator/common/clock.js';
import {
  createHubSimulator,
  type HubSimulator,
  type HubSimulatorOptions,
} from '../../src/simulator/hub/index.js';
import type { Auth } from '../../src/transport/types.js';
import { memoryLogger, SteppingClock } from '../library/support.js';
import { buildWorkspace, type WorkflowSpec } from '../simulator/engine/workspace-builder.js';

export const TEAM = 'Data Team';

export const ALICE_PASSWORD = {
  pwId: 'AlicePwId0123456789abcdefghijklmnopqrstuvwx',
  password: 'alice-very-secret-value',
  name: 'ci-runner',
};
export const REVOKED_PASSWORD = {
  pwId: 'RevokedPwId0123456789abcdefghijklmnopqrstu',
  password: 'revoked-secret-value',
  revoked: true,
};
export const BOB_PASSWORD = {
  pwId: 'BobPwId0123456789abcdefghijklmnopqrstuvwxyz',
  password: 'bob-very-secret-value',
};
export const CAROL_TOKEN = 'carol-bearer-token-value';

export const ALICE: Auth = {
  type: 'basic',
  username: ALICE_PASSWORD.pwId,
  password: ALICE_PASSWORD.password,
};

/** Workflows of the Hub tests; the top-level folder `Services` becomes a space of the team. */
export const WORKFLOWS: Record<string, WorkflowSpec> = {
  '/Services/Greeter': {
    inputs: [{ shortName: 'json-input', nodeIdPath: '1', kind: 'json', example: { name: 'World' } }],
    outputs: [{ shortName: 'json-output', nodeIdPath: '2', example: 'template' }],
    simulation: {
      loadMs: 50,
      durationMs: 200,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the simulator expands this placeholder.
      outputs: { 'json-output': { template: 'Hello, ${input:json-input/name}!' } },
    },
  },
  '/Services/Failing': {
    outputs: [{ shortName: 'json-output', nodeIdPath: '1', example: null }],
    simulation: {
      outcome: 'failure',
      failure: { node: 'Python Script 12:3', message: 'Execute failed: division by zero' },
    },
  },
  '/Services/Partial': {
    outputs: [{ shortName: 'json-output', nodeIdPath: '1', example: 1 }],
    simulation: { outcome: 'failure-with-content', failure: { node: 'Report 0:3', message: 'Chart failed' } },
  },
  '/Services/NotExecutable': { simulation: { outcome: 'not-executable' } },
  '/Services/LoadError': { simulation: { outcome: 'load-error' } },
  '/Services/Interactive': { simulation: { outcome: 'interaction-required' } },
  '/Services/Long': { simulation: { durationMs: 3_600_000 } },
  '/Services/Files': {
    outputResources: [{ shortName: 'report', nodeIdPath: '2', contentType: 'text/csv' }],
    simulation: { outputResources: { report: { contentType: 'text/csv', text: 'region,total\nEMEA,10\n' } } },
  },
  '/Services/Q1 Sales & Costs #2 +x': {
    outputs: [{ shortName: 'total', nodeIdPath: '2', example: 10 }],
    simulation: { outputs: { total: { value: 42 } } },
  },
};

/** Hub path of a workspace path, such as `/Users/Data Team/Services/Greeter`. */
export function hubPath(workspacePath: string): string {
  return `/Users/${TEAM}${workspacePath}`;
}

export interface RecordedRequest {
  method: string;
  /** Host of the URL, to tell storage requests apart. */
  host: string;
  /** Path and query as sent (still percent-encoded). */
  target: string;
  authorization: string | undefined;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface HubFixture {
  sim: HubSimulator;
  client: KnimeClient;
  clock: SteppingClock;
  manual: ManualClock;
  logger: ReturnType<typeof memoryLogger>;
  requests: RecordedRequest[];
  /** `METHOD target` of every request, with job ids replaced by `{id}`. */
  sequence(): string[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Starts the Hub simulator on a manual clock (users alice with an application password in the
 * team, bob outside it, carol with a bearer token) and a client that authenticates as alice.
 * `wrapFetch` can alter the simulator's `fetch` seen by the client.
 */
export async function hubFixture(
  options: {
    simulator?: Partial<HubSimulatorOptions>;
    client?: Partial<ClientOptions>;
    wrapFetch?: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch;
  } = {},
): Promise<HubFixture> {
  const manual = new ManualClock(Date.UTC(2026, 0, 1));
  const sim = await createHubSimulator({
    workspace: buildWorkspace(WORKFLOWS),
    clock: manual,
    seed: 7,
    users: [
      { name: 'alice', applicationPasswords: [ALICE_PASSWORD, REVOKED_PASSWORD], teams: [TEAM] },
      { name: 'bob', applicationPasswords: [BOB_PASSWORD] },
      { name: 'carol', bearerTokens: [CAROL_TOKEN], teams: [TEAM] },
    ],
    teams: [{ name: TEAM }],
    itemVersions: { '/Services/Greeter': [{ version: 1, title: 'First' }, { version: 2 }] },
    ...options.simulator,
  });
  const clock = new SteppingClock(manual);
  const logger = memoryLogger();
  const requests: RecordedRequest[] = [];
  const base = options.wrapFetch ? options.wrapFetch(sim.fetch) : sim.fetch;
  const fetch = (async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init?.headers));
    requests.push({
      method: init?.method ?? 'GET',
      host: url.host,
      target: `${url.pathname}${url.search}`,
      authorization: headers.authorization,
      headers,
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return base(input, init);
  }) as typeof globalThis.fetch;
  const client = createClient({
    url: sim.baseUrl,
    kind: 'hub',
    auth: ALICE,
    fetch,
    clock,
    logger,
    logLevel: 'debug',
    retry: { random: () => 0.5 },
    ...options.client,
  });
  const sequence = () =>
    requests.map((request) => `${request.method} ${request.target.replace(UUID, '{id}')}`);
  return { sim, client, clock, manual, logger, requests, sequence };
}

/** Creates a REST deployment of a workspace workflow through the simulator's API and returns its id. */
export async function createDeployment(
  sim: HubSimulator,
  workspacePath: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const authorization = `Basic ${Buffer.from(`${ALICE_PASSWORD.pwId}:${ALICE_PASSWORD.password}`).toString('base64')}`;
  const response = await sim.fetch(
    `${sim.baseUrl}/deployments/rest?workflowUri=${encodeURIComponent(hubPath(workspacePath))}&itemVersion=current-state`,
    {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Service ${workspacePath}`, ...body }),
    },
  );
  if (response.status !== 201) {
    throw new Error(`deployment creation returned ${response.status}: ${await response.text()}`);
  }
  return ((await response.json()) as { id: string }).id;
}

/**
 * Moves the simulator's manual clock in 100 ms steps (200 s at most) until `request` settles, for synchronous
 * calls that wait on simulated time while the client itself does not sleep.
 */
export async function settle<T>(clock: ManualClock, request: Promise<T>): Promise<T> {
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
    if (!done) clock.advance(100);
  }
  return request;
}
