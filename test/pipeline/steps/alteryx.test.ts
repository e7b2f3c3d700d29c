import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlteryxCancelUnsupportedError, AlteryxClient } from '../../../src/alteryx/index.js';
import { RemoteWorkLostError, StepConfigError } from '../../../src/pipeline/errors.js';
import { runPipeline } from '../../../src/pipeline/runner.js';
import { type AlteryxStepConfig, alteryxStep } from '../../../src/pipeline/steps/alteryx.js';
import type { PipelineLogger, StepContext } from '../../../src/pipeline/steps/types.js';
import {
  type AlteryxSimulatorOptions,
  createAlteryxSimulator,
  defineAlteryxWorkflows,
} from '../../../src/simulator/alteryx/index.js';
import { ManualClock } from '../../../src/simulator/common/clock.js';
import { steppingClock } from '../../alteryx/support.js';

const SALES = '6540f2a1b3c4d5e6f7a8b9c0';
const CLEANUP = '6540f2a1b3c4d5e6f7a8b9c2';

const silent: PipelineLogger = { debug() {}, info() {}, warn() {}, error() {} };

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'knimectl-alteryx-step-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function setup(simOptions: AlteryxSimulatorOptions = {}) {
  const manual = new ManualClock();
  const sim = createAlteryxSimulator({ clock: manual, runMs: 20_000, ...simOptions });
  const client = new AlteryxClient({
    baseUrl: sim.baseUrl,
    apiKey: 'sim-api-key',
    apiSecret: 'sim-api-secret',
    fetch: sim.fetch,
    clock: steppingClock(manual),
    reconcile: { checks: 1, delayMs: 100 },
  });
  const controller = new AbortController();
  const ctx: StepContext = {
    runId: 'run-1',
    step: 'report',
    attempt: 1,
    baseDir: dir,
    attemptDir: dir,
    env: {},
    allowedHosts: ['127.0.0.1'],
    clock: manual,
    logger: silent,
    signal: controller.signal,
    deadline: undefined,
    pollIntervalMs: 5000,
    resolveConnection: async (name) => (name === 'alteryx' ? client : { other: true }),
    fetch: sim.fetch,
  };
  return { manual, sim, client, ctx, controller };
}

function config(extra: Partial<AlteryxStepConfig> = {}): AlteryxStepConfig {
  return alteryxStep.configSchema.parse({
    connection: 'alteryx',
    workflow: 'Monthly Sales App',
    answers: { StartDate: '2024-05-01', Channels: ['Retail', 'Online'] },
    ...extra,
  });
}

