/**
 * `knime` steps against the in-process KNIME Business Hub simulator: workflow paths with an item
 * version, deployments by id and by name, and the `if-running` guard on a deployment.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KnimeClient } from '../../src/job/api.js';
import { createClient } from '../../src/job/client.js';
import { systemClock } from '../../src/pipeline/clock.js';
import { runPipeline } from '../../src/pipeline/runner.js';
import { knimeStep } from '../../src/pipeline/steps/knime.js';
import type { StepContext } from '../../src/pipeline/steps/types.js';
import { createHubSimulator, type HubSimulator } from '../../src/simulator/hub/index.js';
import { ALICE, ALICE_PASSWORD, createDeployment, hubPath, TEAM, WORKFLOWS } from '../hub/support.js';
import { buildWorkspace } from '../simulator/engine/workspace-builder.js';
import { createWorkDir, type WorkDir } from './support/workdir.js';

let work: WorkDir;
let sim: HubSimulator;
let client: KnimeClient;
/** `METHOD path?query` of every request the client sent. */
let requests: string[];

beforeEach(async () => {
  work = createWorkDir();
  sim = await createHubSimulator({
    workspace: buildWorkspace({
      ...WORKFLOWS,
      // The Greeter, slow enough (10 s simulated, 200 ms real) to be running when a step checks.
      '/Services/Slow Greeter': {
        ...WORKFLOWS['/Services/Greeter']!,
        simulation: { ...(WORKFLOWS['/Services/Greeter']!.simulation ?? {}), durationMs: 10_000 },
      },
    }),
    timeScale: 50,
    seed: 11,
    users: [{ name: 'alice', applicationPasswords: [ALICE_PASSWORD], teams: [TEAM] }],
    teams: [{ name: TEAM }],
    itemVersions: { '/Services/Greeter': [{ version: 1, title: 'First' }, { version: 2 }] },
  });
  requests = [];
  const fetch = ((input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
    return sim.fetch(input, init);
  }) as typeof globalThis.fetch;
  client = createClient({ url: sim.baseUrl, kind: 'hub', auth: ALICE, fetch });
});

afterEach(() => {
  work.remove();
});

function run(text: string) {
  return runPipeline(work.writePipeline(text), {
    ledgerPath: work.ledgerPath,
    connections: { hub: client },
    pollIntervalMs: 20,
  });
}

