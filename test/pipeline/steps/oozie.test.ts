import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OozieClient } from '../../../src/oozie/index.js';
import { systemClock } from '../../../src/pipeline/clock.js';
import { RemoteWorkLostError, StepConfigError } from '../../../src/pipeline/errors.js';
import { runPipeline } from '../../../src/pipeline/runner.js';
import { type OozieStepConfig, oozieStep } from '../../../src/pipeline/steps/oozie.js';
import type { StepContext } from '../../../src/pipeline/steps/types.js';
import { ManualClock } from '../../../src/simulator/common/clock.js';
import {
  createOozieSimulator,
  DEFAULT_APP_ROOT,
  IN_PROCESS_OOZIE_URL,
  type OozieSimulatorOptions,
} from '../../../src/simulator/oozie/index.js';
import { clientClock } from '../../oozie/helpers.js';
import { createWorkDir, type WorkDir } from '../support/workdir.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function setup(simOptions: OozieSimulatorOptions = {}) {
  const manual = new ManualClock(Date.UTC(2024, 4, 1, 8, 31, 2));
  const sim = createOozieSimulator({ clock: manual, ...simOptions });
  const client = new OozieClient({
    baseUrl: IN_PROCESS_OOZIE_URL,
    user: 'etl',
    fetch: sim.fetch,
    clock: clientClock(manual),
  });

  const context = (overrides: Partial<StepContext> = {}): StepContext => ({
    runId: 'run-1',
    step: 'load',
    attempt: 1,
    baseDir: '.',
    attemptDir: '.',
    env: {},
    allowedHosts: [],
    clock: systemClock,
    logger: silent,
    signal: new AbortController().signal,
    deadline: undefined,
    pollIntervalMs: 5_000,
    resolveConnection: async (name) => (name === 'oozie' ? client : { notAClient: true }),
    fetch: sim.fetch,
    ...overrides,
  });

  const config = (app: string, extra: Partial<OozieStepConfig> = {}): OozieStepConfig => ({
    connection: 'oozie',
    'app-path': `${DEFAULT_APP_ROOT}/${app}`,
    ...extra,
  });

  return { sim, manual, client, context, config };
}

