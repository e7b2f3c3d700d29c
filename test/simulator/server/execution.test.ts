import { describe, expect, it } from 'vitest';
import { generatedBytes, SidecarError } from '../../../src/simulator/index.js';
import { buildWorkspace } from '../engine/workspace-builder.js';
import { createJob, harness, type Json, until, WORKFLOWS } from './harness.js';

describe('execution results', () => {
  it('returns outputs from a synchronous run', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const pending = h.json('POST', `/jobs/${id}`, { 'name-1': { string: 'Grace' } });
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    const body = (await (await pending).json()) as Json;
    expect(body.state).toBe('EXECUTION_FINISHED');
    expect(body.outputValues).toEqual({ greeting: 'Hello, Grace!' });
    expect(body.startedExecutionAt).toBe('2026-01-01T00:00:00.000Z');
    expect(body.finishedExecutionAt).toBe('2026-01-01T00:00:00.200Z');
  });

  it('answers a failed run with 200 and its state', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Failing');
    const pending = h.json('POST', `/jobs/${id}`, {});
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    const response = await pending;
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(body.state).toBe('EXECUTION_FAILED');
    expect(body.nodeMessages).toEqual([
      { node: 'Column Filter 0:12', messageType: 'ERROR', message: 'Execute failed: boom' },
    ]);
    expect(body.outputValues).toEqual({ out: 'template' });
  });

  it('omits outputValues without output nodes', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/NoOutputs');
    const pending = h.json('POST', `/jobs/${id}`, {});
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    const body = (await (await pending).json()) as Json;
    expect(body.state).toBe('EXECUTION_FINISHED');
    expect(body).not.toHaveProperty('outputValues');
  });

  it.each([
    ['failure-with-content', 'EXECUTION_FAILED_WITH_CONTENT'],
    ['interaction-required', 'INTERACTION_REQUIRED'],
    ['not-executable', 'NOT_EXECUTABLE'],
    ['load-error', 'LOAD_ERROR'],
  ])('reports outcome %s as %s', async (outcome, state) => {
    const h = await harness({}, { '/w': { simulation: { outcome } } });
    const created = (await (await h.call('POST', '/repository/w:jobs')).json()) as Json;
    if (created.state === 'IDLE') {
      const pending = h.json('POST', `/jobs/${created.id}`, {});
      await until(() => h.sim.stats.currentlyExecuting === 1);
      h.clock.advance(200);
      expect(((await (await pending).json()) as Json).state).toBe(state);
    } else {
      expect(created.state).toBe(state);
      expect((await h.json('POST', `/jobs/${created.id}`, {})).status).toBe(409);
    }
  });

  it('finishes a ten-minute job on a manual clock', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Long');
    const wallStart = Date.now();
    const pending = h.json('POST', `/jobs/${id}`, {});
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(10 * 60_000);
    expect(((await (await pending).json()) as Json).state).toBe('EXECUTION_FINISHED');
    expect(Date.now() - wallStart).toBeLessThan(2000);
  });

  it('discards after execution when asked at creation', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter', '?discardAfterSuccessfulExec=true');
    const pending = h.json('POST', `/jobs/${id}`, {});
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    const body = (await (await pending).json()) as Json;
    expect(body.state).toBe('EXECUTION_FINISHED');
    expect(body['@controls']).toBeUndefined();
    expect((await h.call('GET', `/jobs/${id}`)).status).toBe(404);
  });
});

