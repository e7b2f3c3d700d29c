/**
 * A KNIME Server simulator on a manual clock with a client wired to it, for library tests.
 */

import type { KnimeClient } from '../../src/job/api.js';
import { createClient } from '../../src/job/client.js';
import type { ClientOptions } from '../../src/job/client-options.js';
import { ManualClock } from '../../src/simulator/common/clock.js';
import {
  createServerSimulator,
  type ServerSimulator,
  type ServerSimulatorOptions,
} from '../../src/simulator/index.js';
import type { Workspace } from '../../src/simulator/workspace/model.js';
import { buildWorkspace, type WorkflowSpec } from '../simulator/engine/workspace-builder.js';
import { memoryLogger, SteppingClock } from './support.js';

/** Workflows every library test can use. */
export const WORKFLOWS: Record<string, WorkflowSpec> = {
  '/Examples/Greeting': {
    inputs: [{ shortName: 'name', nodeIdPath: '1', example: 'World' }],
    outputs: [{ shortName: 'greeting', nodeIdPath: '2', example: 'Hello' }],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the simulator expands this placeholder.
    simulation: { loadMs: 50, durationMs: 200, outputs: { greeting: { template: 'Hello, ${input:name}!' } } },
  },
  '/Examples/Fail': {
    outputs: [{ shortName: 'result', nodeIdPath: '2', example: 0 }],
    simulation: {
      outcome: 'failure',
      failure: { node: 'Column Filter 0:12', message: 'Execute failed: Column "churn" not found' },
    },
  },
  '/Examples/Partial': {
    outputs: [{ shortName: 'result', nodeIdPath: '2', example: 1 }],
    simulation: { outcome: 'failure-with-content', failure: { node: 'Report 0:3', message: 'Chart failed' } },
  },
  '/Examples/Interactive': { simulation: { outcome: 'interaction-required' } },
  '/Examples/LoadError': { simulation: { outcome: 'load-error' } },
  '/Examples/NotExecutable': { simulation: { outcome: 'not-executable' } },
  '/Examples/Long': {
    outputs: [{ shortName: 'done', nodeIdPath: '2', example: true }],
    simulation: { durationMs: 3_600_000 },
  },
  '/Examples/NoOutputs': { inputs: [{ shortName: 'x', nodeIdPath: '1', example: 1 }] },
  '/Examples/Duplicates': {
    inputs: [
      { shortName: 'line-count', nodeIdPath: '3', kind: 'legacy-integer', example: { integer: 1 } },
      { shortName: 'line-count', nodeIdPath: '5', kind: 'legacy-integer', example: { integer: 2 } },
      { shortName: 'title', nodeIdPath: '7', example: 'x' },
    ],
  },
  '/Examples/Required': {
    inputs: [{ shortName: 'customers', nodeIdPath: '1', required: true, example: [] }],
  },
  '/Examples/Files': {
    inputs: [{ shortName: 'line-count', nodeIdPath: '3', kind: 'legacy-integer', example: { integer: 2 } }],
    inputResources: [{ shortName: 'file-upload', nodeIdPath: '1', contentType: 'text/csv' }],
    outputResources: [
      { shortName: 'copy', nodeIdPath: '4', contentType: 'text/csv' },
      { shortName: 'blob', nodeIdPath: '5' },
    ],
    simulation: {
      outputResources: {
        copy: { fromInput: 'file-upload' },
        blob: { contentType: 'application/octet-stream', bytes: 300_000 },
      },
    },
  },
  '/Team A/Q1 Sales & Costs #2': {
    outputs: [{ shortName: 'total', nodeIdPath: '2', example: 10 }],
    simulation: { outputs: { total: { value: 42 } } },
  },
};

/** Copies the test workflows' parameters into OpenAPI fragments, as KNIME writes them. */
export function workspaceWithOpenApi(specs: Record<string, WorkflowSpec> = WORKFLOWS): Workspace {
  const workspace = buildWorkspace(specs);
  for (const workflow of workspace.workflows()) {
    const fragment = (parameters: typeof workflow.inputs) =>
      parameters.length === 0
        ? {}
        : {
            type: 'object',
            properties: Object.fromEntries(
              parameters.map((p) => [
                p.name,
                { type: typeof p.example === 'number' ? 'number' : 'object', example: p.example },
              ]),
            ),
          };
    const resources = (list: typeof workflow.inputResources) =>
      list.length === 0
        ? {}
        : {
            schema: {
              type: 'object',
              properties: Object.fromEntries(list.map((r) => [r.name, { type: 'string', format: 'binary' }])),
            },
            encoding: Object.fromEntries(list.map((r) => [r.name, { contentType: r.contentType }])),
          };
    Object.assign(workflow, {
      openapi: {
        inputParameters: fragment(workflow.inputs),
        outputParameters: fragment(workflow.outputs),
        inputResources: resources(workflow.inputResources),
        outputResources: resources(workflow.outputResources),
      },
    });
  }
  return workspace;
}

export interface SimulatedServer {
  simulator: ServerSimulator;
  client: KnimeClient;
  clock: SteppingClock;
  manual: ManualClock;
  logger: ReturnType<typeof memoryLogger>;
  /** Requests the client sent, as `METHOD path?query` below the origin. */
  requests: string[];
}

/**
 * Starts a simulator on a manual clock (`POST {wf}:jobs` returns at once with the job in `LOADING`) and a
 * client whose sleeps move that clock.
 */
export async function simulatedServer(
  options: {
    simulator?: Partial<ServerSimulatorOptions>;
    client?: Partial<ClientOptions>;
    workflows?: Record<string, WorkflowSpec>;
  } = {},
): Promise<SimulatedServer> {
  const manual = new ManualClock(Date.UTC(2026, 0, 1));
  const simulator = await createServerSimulator({
    workspace: workspaceWithOpenApi(options.workflows),
    clock: manual,
    seed: 7,
    createJob: 'background',
    ...options.simulator,
  });
  const clock = new SteppingClock(manual);
  const logger = memoryLogger();
  const requests: string[] = [];
  const fetch = (async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
    return simulator.fetch(input, init);
  }) as typeof globalThis.fetch;
  const client = createClient({
    url: simulator.baseUrl,
    fetch,
    clock,
    logger,
    logLevel: 'debug',
    retry: { random: () => 0.5 },
    ...options.client,
  });
  return { simulator, client, clock, manual, logger, requests };
}