describe('oozie step', () => {
  it('start tags the job with run, step and attempt', async () => {
    const { sim, context, config } = setup();
    const remote = await oozieStep.start(
      config('daily-load', { properties: { rows: 5, dryRun: false } }),
      context(),
    );
    expect(remote.id).toMatch(/-W$/);
    expect(remote.details?.externalId).toBe('knimectl:run-1:load:1');
    expect(sim.stats.submissionsByExternalId['knimectl:run-1:load:1']).toBe(1);
    const job = sim.store.jobs.get(remote.id);
    expect(job?.conf.get('rows')).toBe('5');
    expect(job?.conf.get('dryRun')).toBe('false');
  });

  it('second start of an attempt adopts the job', async () => {
    const { sim, context, config } = setup();
    const first = await oozieStep.start(config('daily-load'), context());
    const second = await oozieStep.start(config('daily-load'), context());
    expect(second.id).toBe(first.id);
    expect(sim.stats.submissions).toBe(1);
  });

  it('reconcile finds only its own attempt', async () => {
    const { context, config } = setup();
    const remote = await oozieStep.start(config('daily-load'), context());
    const found = await oozieStep.reconcile(config('daily-load'), context(), { intentAt: 0 });
    expect(found?.id).toBe(remote.id);
    const other = await oozieStep.reconcile(config('daily-load'), context({ attempt: 2 }), { intentAt: 0 });
    expect(other).toBeUndefined();
  });

  it('attach to an unknown job is lost work', async () => {
    const { context, config } = setup();
    await expect(
      oozieStep.attach({ id: '0000099-240501083000123-oozie-oozi-W' }, config('daily-load'), context()),
    ).rejects.toBeInstanceOf(RemoteWorkLostError);
  });

  it('wait returns captured outputs by action', async () => {
    const { context, config } = setup();
    const remote = await oozieStep.start(config('daily-load'), context());
    const result = await oozieStep.wait(remote, config('daily-load'), context());
    expect(result).toEqual({
      status: 'succeeded',
      outputs: {
        jobId: remote.id,
        status: 'SUCCEEDED',
        actions: { extract: { rows: '1200' }, publish: { published: 'true' } },
      },
    });
  });

  it('wait reports the failing action', async () => {
    const { context, config } = setup();
    const remote = await oozieStep.start(config('failing-load'), context());
    const result = await oozieStep.wait(remote, config('failing-load'), context());
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.error).toContain('action "load"');
    expect(result.outputs).toEqual({
      jobId: remote.id,
      status: 'KILLED',
      failingAction: 'load',
      errorCode: '1',
    });
  });

  it('cancel kills, and the wait reports cancelled', async () => {
    const { sim, context, config } = setup();
    const remote = await oozieStep.start(config('hanging-load'), context());
    await oozieStep.cancel(remote, config('hanging-load'), context());
    expect(sim.store.jobs.get(remote.id)?.status).toBe('KILLED');
    const result = await oozieStep.wait(remote, config('hanging-load'), context());
    expect(result.status).toBe('cancelled');
  });

  it('aborted wait rejects and leaves the job', async () => {
    const { sim, context, config } = setup();
    const remote = await oozieStep.start(config('hanging-load'), context());
    const controller = new AbortController();
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(
      oozieStep.wait(remote, config('hanging-load'), context({ signal: controller.signal })),
    ).rejects.toBe(reason);
    expect(sim.store.jobs.get(remote.id)?.status).toBe('RUNNING');
  });

  it('suspended job resumes under on-suspended resume', async () => {
    const { sim, context, config } = setup();
    const remote = await oozieStep.start(config('suspending-load'), context());
    const result = await oozieStep.wait(
      remote,
      config('suspending-load', { 'on-suspended': 'resume' }),
      context(),
    );
    expect(result.status).toBe('succeeded');
    expect(sim.stats.commands.resume).toBe(1);
  });

  it('suspended job fails the step by default', async () => {
    const { context, config } = setup();
    const remote = await oozieStep.start(config('suspending-load'), context());
    const result = await oozieStep.wait(remote, config('suspending-load'), context());
    expect(result.status).toBe('failed');
  });

  it('non-Oozie connection is a config error', async () => {
    const { context, config } = setup();
    await expect(
      oozieStep.start({ ...config('daily-load'), connection: 'other' }, context()),
    ).rejects.toBeInstanceOf(StepConfigError);
  });

  it('schema rejects unknown keys', () => {
    const parsed = oozieStep.configSchema.safeParse({ connection: 'oozie', 'app-path': '/x', appPath: '/x' });
    expect(parsed.success).toBe(false);
  });
});

describe('oozie step in a pipeline', () => {
  let work: WorkDir;

  beforeEach(() => {
    work = createWorkDir();
  });

  afterEach(() => {
    work.remove();
  });

  it('runs and passes action outputs on', async () => {
    const { sim, client } = setup();
    const file = work.writePipeline(`
name: oozie-chain
steps:
  load:
    kind: oozie
    with:
      connection: oozie
      app-path: ${DEFAULT_APP_ROOT}/daily-load
      properties: { runDate: "2024-05-01" }
  report:
    kind: command
    needs: load
    with:
      command: [sh, -c, 'echo "rows=$ROWS"']
      env: { ROWS: "\${{ steps.load.outputs.actions.extract.rows }}" }
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath, connections: { oozie: client } });
    expect(result.steps.map((step) => step.error)).toEqual([null, null]);
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[1]?.outputs?.stdout).toBe('rows=1200');
    expect(sim.stats.submissions).toBe(1);
  });
});
