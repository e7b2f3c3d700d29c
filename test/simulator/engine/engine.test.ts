import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/simulator/common/clock.js';
import {
  EngineError,
  generatedBytes,
  JobEngine,
  type JobSnapshot,
  SidecarError,
} from '../../../src/simulator/engine/index.js';
import { buildWorkspace, type WorkflowSpec } from './workspace-builder.js';

const greeter: WorkflowSpec = {
  inputs: [
    { shortName: 'name', nodeIdPath: '1', kind: 'legacy-string', example: { string: 'World' } },
    { shortName: 'payload', nodeIdPath: '2', example: { items: [1, 2] } },
  ],
  outputs: [
    { shortName: 'greeting', nodeIdPath: '3', example: 'template greeting' },
    { shortName: 'echo', nodeIdPath: '4', example: [] },
    { shortName: 'summary', nodeIdPath: '5', example: {} },
    { shortName: 'table', nodeIdPath: '6', example: { 'table-spec': [{ a: 'int' }], 'table-data': [[1]] } },
  ],
  outputResources: [{ shortName: 'report', nodeIdPath: '7', contentType: 'text/plain' }],
  simulation: {
    outputs: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sidecar placeholder syntax
      greeting: { template: 'Hello, ${input:name/string}!' },
      echo: { fromInput: 'payload', pointer: '/items' },
      summary: { value: { rows: 3 } },
    },
    outputResources: { report: { contentType: 'text/csv', text: 'region,total\nEMEA,10\n' } },
  },
};

function setup(items: Record<string, WorkflowSpec | 'data' | 'group'>, options = {}) {
  const clock = new ManualClock();
  const engine = new JobEngine(buildWorkspace(items), clock, options);
  return { clock, engine };
}

