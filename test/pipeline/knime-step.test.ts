import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KnimeClient } from '../../src/job/api.js';
import { systemClock } from '../../src/pipeline/clock.js';
import { RemoteWorkLostError } from '../../src/pipeline/errors.js';
import { resumeRun, runPipeline } from '../../src/pipeline/runner.js';
import { knimeStep } from '../../src/pipeline/steps/knime.js';
import type { StepContext } from '../../src/pipeline/steps/types.js';
import { type SimulatedServer, simulatedServer } from '../library/simulator.js';
import { createWorkDir, EventLog, type WorkDir } from './support/workdir.js';

let work: WorkDir;
let server: SimulatedServer;

beforeEach(async () => {
  work = createWorkDir();
  server = await simulatedServer();
});

afterEach(() => {
  work.remove();
});

function run(text: string, options: { params?: Record<string, string>; onEvent?: EventLog['onEvent'] } = {}) {
  return runPipeline(work.writePipeline(text), {
    ledgerPath: work.ledgerPath,
    connections: { sim: server.client },
    pollIntervalMs: 20,
    ...options,
  });
}

describe('knime steps', () => {
  it('runs a workflow and passes its outputs on', async () => {
    const result = await run(
      `
params:
  who: { type: string, default: Pipeline }
steps:
  greet:
    kind: knime
    with:
      connection: sim
      workflow: /Examples/Greeting
      inputs: { name: "\${{ params.who }}" }
  show:
    kind: command
    needs: greet
    with:
      command: [sh, -c, 'echo "$GREETING"']
      env: { GREETING: "\${{ steps.greet.outputs.greeting }}" }
`,
      { params: { who: 'Nightly' } },
    );

    expect(result.steps.map((step) => step.error)).toEqual([null, null]);
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[0]!.outputs!.greeting).toBe('Hello, Nightly!');
    expect(result.steps[1]!.outputs!.stdout).toBe('Hello, Nightly!');
    expect(server.simulator.stats.executionsStarted).toBe(1);
    expect(server.simulator.stats.discards).toBe(1);
  });

  it('fails on a failed job and keeps it for inspection', async () => {
    const result = await run(`
steps:
  score:
    kind: knime
    with: { connection: sim, workflow: /Examples/Fail }
  publish:
    kind: command
    needs: score
    with: { command: [sh, -c, 'true'] }
`);
    expect(result.outcome).toBe('failed');
    expect(result.steps[0]!.error).toContain('Column "churn" not found');
    expect(result.steps[0]!.outputs!.jobId).toEqual(expect.any(String));
    expect(result.steps[1]!.skipReason).toBe('needs score, which failed');
    expect(server.simulator.stats.discards).toBe(0);
  });

  it('discards failed jobs with discard: always', async () => {
    await run(`
steps:
  score:
    kind: knime
    with: { connection: sim, workflow: /Examples/Fail, discard: always }
`);
    expect(server.simulator.stats.discards).toBe(1);
  });

  it('refuses to start while the workflow runs elsewhere', async () => {
    const other = await server.client.start('/Examples/Long', {});
    const result = await run(`
steps:
  long:
    kind: knime
    with: { connection: sim, workflow: /Examples/Long }
`);
    expect(result.outcome).toBe('failed');
    expect(result.steps[0]!.error).toBe(
      `step long could not start: workflow /Examples/Long already has 1 running job(s) (${other.id}); set if-running to wait, attach or start-anyway`,
    );
    expect(server.simulator.stats.jobsCreated).toBe(1);
  });

  it('attaches to the running job', async () => {
    const other = await server.client.start('/Examples/Long', {});
    const result = await run(`
steps:
  long:
    kind: knime
    with: { connection: sim, workflow: /Examples/Long, if-running: attach }
`);
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[0]!.outputs!.jobId).toBe(other.id);
    expect(server.simulator.stats.jobsCreated).toBe(1);
    expect(server.simulator.stats.executionsStarted).toBe(1);
  });

  it('starts another job with start-anyway', async () => {
    await server.client.start('/Examples/Long', {});
    const result = await run(`
steps:
  long:
    kind: knime
    with: { connection: sim, workflow: /Examples/Long, if-running: start-anyway }
`);
    expect(result.outcome).toBe('succeeded');
    expect(server.simulator.stats.jobsCreated).toBe(2);
  });

  it('waits until the running job ended, then starts', async () => {
    const other = await server.client.start('/Examples/Long', {});
    setTimeout(() => void server.client.getJob(other.id).cancel(), 150);
    const result = await run(`
steps:
  long:
    kind: knime
    with: { connection: sim, workflow: /Examples/Long, if-running: wait }
`);
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[0]!.outputs!.jobId).not.toBe(other.id);
    expect(server.simulator.stats.jobsCreated).toBe(2);
  });

  it('fails a step whose connection is unknown', async () => {
    const result = await run(`
steps:
  a:
    kind: knime
    with: { connection: production, workflow: /Examples/Greeting }
`);
    expect(result.steps[0]!.error).toBe(
      'step a could not start: connection production is not defined; add a profile named production or pass it in connections',
    );
  });
});