describe('alteryx step kind', () => {
  it('queues, waits and downloads the outputs', async () => {
    const { ctx, sim } = setup();
    const step = config({ priority: 'High', download: { dir: 'out' } });

    const remote = await alteryxStep.start(step, ctx);
    expect(remote.details).toEqual({ connection: 'alteryx', workflowId: SALES });
    const result = await alteryxStep.wait(remote, step, ctx);

    expect(result.status).toBe('succeeded');
    if (result.status !== 'succeeded') return;
    expect(result.outputs.jobId).toBe(remote.id);
    expect(result.outputs.status).toBe('Completed');
    expect(result.outputs.disposition).toBe('Success');
    expect(result.outputs.files).toEqual({
      'sales_summary.csv': path.join(dir, 'out', 'sales_summary.csv'),
      'sales_report.pdf': path.join(dir, 'out', 'sales_report.pdf'),
    });
    const csv = readFileSync(path.join(dir, 'out', 'sales_summary.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(sim.stats.jobsQueued[SALES]).toBe(1);
    expect(sim.control.jobs()[0]?.priority).toBe('High');
  });

  it('names downloads by the chosen format', async () => {
    const { ctx } = setup({
      workflows: defineAlteryxWorkflows([
        {
          id: '0123456789abcdef01234567',
          name: 'Export',
          outputs: [{ fileName: 'data.csv', availableFormats: ['Csv', 'Yxdb'], content: 'a\n1\n' }],
        },
      ]),
    });
    const step = config({ workflow: 'Export', answers: {}, download: { dir: 'out', format: 'yxdb' } });
    const remote = await alteryxStep.start(step, ctx);
    const result = await alteryxStep.wait(remote, step, ctx);
    expect(result.status === 'succeeded' && result.outputs.files).toEqual({
      'data.csv': path.join(dir, 'out', 'data.yxdb'),
    });
  });

  it('fails on Completed with disposition Error', async () => {
    const { ctx } = setup();
    const step = config({ workflow: 'Inventory Refresh', answers: {} });
    const remote = await alteryxStep.start(step, ctx);
    const result = await alteryxStep.wait(remote, step, ctx);

    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.error).toContain('status Completed, disposition Error');
    expect(result.outputs?.status).toBe('Completed');
    expect(result.outputs?.disposition).toBe('Error');
    expect(result.outputs?.messages).toEqual(['Input Data (1): file not found: inventory_2024_05.csv']);
  });

  it('fails a run timeout with the last status', async () => {
    const { ctx, sim } = setup();
    sim.control.setScenario(CLEANUP, 'never-finishes');
    const step = config({ workflow: CLEANUP, answers: {}, 'run-timeout': '10m' });
    const remote = await alteryxStep.start(step, ctx);
    const result = await alteryxStep.wait(remote, step, ctx);
    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.error).toContain('after 600000 ms, the run timeout');
  });

  it('rejects missing answers before queueing', async () => {
    const { ctx, sim } = setup();
    await expect(alteryxStep.start(config({ answers: {} }), ctx)).rejects.toThrow(
      /missing answers for StartDate/,
    );
    expect(sim.stats.queueRequests[SALES]).toBeUndefined();
  });

  it('rejects invalid with blocks', () => {
    expect(
      alteryxStep.configSchema.safeParse({ connection: 'a', workflow: 'w', priority: 'Urgent' }).success,
    ).toBe(false);
    expect(alteryxStep.configSchema.safeParse({ connection: 'a', workflow: 'w', extra: 1 }).success).toBe(
      false,
    );
    expect(
      alteryxStep.configSchema.safeParse({ connection: 'a', workflow: 'w', 'run-timeout': '10' }).success,
    ).toBe(false);
  });

  it('fails when the workflow already has a running job', async () => {
    const { ctx, sim } = setup();
    const step = config({ workflow: CLEANUP, answers: {} });
    await alteryxStep.start(step, ctx);
    await expect(alteryxStep.start(step, ctx)).rejects.toBeInstanceOf(StepConfigError);
    await alteryxStep.start({ ...step, 'if-running': 'start-anyway' }, ctx);
    expect(sim.stats.jobsQueued[CLEANUP]).toBe(2);
  });

  it('rejects an unknown workflow name', async () => {
    const { ctx } = setup();
    const error = await alteryxStep
      .start(config({ workflow: 'Monthly Sales' }), ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepConfigError);
    expect((error as Error).message).toContain("similar names: 'Monthly Sales App'");
  });

  it('rejects a connection of another kind', async () => {
    const { ctx } = setup();
    await expect(alteryxStep.start(config({ connection: 'hub' }), ctx)).rejects.toThrow(
      /not an Alteryx connection/,
    );
  });

  it('reconciles a job queued before a crash', async () => {
    const { ctx, manual } = setup();
    const step = config({ workflow: CLEANUP, answers: {} });
    const intentAt = manual.now();
    const remote = await alteryxStep.start(step, ctx);

    expect(await alteryxStep.reconcile(step, ctx, { intentAt })).toEqual(remote);
    manual.advance(120_000);
    expect(await alteryxStep.reconcile(step, ctx, { intentAt: manual.now() })).toBeUndefined();
  });

  it('refuses to guess between two candidate jobs', async () => {
    const { ctx, manual } = setup();
    const step = config({ workflow: CLEANUP, answers: {}, 'if-running': 'start-anyway' });
    const intentAt = manual.now();
    await alteryxStep.start(step, ctx);
    await alteryxStep.start(step, ctx);
    await expect(alteryxStep.reconcile(step, ctx, { intentAt })).rejects.toBeInstanceOf(RemoteWorkLostError);
  });

  it('reports a job that no longer exists', async () => {
    const { ctx } = setup();
    await expect(
      alteryxStep.attach({ id: 'ffffffffffffffffffffffff' }, config(), ctx),
    ).rejects.toBeInstanceOf(RemoteWorkLostError);
  });

  it('says plainly that cancel is not supported', async () => {
    const { ctx, sim } = setup();
    const step = config({ workflow: CLEANUP, answers: {} });
    const remote = await alteryxStep.start(step, ctx);
    const error = await alteryxStep.cancel(remote, step, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlteryxCancelUnsupportedError);
    expect((error as Error).message).toContain('keeps running on the server');
    expect(sim.control.jobs()[0]?.status).toBe('Running');
  });

  it('rejects with the abort reason', async () => {
    const { ctx, sim, manual, controller } = setup();
    sim.control.setScenario(CLEANUP, 'never-finishes');
    const step = config({ workflow: CLEANUP, answers: {} });
    const remote = await alteryxStep.start(step, ctx);
    const reason = new Error('run cancelled');
    manual.setTimer(manual.now() + 30_000, () => controller.abort(reason));
    await expect(alteryxStep.wait(remote, step, ctx)).rejects.toBe(reason);
  });
});

describe('alteryx step in a pipeline', () => {
  it('passes job outputs to the next step', async () => {
    const { client, sim } = setup();
    const file = path.join(dir, 'pipeline.yaml');
    writeFileSync(
      file,
      `
name: monthly-sales
params:
  day: { type: date }
steps:
  report:
    kind: alteryx
    with:
      connection: alteryx
      workflow: Monthly Sales App
      answers: { StartDate: "\${{ params.day }}", Region: AMER }
      download: { dir: out }
  announce:
    kind: command
    needs: report
    with:
      command: [sh, -c, 'echo "disposition=$DISPOSITION" >> "$KNIMECTL_OUTPUT"']
      env: { DISPOSITION: "\${{ steps.report.outputs.disposition }}" }
`,
    );

    const result = await runPipeline(file, {
      params: { day: '2024-05-01' },
      ledgerPath: path.join(dir, 'ledger.db'),
      connections: { alteryx: client },
    });

    expect(result.error).toBeNull();
    expect(result.outcome).toBe('succeeded');
    expect(sim.stats.jobsQueued[SALES]).toBe(1);
    expect(sim.control.jobs()[0]?.questions).toContainEqual({ name: 'StartDate', value: '2024-05-01' });
    expect(readFileSync(path.join(dir, 'out', 'sales_summary.csv')).byteLength).toBeGreaterThan(3);
    const announce = result.steps.find((step) => step.name === 'announce');
    expect(announce?.outputs).toMatchObject({ disposition: 'Success' });
  });
});