describe('knime steps on a Hub', () => {
  it('runs a workflow path at an item version', async () => {
    const result = await run(`
steps:
  greet:
    kind: knime
    with:
      connection: hub
      workflow: "${hubPath('/Services/Greeter')}"
      item-version: 2
      inputs: { json-input: { name: Hub } }
`);

    expect(result.steps[0]!.error).toBeNull();
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[0]!.outputs!['json-output']).toBe('Hello, Hub!');
    const creates = requests.filter((request) => request.startsWith('POST /jobs?'));
    expect(creates).toHaveLength(1);
    expect(creates[0]).toContain('itemVersion=2');
    expect(sim.stats.executionsStarted).toBe(1);
    expect(sim.stats.discards).toBe(1);
  });

  it('runs a deployment by id', async () => {
    const id = await createDeployment(sim, '/Services/Greeter');
    const result = await run(`
steps:
  greet:
    kind: knime
    with:
      connection: hub
      deployment: ${id}
      inputs: { json-input: { name: Deployment } }
`);

    expect(result.steps[0]!.error).toBeNull();
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[0]!.outputs!['json-output']).toBe('Hello, Deployment!');
    expect(sim.stats.executionsStarted).toBe(1);
  });

  it('runs a deployment by name in a team', async () => {
    await createDeployment(sim, '/Services/Greeter', { name: 'Nightly greeting' });
    const result = await run(`
steps:
  greet:
    kind: knime
    with:
      connection: hub
      deployment: Nightly greeting
      scope: ${TEAM}
      inputs: { json-input: { name: Named } }
`);

    expect(result.steps[0]!.error).toBeNull();
    expect(result.steps[0]!.outputs!['json-output']).toBe('Hello, Named!');
    expect(requests.filter((request) => /^POST \/deployments\/rest:[^/]+\/jobs/.test(request))).toHaveLength(
      1,
    );
    expect(sim.stats.executionsStarted).toBe(1);
  });

  it('fails while the deployment runs elsewhere', async () => {
    const id = await createDeployment(sim, '/Services/Long');
    await client.start(id, {});
    expect(sim.stats.executionsStarted).toBe(1);

    const result = await run(`
steps:
  load:
    kind: knime
    with:
      connection: hub
      deployment: ${id}
`);

    expect(result.outcome).toBe('failed');
    expect(result.steps[0]!.error).toContain(`deployment ${id} already has 1 running job(s)`);
    expect(sim.stats.executionsStarted).toBe(1);
  });

  it('attaches to the running deployment job', async () => {
    const id = await createDeployment(sim, '/Services/Slow Greeter');
    const running = await client.start(id, { 'json-input': { name: 'Earlier' } });

    const result = await run(`
steps:
  greet:
    kind: knime
    with:
      connection: hub
      deployment: ${id}
      if-running: attach
`);

    expect(result.steps[0]!.error).toBeNull();
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[0]!.outputs!.jobId).toBe(running.id);
    expect(result.steps[0]!.outputs!['json-output']).toBe('Hello, Earlier!');
    expect(sim.stats.executionsStarted).toBe(1);
  });

  it('rejects version options on a deployment', async () => {
    const file = work.writePipeline(`
steps:
  greet:
    kind: knime
    with:
      connection: hub
      deployment: Nightly greeting
      item-version: 2
`);

    await expect(runPipeline(file, { ledgerPath: work.ledgerPath })).rejects.toThrow(
      /item-version applies to workflow jobs only/,
    );
  });

  it('rejects both workflow and deployment', async () => {
    const file = work.writePipeline(`
steps:
  greet:
    kind: knime
    with:
      connection: hub
      workflow: /Users/Team/Space/Flow
      deployment: rest:00000000-0000-4000-8000-000000000000
`);

    await expect(runPipeline(file, { ledgerPath: work.ledgerPath })).rejects.toThrow(
      /set exactly one of workflow and deployment/,
    );
  });

  describe('reconcile', () => {
    function context(): StepContext {
      return {
        runId: 'r',
        step: 'load',
        attempt: 1,
        baseDir: work.dir,
        attemptDir: work.dir,
        env: {},
        allowedHosts: [],
        clock: systemClock,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        signal: new AbortController().signal,
        deadline: undefined,
        pollIntervalMs: 10,
        resolveConnection: async () => client,
        fetch: globalThis.fetch,
      };
    }

    it('finds the deployment job created after the intent', async () => {
      const id = await createDeployment(sim, '/Services/Long');
      const intentAt = Date.now();
      const job = await client.start(id, {});

      expect(
        await knimeStep.reconcile({ connection: 'hub', deployment: id }, context(), { intentAt }),
      ).toEqual({
        id: job.id,
        details: { connection: 'hub', workflow: id, attached: false },
      });
    });

    it('ignores jobs of another deployment', async () => {
      const id = await createDeployment(sim, '/Services/Long');
      const other = await createDeployment(sim, '/Services/Long', { name: 'Other long job' });
      const intentAt = Date.now();
      await client.start(other, {});

      expect(
        await knimeStep.reconcile({ connection: 'hub', deployment: id }, context(), { intentAt }),
      ).toBeUndefined();
    });

    it('finds the job of a versioned workflow path', async () => {
      const workflow = hubPath('/Services/Long');
      const intentAt = Date.now();
      const job = await client.start(workflow, {});

      const found = await knimeStep.reconcile(
        { connection: 'hub', workflow, 'item-version': 'current-state' },
        context(),
        { intentAt },
      );
      expect(found?.id).toBe(job.id);
    });
  });
});