describe('knime reconcile', () => {
  function context(): StepContext {
    return {
      runId: 'r',
      step: 'long',
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
      resolveConnection: async () => server.client,
      fetch: globalThis.fetch,
    };
  }
  const config = { connection: 'sim', workflow: '/Examples/Long' };

  it('finds the job created after the recorded intent', async () => {
    const intentAt = server.manual.now();
    const job = await server.client.start('/Examples/Long', {});
    expect(await knimeStep.reconcile(config, context(), { intentAt })).toEqual({
      id: job.id,
      details: { connection: 'sim', workflow: '/Examples/Long', attached: false },
    });
  });

  it('finds nothing when no job was created', async () => {
    await server.client.start('/Examples/Long', {});
    const intentAt = server.manual.now() + 3_600_000;
    expect(await knimeStep.reconcile(config, context(), { intentAt })).toBeUndefined();
  });

  it('discards a job that was created but never executed', async () => {
    const intentAt = server.manual.now();
    await server.client.backend.createJob('/Examples/Long', {});
    expect(await knimeStep.reconcile(config, context(), { intentAt })).toBeUndefined();
    expect(server.simulator.stats.discards).toBe(1);
    expect(server.simulator.stats.executionsStarted).toBe(0);
  });

  it('refuses to guess between two jobs', async () => {
    const intentAt = server.manual.now();
    await server.client.start('/Examples/Long', {});
    await server.client.start('/Examples/Long', {});
    await expect(knimeStep.reconcile(config, context(), { intentAt })).rejects.toThrow(RemoteWorkLostError);
  });

  it('reports a job that vanished', async () => {
    await expect(
      knimeStep.attach({ id: '00000000-0000-4000-8000-000000000000' }, config, context()),
    ).rejects.toThrow('no longer exists on the server');
  });
});

describe('knime abort', () => {
  it('cancels the job on abort and runs a new one on resume', async () => {
    const controller = new AbortController();
    const file = work.writePipeline(`
steps:
  long:
    kind: knime
    with: { connection: sim, workflow: /Examples/Long }
`);
    const options = { ledgerPath: work.ledgerPath, connections: { sim: server.client }, pollIntervalMs: 20 };
    const aborted = await runPipeline(file, {
      ...options,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'step-started') controller.abort(new Error('SIGTERM'));
      },
    });

    expect(aborted.outcome).toBe('cancelled');
    expect(aborted.error).toBe('run cancelled: SIGTERM');
    expect(aborted.steps[0]!.state).toBe('cancelled');
    expect(server.simulator.stats.cancels).toBe(1);

    const resumed = await resumeRun(aborted.runId, options);
    expect(resumed.outcome).toBe('succeeded');
    expect(server.simulator.stats.jobsCreated).toBe(2);
    expect(server.simulator.stats.executionsFinished).toBe(1);
  });
});

describe('knime start failures', () => {
  /** The real client, except that `start` fails after the server created and executed the job. */
  function clientLosingStartResponse(): KnimeClient {
    const client = server.client;
    return new Proxy(client, {
      get(object, property) {
        if (property === 'start') {
          return async (...args: Parameters<KnimeClient['start']>) => {
            await object.start(...args);
            throw new TypeError('fetch failed');
          };
        }
        const value = Reflect.get(object, property, object);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  }

  it('reconciles a start that failed after the job was created', async () => {
    const log = new EventLog();
    const result = await runPipeline(
      work.writePipeline(`
steps:
  greet:
    kind: knime
    retries: { max: 2, delay: 10ms }
    with: { connection: sim, workflow: /Examples/Greeting, inputs: { name: Lost } }
`),
      {
        ledgerPath: work.ledgerPath,
        connections: { sim: clientLosingStartResponse() },
        onEvent: log.onEvent,
        // Reconciling compares job creation times with the recorded intent, so both use the server's clock.
        clock: server.manual,
      },
    );

    expect(result.steps[0]!.error).toBeNull();
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[0]!.outputs!.greeting).toBe('Hello, Lost!');
    expect(server.simulator.stats.executionsStarted).toBe(1);
    expect(log.ofType('step-retrying')).toEqual([]);
  });

  it('does not reconcile when the inputs were rejected', async () => {
    const result = await run(`
steps:
  greet:
    kind: knime
    retries: { max: 1, delay: 10ms }
    with: { connection: sim, workflow: /Examples/Greeting, inputs: { nmae: typo } }
`);
    expect(result.outcome).toBe('failed');
    expect(result.steps[0]!.error).toContain('could not start');
    expect(server.simulator.stats.jobsCreated).toBe(0);
  });
});