describe('job creation modes', () => {
  it('waits for loading by default', async () => {
    const h = await harness({ engine: { defaults: { loadMs: 50, durationMs: 200 } } });
    const pending = h.call('POST', '/repository/Examples/Greeter:jobs');
    await until(() => h.sim.stats.jobsCreated === 1);
    h.clock.advance(50);
    expect(((await (await pending).json()) as Json).state).toBe('IDLE');
  });

  it('answers at once in background mode', async () => {
    const h = await harness({
      createJob: 'background',
      engine: { defaults: { loadMs: 50, durationMs: 200 } },
    });
    const body = (await (await h.call('POST', '/repository/Examples/Greeter:jobs')).json()) as Json;
    expect(body.state).toBe('LOADING');
    const started = (await (await h.json('POST', `/jobs/${body.id}?async=true`, {})).json()) as Json;
    expect(started.state).toBe('LOADING');
    h.clock.advance(50);
    expect(h.sim.engine.getJob(body.id)?.state).toBe('EXECUTING');
  });

  it('reports CONFIGURED when configured', async () => {
    const h = await harness({
      engine: { defaults: { loadMs: 0, durationMs: 200 }, readyState: 'CONFIGURED' },
    });
    const body = (await (await h.call('POST', '/repository/Examples/Greeter:jobs')).json()) as Json;
    expect(body.state).toBe('CONFIGURED');
  });

  it.each([
    ['epoch-ms', Date.UTC(2026, 0, 1)],
    ['epoch-seconds', Date.UTC(2026, 0, 1) / 1000],
  ] as const)('writes timestamps as %s', async (format, expected) => {
    const h = await harness({ timestampFormat: format });
    const body = (await (await h.call('POST', '/repository/Examples/Greeter:jobs')).json()) as Json;
    expect(body.createdAt).toBe(expected);
  });

  it('adds executor fields and drops inputParameters when configured', async () => {
    const h = await harness({ jobExecutorFields: true, jobInputParameters: false });
    const body = (await (await h.call('POST', '/repository/Examples/Greeter:jobs')).json()) as Json;
    expect(body.executorName).toBe('simulated-executor');
    expect(body.inputParameters).toBeUndefined();
  });

  it('gives seeded runs the same job ids', async () => {
    const ids = async () => {
      const h = await harness({ seed: 7 });
      return [await createJob(h, '/Examples/Greeter'), await createJob(h, '/Examples/Greeter')];
    };
    const first = await ids();
    expect(await ids()).toEqual(first);
    expect(first[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('fails the start on an invalid sidecar', async () => {
    await expect(harness({}, { '/w': { simulation: { outcome: 'failure', retries: 3 } } })).rejects.toThrow(
      SidecarError,
    );
  });
});

describe('one-shot execution', () => {
  it('runs :execution and discards its job', async () => {
    const h = await harness();
    const pending = h.json('POST', '/repository/Examples/Greeter:execution?reset=true&timeout=-1', {
      name: { string: 'Lin' },
    });
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    const response = await pending;
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(body.state).toBe('EXECUTION_FINISHED');
    expect(body.outputValues).toEqual({ greeting: 'Hello, Lin!' });
    expect(body['@controls']).toBeUndefined();
    expect(h.sim.engine.listJobs()).toEqual([]);
    expect(h.sim.stats).toMatchObject({ jobsCreated: 1, executionsStarted: 1, discards: 1 });
  });

  it('keeps the job and answers outputs only when configured', async () => {
    const h = await harness({ executionJob: 'keep', executionResponse: 'outputs' });
    const pending = h.json('POST', '/repository/Examples/Greeter:execution', {});
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    expect(await (await pending).json()).toEqual({ outputValues: { greeting: 'Hello, World!' } });
    expect(h.sim.engine.listJobs()).toHaveLength(1);
  });

  it('takes GET :execution inputs from the query', async () => {
    const h = await harness();
    const pending = h.call(
      'GET',
      `/repository/Examples/Greeter:execution?name=${encodeURIComponent('{"string":"Q"}')}`,
    );
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    expect(((await (await pending).json()) as Json).outputValues).toEqual({ greeting: 'Hello, Q!' });
  });

  it('discards the job when :execution inputs are invalid', async () => {
    const h = await harness();
    const response = await h.json('POST', '/repository/Examples/Greeter:execution', { nope: 1 });
    expect(response.status).toBe(400);
    expect(h.sim.engine.listJobs()).toEqual([]);
  });

  it('keeps the job of a timed-out :execution', async () => {
    const h = await harness();
    const response = await h.json('POST', '/repository/Examples/Long:execution?timeout=0', {});
    expect(response.status).toBe(504);
    expect(h.sim.engine.listJobs().map((job) => job.state)).toEqual(['EXECUTING']);
  });

  it('reuses the loaded job of :job-pool', async () => {
    const h = await harness();
    for (const name of ['A', 'B']) {
      const pending = h.json('POST', '/repository/Examples/Greeter:job-pool', { name: { string: name } });
      await until(() => h.sim.stats.currentlyExecuting === 1);
      h.clock.advance(200);
      expect(((await (await pending).json()) as Json).outputValues).toEqual({ greeting: `Hello, ${name}!` });
    }
    expect(h.sim.stats.jobsCreated).toBe(1);
    expect(h.sim.stats.executionsStarted).toBe(2);
  });

  it('uses a temporary job when the pool is busy', async () => {
    const h = await harness();
    const first = h.json('POST', '/repository/Examples/Greeter:job-pool', {});
    const second = h.json('POST', '/repository/Examples/Greeter:job-pool', {});
    await until(() => h.sim.stats.currentlyExecuting === 2);
    h.clock.advance(200);
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(h.sim.stats.jobsCreated).toBe(2);
    expect(h.sim.engine.listJobs()).toHaveLength(1);
  });
});

describe('files and output resources', () => {
  async function runWithUpload(h: Awaited<ReturnType<typeof harness>>, upload: Uint8Array): Promise<string> {
    const id = await createJob(h, '/Examples/Files');
    const form = new FormData();
    form.append('file-upload', new Blob([upload], { type: 'application/x-custom' }), 'data.bin');
    const pending = h.call('POST', `/jobs/${id}`, { body: form });
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    expect(((await (await pending).json()) as Json).state).toBe('EXECUTION_FINISHED');
    return id;
  }

  it('echoes a multipart upload as an output resource', async () => {
    const h = await harness();
    const upload = new Uint8Array([0, 1, 2, 250, 255]);
    const id = await runWithUpload(h, upload);
    const response = await h.call('GET', `/jobs/${id}/output-resources/copy`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-custom');
    expect(response.headers.get('content-length')).toBe('5');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(upload);
  });

  it('streams generated bytes with Content-Length', async () => {
    const h = await harness();
    const id = await runWithUpload(h, new Uint8Array([1]));
    const response = await h.call('GET', `/jobs/${id}/output-resources/blob-3`, {
      headers: { accept: 'application/octet-stream' },
    });
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe('300000');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(300_000);
    expect(bytes.equals(await generatedBytes('blob', 300_000))).toBe(true);
  });

  it('rejects unknown or unavailable resources', async () => {
    const h = await harness();
    const idle = await createJob(h, '/Examples/Files');
    expect((await h.call('GET', `/jobs/${idle}/output-resources/copy`)).status).toBe(404);
    const id = await runWithUpload(h, new Uint8Array([1]));
    const missing = await h.call('GET', `/jobs/${id}/output-resources/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json)['@error']['@message']).toContain(
      'valid names are: ["copy", "blob"]',
    );
  });

  it('takes JSON parameters as multipart fields', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const form = new FormData();
    form.append('name', JSON.stringify({ string: 'Part' }));
    const pending = h.call('POST', `/jobs/${id}`, { body: form });
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    expect(((await (await pending).json()) as Json).outputValues).toEqual({ greeting: 'Hello, Part!' });
  });
});

describe('percent-encoded paths', () => {
  const encode = (path: string) => path.split('/').map(encodeURIComponent).join('/');

  it.each([
    '/Team A/Q1 Sales & Costs #2',
    '/Team A/50% + more: ä/wf',
    '/Examples/trailing ',
    '/Examples/a:b',
  ])('round-trips %j', async (path) => {
    const h = await harness({}, { ...WORKFLOWS, '/Examples/trailing ': {}, '/Examples/a:b': {} });
    const item = await h.call('GET', `/repository${encode(path)}`);
    expect(item.status).toBe(200);
    const body = (await item.json()) as Json;
    expect(body.path).toBe(path);
    expect(body['@controls'].self.href).toBe(
      `http://knime-server.test/knime/rest/v4/repository${encode(path)}`,
    );

    const created = await h.call('POST', `/repository${encode(path)}:jobs`);
    expect(created.status).toBe(201);
    expect(((await created.json()) as Json).workflow).toBe(path);

    const listed = (await (await h.call('GET', `/repository${encode(path)}:jobs`)).json()) as Json;
    expect(listed.jobs).toHaveLength(1);
  });

  it('decodes each segment only once', async () => {
    const h = await harness({}, { '/x/%41': {}, '/x/A': {} });
    const body = (await (await h.call('GET', '/repository/x/%2541')).json()) as Json;
    expect(body.path).toBe('/x/%41');
  });

  it('rejects a malformed escape with 400', async () => {
    const h = await harness();
    expect((await h.call('GET', '/repository/Examples/%E0%A4%A')).status).toBe(400);
  });

  it('lists names with special characters in the tree', async () => {
    const workspace = buildWorkspace(WORKFLOWS);
    const h = await harness({ workspace });
    const body = (await (await h.call('GET', '/repository/Team%20A')).json()) as Json;
    expect(body.children.map((c: Json) => c.name)).toContain('Q1 Sales & Costs #2');
  });
});
