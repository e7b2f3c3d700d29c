import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createJob, harness, hubPath, settle, workflowUri } from './harness.js';

interface JobBody {
  id: string;
  state: string;
  jobState: string;
  workflowState: string;
  itemVersion?: string;
  createdAt: string;
  createdBy?: string;
  nodeMessages: { node: string; messageType: string; message: string }[];
  outputValues?: Record<string, unknown>;
  outputResources?: Record<string, string>;
  inputParameters?: Record<string, unknown>;
  '@controls'?: Record<string, unknown>;
}

const greeter = workflowUri('/Services/Greeter');

async function job(h: Awaited<ReturnType<typeof harness>>, id: string): Promise<JobBody> {
  const response = await h.call('GET', `/jobs/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as JobBody;
}

describe('hub simulator jobs', () => {
  it('reports loading then loaded states', async () => {
    const h = await harness({ engine: { defaults: { loadMs: 100, durationMs: 200 } } });
    const created = await h.call('POST', `/jobs?workflowUri=${greeter}&asyncLoading=true`);
    expect(created.status).toBe(201);
    const body = (await created.json()) as JobBody;
    expect([body.jobState, body.workflowState, body.state]).toEqual(['LOADING', 'UNDEFINED', 'LOADING']);

    h.clock.advance(100);
    const loaded = await job(h, body.id);
    expect([loaded.jobState, loaded.workflowState, loaded.state]).toEqual(['LOADED', 'IDLE', 'IDLE']);
  });

  it('uses CONFIGURED as ready state when configured', async () => {
    const h = await harness({ readyState: 'CONFIGURED' });
    const body = await job(h, await createJob(h, '/Services/Greeter'));
    expect([body.jobState, body.workflowState, body.state]).toEqual(['LOADED', 'CONFIGURED', 'CONFIGURED']);
  });

  it('executes synchronously with outputs', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    const response = await settle(h, h.json('POST', `/jobs/${id}`, { 'json-input': { name: 'Ann' } }), 100);
    expect(response.status).toBe(200);
    const body = (await response.json()) as JobBody;
    expect([body.jobState, body.workflowState, body.state]).toEqual([
      'LOADED',
      'EXECUTION_FINISHED',
      'EXECUTION_FINISHED',
    ]);
    expect(body.outputValues).toEqual({ 'json-output': 'Hello, Ann!' });
    expect(body.inputParameters).toEqual({ 'json-input': { name: 'Ann' } });
  });

  it('answers 200 with a failed job', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Failing');
    const response = await settle(h, h.json('POST', `/jobs/${id}`, {}), 100);
    expect(response.status).toBe(200);
    const body = (await response.json()) as JobBody;
    expect(body.workflowState).toBe('EXECUTION_FAILED');
    expect(body.state).toBe('EXECUTION_FAILED');
    expect(body.nodeMessages).toEqual([
      { node: 'Python Script 12:3', messageType: 'ERROR', message: 'Execute failed: division by zero' },
    ]);
  });

  it('returns the started job for async execution', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Long');
    const response = await h.json('POST', `/jobs/${id}?async=true`, {});
    expect(response.status).toBe(200);
    expect(((await response.json()) as JobBody).workflowState).toBe('EXECUTING');
  });

  it('before-start async response option', async () => {
    const h = await harness({ asyncExecuteResponse: 'before-start' });
    const id = await createJob(h, '/Services/Long');
    const response = await h.json('POST', `/jobs/${id}?async=true`, {});
    expect(((await response.json()) as JobBody).workflowState).toBe('IDLE');
    expect((await job(h, id)).workflowState).toBe('EXECUTING');
  });

  it('cancels a synchronous execution at its timeout', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Long');
    const response = await settle(h, h.json('POST', `/jobs/${id}?timeout=5000`, {}), 1000);
    expect(response.status).toBe(504);
    const problem = (await response.json()) as { title: string; details: string[]; status: number };
    expect(problem.title).toBe('The job did not finish in time.');
    expect(problem.details[0]).toContain('timeout=5000 ms and was cancelled');
    expect(problem.status).toBe(504);
    expect(h.sim.stats.cancels).toBe(1);
    const after = await job(h, id);
    expect([after.jobState, after.workflowState, after.state]).toEqual([
      'LOADED',
      'EXECUTION_CANCELLED',
      'EXECUTION_CANCELLED',
    ]);
  });

  it('uses the context default for timeout=-1', async () => {
    const h = await harness({ executionContexts: [{ name: 'Short', defaultExecutionTimeoutMs: 3000 }] });
    const id = await createJob(h, '/Services/Long');
    const started = h.clock.now();
    const response = await settle(h, h.json('POST', `/jobs/${id}?timeout=-1`, {}), 1000);
    expect(response.status).toBe(504);
    expect(h.clock.now() - started).toBeLessThan(5000);
  });

  it('rejects a malformed timeout with 422', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    const response = await h.json('POST', `/jobs/${id}?timeout=5s`, {});
    expect(response.status).toBe(422);
    expect(((await response.json()) as { details: string[] }).details[0]).toContain("'timeout=5s'");
  });

  it('cancels an executing job', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Long');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    expect((await h.call('DELETE', `/jobs/${id}/execution`)).status).toBe(204);
    expect((await job(h, id)).workflowState).toBe('EXECUTION_CANCELLED');
  });

  it('leaves an idle job unchanged on cancel', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    expect((await h.call('DELETE', `/jobs/${id}/execution`)).status).toBe(204);
    expect((await job(h, id)).workflowState).toBe('IDLE');
    expect(h.sim.stats.cancels).toBe(0);
  });

  it('returns 404 after discard', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    expect((await h.call('DELETE', `/jobs/${id}`)).status).toBe(204);
    const response = await h.call('GET', `/jobs/${id}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ title: `Job '${id}' does not exist.`, status: 404, details: [] });
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Long');
    const first = await h.call('GET', `/jobs/${id}`);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);

    const same = await h.call('GET', `/jobs/${id}`, { headers: { 'if-none-match': etag } });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe(etag);
    expect(await same.text()).toBe('');

    await h.json('POST', `/jobs/${id}?async=true`, {});
    const changed = await h.call('GET', `/jobs/${id}`, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('pages job lists by page number', async () => {
    const h = await harness();
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await createJob(h, '/Services/Greeter'));
      h.clock.advance(10);
    }
    const response = await h.call('GET', '/jobs?page=1&pagelen=2');
    const body = (await response.json()) as {
      jobs: JobBody[];
      pagination: { totalItemCount: number; totalPageCount: number };
      '@controls': Record<string, { href: string }>;
    };
    expect(body.jobs.map((j) => j.id)).toEqual(ids.slice(0, 2));
    expect(body.pagination).toEqual({ totalItemCount: 5, totalPageCount: 3 });
    expect(body['@controls']['knime:next-page']?.href).toBe('http://api.hub.test/jobs?pagelen=2&page=2');
    expect(body.jobs[0]).not.toHaveProperty('outputValues');

    const last = (await (await h.call('GET', '/jobs?page=3&pagelen=2')).json()) as typeof body;
    expect(last.jobs.map((j) => j.id)).toEqual(ids.slice(4));
    expect(last['@controls']['knime:next-page']).toBeUndefined();

    const descending = (await (await h.call('GET', '/jobs?sort=-createdAt')).json()) as typeof body;
    expect(descending.jobs.map((j) => j.id)).toEqual([...ids].reverse());
    expect(descending).not.toHaveProperty('pagination');
  });

  it('pages job lists by cursor', async () => {
    const h = await harness();
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await createJob(h, '/Services/Greeter'));
      h.clock.advance(10);
    }
    const seen: string[] = [];
    let url = '/jobs?pagelen=2';
    for (let page = 0; page < 5; page++) {
      const body = (await (await h.call('GET', url)).json()) as {
        jobs: JobBody[];
        pagination: { nextPageCursor?: string; totalItemCount: number };
      };
      expect(body.pagination.totalItemCount).toBe(5);
      seen.push(...body.jobs.map((j) => j.id));
      if (!body.pagination.nextPageCursor) break;
      url = `/jobs?cursor=${encodeURIComponent(body.pagination.nextPageCursor)}`;
    }
    expect(seen).toEqual(ids);

    const bad = await h.call('GET', '/jobs?cursor=made-up');
    expect(bad.status).toBe(422);
  });

  it('filters job lists with q', async () => {
    const h = await harness();
    const idle = await createJob(h, '/Services/Greeter');
    const running = await createJob(h, '/Services/Long');
    await h.json('POST', `/jobs/${running}?async=true`, {});

    const executing = (await (await h.call('GET', '/jobs?q=workflowState=EXECUTING')).json()) as {
      jobs: JobBody[];
    };
    expect(executing.jobs.map((j) => j.id)).toEqual([running]);
    const byPath = await h.call(
      'GET',
      `/jobs?q=${encodeURIComponent(`workflowPath=${hubPath('/Services/Greeter')}`)}`,
    );
    expect(((await byPath.json()) as { jobs: JobBody[] }).jobs.map((j) => j.id)).toEqual([idle]);

    const misspelled = await h.call('GET', '/jobs?q=workflowState=EXECUTUON_FAILED_WITH_CONTENT');
    expect(misspelled.status).toBe(422);
    const unknown = await h.call('GET', '/jobs?q=color=red');
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { title: string }).title).toBe('Invalid filter.');
  });

  it('serves output resources directly', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Files');
    const run = (await (await settle(h, h.json('POST', `/jobs/${id}`, {}), 100)).json()) as JobBody;
    expect(run.outputResources).toEqual({ report: `http://api.hub.test/jobs/${id}/output-resources/report` });

    const response = await h.call('GET', `/jobs/${id}/output-resources/report`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(await response.text()).toBe('region,total\nEMEA,10\n');
  });

  it('redirects output resources to storage', async () => {
    const h = await harness({ outputResourceDelivery: 'redirect', storageUrlLifetimeMs: 5000 });
    const id = await createJob(h, '/Services/Files');
    await settle(h, h.json('POST', `/jobs/${id}`, {}), 100);

    const response = await h.call('GET', `/jobs/${id}/output-resources/report`);
    expect(response.status).toBe(307);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^http:\/\/api\.hub\.test\/_storage\/[A-Za-z0-9_-]+\/report$/);

    const download = await h.sim.fetch(location);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('region,total\nEMEA,10\n');

    h.clock.advance(5000);
    const expired = await h.sim.fetch(location);
    expect(expired.status).toBe(404);
  });

  it('422 for inline input over 10 MB', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    const response = await h.json('POST', `/jobs/${id}`, { 'json-input': 'x'.repeat(10 * 1024 * 1024) });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { details: string[] }).details[0]).toContain('limit of 10 MB');
  });

  it('rejects unknown inputs with 422', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    const response = await h.json('POST', `/jobs/${id}`, { nope: 1 });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { title: string; details: string[] };
    expect(body.title).toBe('Invalid input parameters.');
    expect(body.details[0]).toContain('Parameter name "nope"');
  });

  it('drops controls for Prefer representation=minimal', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    const full = await job(h, id);
    expect(full['@controls']).toBeDefined();
    const minimal = await h.call('GET', `/jobs/${id}`, { headers: { prefer: 'representation=minimal' } });
    expect((await minimal.json()) as JobBody).not.toHaveProperty('@controls');
  });

  it('keeps control names for Prefer representation=basic', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    const basic = await h.call('GET', `/jobs/${id}`, { headers: { prefer: 'representation=basic' } });
    expect(((await basic.json()) as JobBody)['@controls']).toEqual({ self: { method: 'GET' } });
  });

  it('returns only outputs for Prefer edge-compatible', async () => {
    const h = await harness();
    const response = await settle(
      h,
      h.call('POST', `/execution?workflowUri=${greeter}`, {
        body: JSON.stringify({ 'json-input': { name: 'Eve' } }),
        headers: { 'content-type': 'application/json', prefer: 'edge-compatible' },
      }),
      100,
    );
    expect(await response.json()).toEqual({ 'json-output': 'Hello, Eve!' });
  });

  it('resolves item versions', async () => {
    const h = await harness();
    const versioned = (await (
      await h.call('POST', `/jobs?workflowUri=${greeter}&itemVersion=2`)
    ).json()) as JobBody;
    expect(versioned.itemVersion).toBe('2');
    const newest = (await (
      await h.call('POST', `/jobs?workflowUri=${greeter}&itemVersion=most-recent`)
    ).json()) as JobBody;
    expect(newest.itemVersion).toBe('2');
    const current = (await (
      await h.call('POST', `/jobs?workflowUri=${greeter}&itemVersion=current-state`)
    ).json()) as JobBody;
    expect(current).not.toHaveProperty('itemVersion');

    expect((await h.call('POST', `/jobs?workflowUri=${greeter}&itemVersion=9`)).status).toBe(422);
    expect((await h.call('POST', `/jobs?workflowUri=${greeter}&itemVersion=abc`)).status).toBe(422);
    const noVersions = await h.call(
      'POST',
      `/jobs?workflowUri=${workflowUri('/Services/Long')}&itemVersion=most-recent`,
    );
    expect(noVersions.status).toBe(422);
  });

  it('addresses workflows by item id', async () => {
    const h = await harness();
    const item = h.sim.parts.spaces.ofWorkspacePath('/Services/Greeter');
    const response = await h.call('POST', `/jobs?workflowUri=${encodeURIComponent(item?.id ?? '')}`);
    expect(response.status).toBe(201);
    const body = (await response.json()) as JobBody & { workflow: string; workflowId: string };
    expect(body.workflow).toBe('/Users/Data Team/Services/Greeter');
    expect(body.workflowId).toBe(item?.id);
  });

  it('rejects a folder as workflowUri', async () => {
    const h = await harness();
    const response = await h.call('POST', `/jobs?workflowUri=${workflowUri('/Services/Sub folder')}`);
    expect(response.status).toBe(422);
  });

  it('writes Hub timestamps and created-by', async () => {
    const h = await harness();
    const response = await h.call('POST', `/jobs?workflowUri=${greeter}`, {
      headers: { 'knime-created-by': 'knimectl/0.1' },
    });
    const body = (await response.json()) as JobBody;
    expect(body.createdAt).toBe('2026-01-01T01:00:00.000000+01:00[Europe/Berlin]');
    expect(body.createdBy).toBe('knimectl/0.1');
  });

  it('rejects asyncLoading with resetBeforeExecution', async () => {
    const h = await harness();
    const response = await h.call(
      'POST',
      `/jobs?workflowUri=${greeter}&asyncLoading=true&resetBeforeExecution=true`,
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      title: 'Invalid query parameters.',
      status: 422,
      details: ["'asyncLoading=true' cannot be combined with 'resetBeforeExecution=true'."],
    });
  });

  it('writes errors in the configured styles', async () => {
    const withoutStatus = await harness({ errorStyle: 'problem-without-status' });
    const a = await withoutStatus.call('GET', '/jobs/00000000-0000-4000-8000-000000000000');
    expect(await a.json()).toEqual({
      title: "Job '00000000-0000-4000-8000-000000000000' does not exist.",
      details: [],
    });

    const text = await harness({ errorStyle: 'text' });
    const b = await text.call('GET', '/jobs/00000000-0000-4000-8000-000000000000');
    expect(b.headers.get('content-type')).toContain('text/plain');
    expect(await b.text()).toBe("Job '00000000-0000-4000-8000-000000000000' does not exist.");

    const mason = await harness({ errorStyle: 'mason' });
    const c = await mason.call('GET', '/jobs/00000000-0000-4000-8000-000000000000');
    expect(((await c.json()) as { '@error': { '@message': string } })['@error']['@message']).toContain(
      'does not exist',
    );
  });

  it('answers unknown paths with a problem document', async () => {
    const h = await harness();
    const response = await h.call('GET', '/no/such/thing');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { title: string }).title).toBe('No resource at GET /no/such/thing.');
  });

  it('one-shot execution discards its job', async () => {
    const h = await harness();
    const response = await settle(
      h,
      h.json('POST', `/execution?workflowUri=${greeter}`, { 'json-input': { name: 'Oz' } }),
      100,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as JobBody;
    expect(body.outputValues).toEqual({ 'json-output': 'Hello, Oz!' });
    expect((await h.call('GET', `/jobs/${body.id}`)).status).toBe(404);
    expect(h.sim.stats.discards).toBe(1);
  });

  it('discards a one-shot job after a 504', async () => {
    const h = await harness();
    const response = await settle(
      h,
      h.json('POST', `/execution?workflowUri=${workflowUri('/Services/Long')}&timeout=2000`, {}),
      500,
    );
    expect(response.status).toBe(504);
    expect(h.sim.stats.cancels).toBe(1);
    expect(h.sim.parts.jobs.all()).toEqual([]);
  });

  it('keeps one-shot job on 504 option', async () => {
    const h = await harness({ oneShotTimeout: 'keep' });
    const response = await settle(
      h,
      h.json('POST', `/execution?workflowUri=${workflowUri('/Services/Long')}&timeout=2000`, {}),
      500,
    );
    expect(response.status).toBe(504);
    const id = response.headers.get('knime-job-id') ?? '';
    expect((await job(h, id)).workflowState).toBe('EXECUTION_CANCELLED');
  });

  it('updates a job with PUT', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    await settle(h, h.json('POST', `/jobs/${id}`, {}), 100);

    const renamed = await h.json('PUT', `/jobs/${id}?reset=true`, {
      name: 'Nightly greeting',
      discardAfterSuccessfulExec: true,
      inputParameters: { 'json-input': { name: 'Put' } },
    });
    expect(renamed.status).toBe(200);
    const body = (await renamed.json()) as JobBody & { name: string; discardAfterSuccessfulExec: boolean };
    expect(body.name).toBe('Nightly greeting');
    expect(body.discardAfterSuccessfulExec).toBe(true);
    expect(body.workflowState).toBe('IDLE');
    expect(body.inputParameters).toEqual({ 'json-input': { name: 'Put' } });

    const run = await settle(h, h.json('POST', `/jobs/${id}`, {}), 100);
    expect(((await run.json()) as JobBody).outputValues).toEqual({ 'json-output': 'Hello, Put!' });
    expect((await h.call('GET', `/jobs/${id}`)).status).toBe(404);
  });

  it('rejects a changed read-only field in PUT', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    const response = await h.json('PUT', `/jobs/${id}`, {
      executionContext: '00000000-0000-4000-8000-000000000000',
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { details: string[] }).details).toEqual([
      "'executionContext' is read-only and differs from the job's current value.",
    ]);
  });

  it('gzips error bodies when configured', async () => {
    const h = await harness({ compressErrors: true });
    const response = await h.call('GET', '/jobs/00000000-0000-4000-8000-000000000000', {
      headers: { 'accept-encoding': 'gzip, deflate' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const text = gunzipSync(new Uint8Array(await response.arrayBuffer())).toString('utf8');
    expect(JSON.parse(text)).toMatchObject({ status: 404, details: [] });

    const plain = await h.call('GET', '/jobs/00000000-0000-4000-8000-000000000000');
    expect(plain.headers.get('content-encoding')).toBeNull();
  });

  it('swaps and loads a job', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    const swapped = (await (await h.call('PUT', `/jobs/${id}/swap`)).json()) as JobBody & {
      isSwapped: boolean;
    };
    expect(swapped.jobState).toBe('SWAPPED');
    expect(swapped.isSwapped).toBe(true);
    expect(swapped.state).toBe('IDLE');

    const loaded = (await (await h.call('PUT', `/jobs/${id}/load`)).json()) as JobBody & {
      isSwapped: boolean;
    };
    expect(loaded.jobState).toBe('LOADED');
    expect(loaded.isSwapped).toBe(false);
  });

  it('rejects swapping an executing job', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Long');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    const response = await h.call('PUT', `/jobs/${id}/swap`);
    expect(response.status).toBe(400);
  });

  it('takes file inputs as multipart parts', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Upload');
    const form = new FormData();
    form.append('input-file', new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'data.csv');
    const response = await settle(h, h.call('POST', `/jobs/${id}`, { body: form }), 100);
    expect(response.status).toBe(200);
    expect(((await response.json()) as JobBody).workflowState).toBe('EXECUTION_FINISHED');

    const copy = await h.call('GET', `/jobs/${id}/output-resources/copy`);
    expect(copy.status).toBe(200);
    expect(await copy.text()).toBe('a,b\n1,2\n');
  });

  it('decodes workflow paths with special characters', async () => {
    const h = await harness();
    const cases = [
      ['/Services/Q1 Sales & Costs #2', encodeURIComponent(hubPath('/Services/Q1 Sales & Costs #2'))],
      ['/Services/50% + more: ä ', encodeURIComponent(hubPath('/Services/50% + more: ä '))],
      ['/Services/Greeter', '/Users/Data+Team/Services/Greeter'],
    ] as const;
    for (const [workspacePath, query] of cases) {
      const response = await h.call('POST', `/jobs?workflowUri=${query}`);
      expect(response.status, workspacePath).toBe(201);
      expect(((await response.json()) as { workflow: string }).workflow).toBe(hubPath(workspacePath));
    }
  });

  it('200 for a not executable one-shot', async () => {
    const h = await harness();
    const response = await settle(
      h,
      h.json('POST', `/execution?workflowUri=${workflowUri('/Services/Broken')}`, {}),
      100,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as JobBody;
    expect([body.jobState, body.workflowState, body.state]).toEqual([
      'LOADED',
      'NOT_EXECUTABLE',
      'NOT_EXECUTABLE',
    ]);
    expect(body.nodeMessages[0]?.message).toBe('Node is missing');
    expect(h.sim.parts.jobs.all()).toEqual([]);
  });

  it('passes raw bodies through raw execution', async () => {
    const h = await harness();
    const response = await settle(
      h,
      h.call('POST', `/raw-execution?workflowUri=${workflowUri('/Services/Raw')}`, {
        body: '{"ping":1}',
        headers: { 'content-type': 'application/json' },
      }),
      100,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"ping":1}');
    const jobId = response.headers.get('knime-job-id') ?? '';
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await h.call('GET', `/jobs/${jobId}`)).status).toBe(404);
  });

  it('answers a failed raw execution with 500', async () => {
    const h = await harness();
    const response = await settle(
      h,
      h.call('POST', `/raw-execution?workflowUri=${workflowUri('/Services/Failing')}`, { body: 'x' }),
      100,
    );
    expect(response.status).toBe(500);
    expect(response.headers.get('knime-job-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as { title: string; details: string[] };
    expect(body.title).toBe('The job ended in state EXECUTION_FAILED.');
    expect(body.details).toEqual(['Python Script 12:3: Execute failed: division by zero']);
    expect(h.sim.parts.jobs.all()).toEqual([]);
  });

  it('writes a plain-text job log', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Failing');
    await settle(h, h.json('POST', `/jobs/${id}`, {}), 100);
    const response = await h.call('GET', `/jobs/${id}/log`);
    expect(response.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines[0]).toBe(
      `2026-01-01T00:00:00.000Z INFO Job ${id} created for /Users/Data Team/Services/Failing`,
    );
    expect(lines).toContain(
      '2026-01-01T00:00:00.200Z ERROR Python Script 12:3: Execute failed: division by zero',
    );
    expect(lines.at(-1)).toBe('2026-01-01T00:00:00.200Z INFO jobState=LOADED workflowState=EXECUTION_FAILED');
  });
});