function errorOf(action: () => unknown): EngineError {
  try {
    action();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

describe('job lifecycle', () => {
  it('loads, executes and finishes on the clock', async () => {
    const { clock, engine } = setup({ '/Examples/Greeter': greeter });
    const created = engine.createJob('/Examples/Greeter', 'alice');
    expect(created.state).toBe('LOADING');
    expect(created.owner).toBe('alice');
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.name).toBe('Greeter 2026-01-01 00.00.00');

    clock.advance(49);
    expect(engine.getJob(created.id)?.state).toBe('LOADING');
    clock.advance(1);
    expect(engine.getJob(created.id)?.state).toBe('IDLE');

    const ticket = engine.execute(created.id, { values: { name: { string: 'Ada' } } });
    expect(engine.getJob(created.id)?.state).toBe('EXECUTING');
    expect(engine.stats.currentlyExecuting).toBe(1);

    const waiting = engine.waitForExecution(ticket);
    clock.advance(200);
    const { outcome, job } = await waiting;
    expect(outcome).toBe('settled');
    expect(job.state).toBe('EXECUTION_FINISHED');
    expect(job.startedExecutionAt).toBe(created.createdAt + 50);
    expect(job.finishedExecutionAt).toBe(created.createdAt + 250);
    expect(job.outputValues).toEqual({
      greeting: 'Hello, Ada!',
      echo: [1, 2],
      summary: { rows: 3 },
      table: { 'table-spec': [{ a: 'int' }], 'table-data': [[1]] },
    });
    expect(job.inputParameters).toEqual({ name: { string: 'Ada' }, payload: { items: [1, 2] } });
    expect(engine.stats.currentlyExecuting).toBe(0);
  });

  it('merges partial default timings', () => {
    const { clock, engine } = setup({ '/w': {} }, { defaults: { loadMs: 0 } });
    const job = engine.createJob('/w', 'alice');
    expect(job.state).toBe('IDLE');
    engine.execute(job.id, {});
    clock.advance(199);
    expect(engine.getJob(job.id)?.state).toBe('EXECUTING');
    clock.advance(1);
    expect(engine.getJob(job.id)?.state).toBe('EXECUTION_FINISHED');
  });

  it('uses CONFIGURED as ready state when configured', () => {
    const { clock, engine } = setup({ '/w': {} }, { readyState: 'CONFIGURED' });
    const job = engine.createJob('/w', 'alice');
    clock.advance(50);
    expect(engine.getJob(job.id)?.state).toBe('CONFIGURED');
  });

  it('finishes a ten-minute job without waiting', async () => {
    const { clock, engine } = setup({ '/long': { simulation: { durationMs: 600_000, loadMs: 0 } } });
    const job = engine.createJob('/long', 'alice');
    expect(job.state).toBe('IDLE');
    const ticket = engine.execute(job.id, {});
    const started = Date.now();
    const waiting = engine.waitForExecution(ticket);
    clock.advance(600_000);
    expect((await waiting).job.state).toBe('EXECUTION_FINISHED');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('starts an execution requested while loading once loaded', async () => {
    const { clock, engine } = setup({ '/w': {} });
    const job = engine.createJob('/w', 'alice');
    const ticket = engine.execute(job.id, {});
    expect(engine.getJob(job.id)?.state).toBe('LOADING');
    expect(errorOf(() => engine.execute(job.id, {})).code).toBe('busy');
    const waiting = engine.waitForExecution(ticket);
    clock.advance(50);
    expect(engine.getJob(job.id)?.state).toBe('EXECUTING');
    clock.advance(200);
    expect((await waiting).job.state).toBe('EXECUTION_FINISHED');
  });

  it('times out a wait on the clock deadline', async () => {
    const { clock, engine } = setup({ '/w': { simulation: { loadMs: 0, durationMs: 1000 } } });
    const job = engine.createJob('/w', 'alice');
    const ticket = engine.execute(job.id, {});
    const waiting = engine.waitForExecution(ticket, { deadlineMs: clock.now() + 100 });
    clock.advance(100);
    const result = await waiting;
    expect(result.outcome).toBe('timeout');
    expect(result.job.state).toBe('EXECUTING');
    expect(engine.getJob(job.id)?.state).toBe('EXECUTING');
  });

  it('rejects a wait when its signal aborts', async () => {
    const { engine } = setup({ '/w': { simulation: { loadMs: 0 } } });
    const job = engine.createJob('/w', 'alice');
    const ticket = engine.execute(job.id, {});
    const controller = new AbortController();
    const waiting = engine.waitForExecution(ticket, { signal: controller.signal });
    controller.abort(new Error('client gone'));
    await expect(waiting).rejects.toThrow('client gone');
  });

  it('rejects new inputs while executing', () => {
    const { engine } = setup({ '/w': { simulation: { loadMs: 0 } } });
    const job = engine.createJob('/w', 'alice');
    engine.execute(job.id, {});
    const error = errorOf(() => engine.execute(job.id, {}, { reset: true }));
    expect(error.code).toBe('busy');
    expect(error.message).toBe('Cannot apply new parameters - workflow still in execution');
  });

  it('requires reset to execute again', async () => {
    const { clock, engine } = setup({ '/w': { simulation: { loadMs: 0 } } });
    const job = engine.createJob('/w', 'alice');
    engine.execute(job.id, {});
    clock.advance(200);
    const error = errorOf(() => engine.execute(job.id, {}));
    expect(error.code).toBe('needs-reset');
    expect(error.message).toContain('reset=true');

    const again = engine.execute(job.id, {}, { reset: true });
    expect(again.execution).toBe(2);
    expect(engine.getJob(job.id)?.state).toBe('EXECUTING');
    clock.advance(200);
    expect(engine.stats.executionsByJob.get(job.id)).toBe(2);
  });

  it('ignores execute without reset when configured', async () => {
    const { clock, engine } = setup(
      { '/w': { simulation: { loadMs: 0 } } },
      { executeWithoutReset: 'ignore' },
    );
    const job = engine.createJob('/w', 'alice');
    engine.execute(job.id, {});
    clock.advance(200);
    const ticket = engine.execute(job.id, {});
    expect(ticket.execution).toBe(0);
    expect((await engine.waitForExecution(ticket)).job.state).toBe('EXECUTION_FINISHED');
    expect(engine.stats.executionsStarted).toBe(1);
  });
});

describe('outcomes', () => {
  async function run(simulation: unknown, spec: WorkflowSpec = {}): Promise<JobSnapshot> {
    const { clock, engine } = setup({ '/w': { ...spec, simulation } });
    const job = engine.createJob('/w', 'alice');
    clock.advance(50);
    if (engine.getJob(job.id)?.state !== 'IDLE') return engine.getJob(job.id)!;
    const waiting = engine.waitForExecution(engine.execute(job.id, {}));
    clock.advance(200);
    return (await waiting).job;
  }

  it('failure reports node messages and template outputs', async () => {
    const job = await run(
      {
        outcome: 'failure',
        failure: { node: 'Column Filter 0:12', message: 'Execute failed: Column "churn" not found' },
        outputs: { out: { value: 42 } },
      },
      { outputs: [{ shortName: 'out', nodeIdPath: '1', example: 'template' }] },
    );
    expect(job.state).toBe('EXECUTION_FAILED');
    expect(job.nodeMessages).toEqual([
      {
        node: 'Column Filter 0:12',
        messageType: 'ERROR',
        message: 'Execute failed: Column "churn" not found',
      },
    ]);
    expect(job.outputValues).toEqual({ out: 'template' });
  });

  it('success returns the example for an example spec', async () => {
    const job = await run(
      { outputs: { out: { example: true }, fixed: { value: 7 } } },
      {
        outputs: [
          { shortName: 'out', nodeIdPath: '1', example: { rows: 3 } },
          { shortName: 'fixed', nodeIdPath: '2', example: 0 },
        ],
      },
    );
    expect(job.state).toBe('EXECUTION_FINISHED');
    expect(job.outputValues).toEqual({ out: { rows: 3 }, fixed: 7 });
  });

  it('failure with content keeps computed outputs', async () => {
    const job = await run(
      { outcome: 'failure-with-content', outputs: { out: { value: 42 } } },
      { outputs: [{ shortName: 'out', nodeIdPath: '1', example: 'template' }] },
    );
    expect(job.state).toBe('EXECUTION_FAILED_WITH_CONTENT');
    expect(job.outputValues).toEqual({ out: 42 });
    expect(job.nodeMessages).toHaveLength(1);
  });

  it('interaction required pauses the run', async () => {
    const job = await run({ outcome: 'interaction-required' });
    expect(job.state).toBe('INTERACTION_REQUIRED');
    expect(job.finishedExecutionAt).toBeUndefined();
  });

  it('not executable ends loading', async () => {
    const job = await run({ outcome: 'not-executable', failure: { message: 'Missing extension' } });
    expect(job.state).toBe('NOT_EXECUTABLE');
    expect(job.nodeMessages[0]?.message).toBe('Missing extension');
  });

  it('load error ends loading', async () => {
    const job = await run({ outcome: 'load-error' });
    expect(job.state).toBe('LOAD_ERROR');
    expect(job.nodeMessages[0]?.message).toBe('Unable to load workflow');
  });

  it('omits outputValues without output nodes', async () => {
    const job = await run({});
    expect(job.state).toBe('EXECUTION_FINISHED');
    expect('outputValues' in job).toBe(false);
  });

  it('rejects execution of a job that cannot run', () => {
    const { clock, engine } = setup({ '/w': { simulation: { outcome: 'not-executable' } } });
    const job = engine.createJob('/w', 'alice');
    clock.advance(50);
    const error = errorOf(() => engine.execute(job.id, {}));
    expect(error.code).toBe('not-executable');
    expect(error.message).toContain('NOT_EXECUTABLE');
  });
});

describe('inputs', () => {
  const spec: WorkflowSpec = {
    inputs: [
      { shortName: 'customers', nodeIdPath: '1', kind: 'table', required: true },
      { shortName: 'count', nodeIdPath: '2', kind: 'legacy-integer', example: { integer: 1 } },
      { shortName: 'dup', nodeIdPath: '3' },
      { shortName: 'dup', nodeIdPath: '4' },
    ],
    inputResources: [{ shortName: 'file-upload', nodeIdPath: '5' }],
  };
  const table = { 'table-spec': [{ customer: 'string' }], 'table-data': [['c-1']] };

  function start(request: Parameters<JobEngine['execute']>[1]) {
    const { engine } = setup({ '/w': { ...spec, simulation: { loadMs: 0 } } });
    const job = engine.createJob('/w', 'alice');
    return { engine, id: job.id, run: () => engine.execute(job.id, request) };
  }

  it('rejects an unknown name with the valid names', () => {
    const error = errorOf(start({ values: { custmers: table } }).run);
    expect(error.code).toBe('invalid-input');
    expect(error.message).toBe(
      'Parameter name "custmers" doesn\'t match any node in the workflow, valid parameter names are: ["customers", "count", "dup-3", "dup-4", "file-upload"]',
    );
  });

  it('rejects a missing required input', () => {
    const error = errorOf(start({ values: { count: { integer: 2 } } }).run);
    expect(error.message).toBe("An input for parameter 'customers' is required.");
  });

  it('accepts short and fully qualified names', () => {
    const { engine, id, run } = start({
      values: { 'customers-1': table, count: { integer: 2 }, 'dup-4': 'x' },
    });
    run();
    expect(engine.getJob(id)?.inputParameters).toMatchObject({
      customers: table,
      count: { integer: 2 },
      'dup-4': 'x',
    });
  });

  it('rejects a short name shared by two nodes', () => {
    const error = errorOf(start({ values: { customers: table, dup: 1 } }).run);
    expect(error.message).toContain('Parameter name "dup" doesn\'t match');
  });

  it.each([
    [{ 'table-spec': [{ a: 'int' }] }, '"table-data" is required'],
    [{ 'table-data': [[1, 2]], 'table-spec': [{ a: 'int' }] }, 'row 0 of "table-data" has 2 cells'],
    [{ 'table-data': [[1]], 'table-spec': [{ a: 'integer' }] }, 'unknown type "integer"'],
    [[1, 2], 'expected {"table-spec"'],
  ])('checks table shape %j', (value, message) => {
    const error = errorOf(start({ values: { customers: value } }).run);
    expect(error.message).toContain('Invalid value for parameter "customers" (Container Input (Table))');
    expect(error.message).toContain(message);
  });

  it('takes a legacy integer bare or wrapped', () => {
    const bare = start({ values: { customers: table, count: 2 } });
    bare.run();
    expect(bare.engine.getJob(bare.id)?.inputParameters).toMatchObject({ count: 2 });

    const wrapped = start({ values: { customers: table, count: { integer: 3 } } });
    wrapped.run();
    expect(wrapped.engine.getJob(wrapped.id)?.inputParameters).toMatchObject({ count: { integer: 3 } });
  });

  it('rejects a legacy integer of the wrong type', () => {
    const fractional = errorOf(start({ values: { customers: table, count: { integer: 2.5 } } }).run);
    expect(fractional.message).toContain(
      'expected a value of type integer or an object {"integer": <integer>}',
    );
    const text = errorOf(start({ values: { customers: table, count: 'two' } }).run);
    expect(text.message).toContain('got "two"');
  });

  it('skips shape checks when disabled', () => {
    const { engine } = setup({ '/w': { ...spec, simulation: { loadMs: 0 } } }, { checkValueShapes: false });
    const job = engine.createJob('/w', 'alice');
    expect(() => engine.execute(job.id, { values: { customers: 'not a table' } })).not.toThrow();
  });

  it('takes multipart JSON parts and files', () => {
    const { engine, id, run } = start({
      parts: [
        {
          name: 'customers',
          contentType: 'application/json',
          bytes: new TextEncoder().encode(JSON.stringify(table)),
        },
        {
          name: 'file-upload-5',
          fileName: 'a.bin',
          contentType: 'application/octet-stream',
          bytes: new Uint8Array([1]),
        },
      ],
    });
    run();
    expect(engine.getJob(id)?.inputParameters.customers).toEqual(table);
  });

  it('rejects a multipart part with bad JSON', () => {
    const error = errorOf(
      start({
        parts: [{ name: 'customers', contentType: 'application/json', bytes: new TextEncoder().encode('{') }],
      }).run,
    );
    expect(error.message).toContain('Multipart part "customers" is not valid JSON');
  });

  it('rejects a file input sent as JSON', () => {
    const error = errorOf(start({ values: { customers: table, 'file-upload': 'abc' } }).run);
    expect(error.message).toContain('is a file input');
  });
});

describe('output resources', () => {
  it('serves text after success and rejects before', async () => {
    const { clock, engine } = setup({ '/Examples/Greeter': greeter });
    const job = engine.createJob('/Examples/Greeter', 'alice');
    clock.advance(50);
    expect(errorOf(() => engine.outputResource(job.id, 'report')).message).toContain(
      'not available in state IDLE',
    );
    engine.execute(job.id, {});
    clock.advance(200);
    const content = engine.outputResource(job.id, 'report-7');
    expect(content.contentType).toBe('text/csv');
    expect(await new Response(content.stream()).text()).toBe('region,total\nEMEA,10\n');
    expect(errorOf(() => engine.outputResource(job.id, 'nope')).message).toContain(
      'valid names are: ["report"]',
    );
  });

  it('generates deterministic bytes and echoes files', async () => {
    const { clock, engine } = setup({
      '/w': {
        inputResources: [{ shortName: 'upload', nodeIdPath: '1' }],
        outputResources: [
          { shortName: 'blob', nodeIdPath: '2' },
          { shortName: 'copy', nodeIdPath: '3' },
        ],
        simulation: {
          loadMs: 0,
          outputResources: { blob: { bytes: 100_000 }, copy: { fromInput: 'upload' } },
        },
      },
    });
    const job = engine.createJob('/w', 'alice');
    const upload = new Uint8Array([9, 8, 7]);
    engine.execute(job.id, {
      parts: [{ name: 'upload', fileName: 'u.bin', contentType: 'image/png', bytes: upload }],
    });
    clock.advance(200);

    const blob = engine.outputResource(job.id, 'blob');
    expect(blob.size).toBe(100_000);
    const first = Buffer.from(await new Response(blob.stream()).arrayBuffer());
    expect(first.length).toBe(100_000);
    expect(first.equals(await generatedBytes('blob', 100_000))).toBe(true);
    expect(first.equals(Buffer.from(await new Response(blob.stream()).arrayBuffer()))).toBe(true);
    expect(new Set(first.subarray(0, 1000)).size).toBeGreaterThan(200);

    const copy = engine.outputResource(job.id, 'copy');
    expect(copy.contentType).toBe('image/png');
    expect(new Uint8Array(await new Response(copy.stream()).arrayBuffer())).toEqual(upload);
  });
});

describe('cancel, discard and test hooks', () => {
  it('cancels an executing job', () => {
    const { clock, engine } = setup({ '/w': { simulation: { loadMs: 0 } } });
    const job = engine.createJob('/w', 'alice');
    engine.execute(job.id, {});
    expect(engine.cancel(job.id)).toBe(true);
    expect(engine.getJob(job.id)?.state).toBe('EXECUTION_CANCELLED');
    clock.advance(1000);
    expect(engine.getJob(job.id)?.state).toBe('EXECUTION_CANCELLED');
    expect(engine.cancel(job.id)).toBe(false);
    expect(engine.stats.cancels).toBe(1);
    expect(engine.stats.currentlyExecuting).toBe(0);
  });

  it('discards an executing job after cancelling it', async () => {
    const { engine } = setup({ '/w': { simulation: { loadMs: 0 } } });
    const job = engine.createJob('/w', 'alice');
    const waiting = engine.waitForExecution(engine.execute(job.id, {}));
    engine.discard(job.id);
    expect((await waiting).job.state).toBe('EXECUTION_CANCELLED');
    expect(engine.getJob(job.id)).toBeUndefined();
    expect(errorOf(() => engine.discard(job.id)).code).toBe('job-not-found');
    expect(engine.stats).toMatchObject({ cancels: 1, discards: 1, currentlyExecuting: 0 });
  });

  it('rejects discarding an executing job when configured', () => {
    const { engine } = setup({ '/w': { simulation: { loadMs: 0 } } }, { discardExecuting: 'reject' });
    const job = engine.createJob('/w', 'alice');
    engine.execute(job.id, {});
    expect(errorOf(() => engine.discard(job.id)).code).toBe('discard-executing');
    expect(engine.getJob(job.id)?.state).toBe('EXECUTING');
  });

  it('discards after execution when the job asks for it', async () => {
    const { clock, engine } = setup({ '/w': { simulation: { loadMs: 0 } } });
    const job = engine.createJob('/w', 'alice', { discardAfterSuccessfulExec: true });
    const waiting = engine.waitForExecution(engine.execute(job.id, {}));
    clock.advance(200);
    expect((await waiting).job.state).toBe('EXECUTION_FINISHED');
    expect(engine.getJob(job.id)).toBeUndefined();
    expect(engine.stats.discards).toBe(1);
  });

  it('vanish and markDiscarded produce the gone states', () => {
    const { clock, engine } = setup({ '/w': { simulation: { loadMs: 0 } } });
    const a = engine.createJob('/w', 'alice');
    engine.execute(a.id, {});
    expect(engine.vanish(a.id).state).toBe('VANISHED');
    clock.advance(1000);
    expect(engine.getJob(a.id)?.state).toBe('VANISHED');
    expect(errorOf(() => engine.execute(a.id, {}, { reset: true })).code).toBe('not-executable');

    const b = engine.createJob('/w', 'alice');
    expect(engine.markDiscarded(b.id).state).toBe('DISCARDED');
    expect(engine.forceState(b.id, 'UNDEFINED').state).toBe('UNDEFINED');
  });

  it('swaps and reloads a job', () => {
    const { clock, engine } = setup({ '/w': { simulation: { loadMs: 0 } } });
    const job = engine.createJob('/w', 'alice');
    expect(engine.swap(job.id).isSwapped).toBe(true);
    engine.execute(job.id, {});
    expect(engine.getJob(job.id)?.isSwapped).toBe(false);
    expect(errorOf(() => engine.swap(job.id)).code).toBe('swap-conflict');
    clock.advance(200);

    const strict = setup({ '/w': { simulation: { loadMs: 0 } } }, { swappedJobs: 'reject' }).engine;
    const other = strict.createJob('/w', 'alice');
    strict.swap(other.id);
    expect(errorOf(() => strict.execute(other.id, {})).code).toBe('swap-conflict');
    strict.load(other.id);
    expect(() => strict.execute(other.id, {})).not.toThrow();
  });

  it('counts executions per workflow and job', () => {
    const { clock, engine } = setup({
      '/a': { simulation: { loadMs: 0 } },
      '/b': { simulation: { loadMs: 0 } },
    });
    const jobs = [engine.createJob('/a', 'u'), engine.createJob('/a', 'u'), engine.createJob('/b', 'u')];
    for (const job of jobs) engine.execute(job.id, {});
    expect(engine.stats.currentlyExecuting).toBe(3);
    expect(engine.stats.maxConcurrentExecutions).toBe(3);
    clock.advance(200);
    expect(engine.stats.toJSON()).toMatchObject({
      jobsCreated: 3,
      executionsStarted: 3,
      executionsFinished: 3,
      currentlyExecuting: 0,
      executionsByWorkflow: { '/a': 2, '/b': 1 },
    });
    expect(engine.stats.executionsByJob.get(jobs[0]!.id)).toBe(1);
  });

  it('rejects unknown workflows and folders', () => {
    const { engine } = setup({ '/g/w': {}, '/g/data.csv': 'data' });
    expect(errorOf(() => engine.createJob('/nope', 'u')).code).toBe('workflow-not-found');
    expect(errorOf(() => engine.createJob('/g', 'u')).code).toBe('not-a-workflow');
    expect(errorOf(() => engine.createJob('/g/data.csv', 'u')).code).toBe('not-a-workflow');
    expect(errorOf(() => engine.getJob('x') ?? engine.cancel('x')).code).toBe('job-not-found');
  });
});

describe('sidecar validation', () => {
  function sidecarError(simulation: unknown, spec: WorkflowSpec = {}): SidecarError {
    try {
      setup({ '/Team/w': { ...spec, simulation } });
    } catch (error) {
      if (error instanceof SidecarError) return error;
      throw error;
    }
    throw new Error('expected a SidecarError');
  }

  it('names the file and an unknown key', () => {
    const error = sidecarError({ durationMs: 5, outcom: 'failure' });
    expect(error.file).toBe('/ws/Team/w/knimectl-simulation.json');
    expect(error.key).toBe('outcom');
    expect(error.message).toBe('/ws/Team/w/knimectl-simulation.json: outcom: unknown key "outcom"');
  });

  it('names a nested key with a wrong type', () => {
    const error = sidecarError({ failure: { node: 3 } });
    expect(error.key).toBe('failure.node');
  });

  it('rejects a sidecar file that could not be parsed', () => {
    let caught: unknown;
    try {
      setup({ '/Team/w': { simulationError: 'invalid JSON: Unexpected token } in JSON at position 12' } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SidecarError);
    expect((caught as SidecarError).file).toBe('/ws/Team/w/knimectl-simulation.json');
    expect((caught as SidecarError).message).toContain('invalid JSON');
  });

  it('rejects an unknown outcome', () => {
    expect(sidecarError({ outcome: 'explode' }).key).toBe('outcome');
  });

  it('rejects an output spec of no known form', () => {
    const spec = { outputs: [{ shortName: 'out', nodeIdPath: '1' }] };
    const error = sidecarError({ outputs: { out: { template: 'x', extra: 1 } } }, spec);
    expect(error.key).toBe('outputs.out.extra');
    expect(error.message).toContain('unknown key "extra"');
  });

  it('rejects unknown output, resource and input names', () => {
    const spec: WorkflowSpec = {
      inputs: [{ shortName: 'in', nodeIdPath: '1' }],
      outputs: [{ shortName: 'out', nodeIdPath: '2' }],
    };
    expect(sidecarError({ outputs: { nope: { example: true } } }, spec).message).toContain(
      'no output parameter named "nope"; valid names are: "out"',
    );
    expect(sidecarError({ outputResources: { nope: { text: '' } } }, spec).key).toBe('outputResources.nope');
    expect(sidecarError({ outputs: { out: { fromInput: 'nope' } } }, spec).key).toBe('outputs.out.fromInput');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the sidecar placeholder syntax
    expect(sidecarError({ outputs: { out: { template: 'a ${input:nope} b' } } }, spec).key).toBe(
      'outputs.out.template',
    );
  });
});
