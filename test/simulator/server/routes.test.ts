import { describe, expect, it } from 'vitest';
import { JOB_STATES } from '../../../src/simulator/index.js';
import { ALICE, createJob, harness, type Json } from './harness.js';

describe('repository routes', () => {
  it('lists the root folder one level deep', async () => {
    const h = await harness();
    const response = await h.call('GET', '/repository/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.mason+json;charset=UTF-8');
    const body = (await response.json()) as Json;
    expect(body.path).toBe('/');
    expect(body.type).toBe('WorkflowGroup');
    expect(body['@namespaces']).toEqual({ knime: { name: 'http://www.knime.com/server/rels#' } });
    expect(body.children.map((c: Json) => c.path)).toEqual(['/Examples', '/Secret', '/Team A', '/Users']);
    expect(body.children[0].children).toBeUndefined();
    expect(body.children[0]['@controls'].self.href).toBe(
      'http://knime-server.test/knime/rest/v4/repository/Examples',
    );
  });

  it('lists the whole tree with deep=true', async () => {
    const h = await harness();
    const body = (await (await h.call('GET', '/repository/?deep=true')).json()) as Json;
    const examples = body.children.find((c: Json) => c.path === '/Examples');
    expect(examples.children.map((c: Json) => [c.path, c.type])).toContainEqual([
      '/Examples/Greeter',
      'Workflow',
    ]);
    const team = body.children.find((c: Json) => c.path === '/Team A');
    expect(team.children.map((c: Json) => c.type)).toContain('Data');
    expect(body.children.find((c: Json) => c.path === '/Users').children).toEqual([]);
  });

  it('returns a workflow item with controls', async () => {
    const h = await harness();
    const body = (await (await h.call('GET', '/repository/Examples/Greeter')).json()) as Json;
    expect(body).toMatchObject({
      path: '/Examples/Greeter',
      type: 'Workflow',
      name: 'Greeter',
      owner: 'knimeadmin',
    });
    expect(Object.keys(body['@controls'])).toEqual(['self', 'knime:download', 'knime:openapi', 'knime:jobs']);
    expect(body['@controls']['knime:jobs'].href).toBe(
      'http://knime-server.test/knime/rest/v4/repository/Examples/Greeter:jobs',
    );
  });

  it('omits controls when configured', async () => {
    const h = await harness({ controls: false });
    const body = (await (await h.call('GET', '/repository/Examples/Greeter')).json()) as Json;
    expect(body['@controls']).toBeUndefined();
    const job = (await (await h.call('POST', '/repository/Examples/Greeter:jobs')).json()) as Json;
    expect(job['@controls']).toBeUndefined();
  });

  it('answers application/json when asked', async () => {
    const h = await harness();
    const response = await h.call('GET', '/repository/', { headers: { accept: 'application/json' } });
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  });

  it('returns 404 for a missing item', async () => {
    const h = await harness();
    const response = await h.call('GET', '/repository/Examples/Nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      '@error': { '@message': 'Repository item /Examples/Nope does not exist', '@httpStatusCode': 404 },
    });
    expect((await h.call('POST', '/repository/Examples/Nope:jobs')).status).toBe(404);
    expect((await h.call('GET', '/repository/Examples/Nope:openapi')).status).toBe(404);
    expect((await h.call('POST', '/repository/Examples/Nope:execution')).status).toBe(404);
  });

  it('rejects job creation on a folder', async () => {
    const h = await harness();
    const response = await h.call('POST', '/repository/Examples:jobs');
    expect(response.status).toBe(404);
    expect(((await response.json()) as Json)['@error']['@message']).toBe(
      '/Examples is a WorkflowGroup, not a workflow',
    );
  });

  it('returns 405 for an unsupported method', async () => {
    const h = await harness();
    const response = await h.call('DELETE', '/repository/Examples/Greeter:jobs');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('returns 501 for operations not simulated', async () => {
    const h = await harness();
    expect((await h.call('GET', '/repository/Examples/Greeter:schedules')).status).toBe(501);
    expect((await h.call('PUT', '/repository/Examples/Greeter:data')).status).toBe(501);
  });

  it('serves the workflow openapi document', async () => {
    const h = await harness();
    const response = await h.call('GET', '/repository/Examples/Greeter:openapi');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(body.components.schemas).toHaveProperty('InputParameters');
    expect(body.openapi).toMatch(/^3\./);
  });

  it('returns 404 for a workflow without image', async () => {
    const h = await harness();
    expect((await h.call('GET', '/repository/Examples/Greeter:image')).status).toBe(404);
  });
});

describe('admin logs', () => {
  it('forbids users who are not administrators', async () => {
    const h = await harness();
    const response = await h.call('GET', '/admin/logs');
    expect(response.status).toBe(403);
    expect(((await response.json()) as Json)['@error']['@message']).toContain('administrator rights');
  });

  it('returns a ZIP to administrators', async () => {
    const h = await harness({ admins: ['alice'] });
    await createJob(h, '/Examples/Greeter');
    const response = await h.call('GET', '/admin/logs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(bytes.includes(Buffer.from('server/knime.log'))).toBe(true);
  });
});

describe('context roots', () => {
  it('sends an HTML 404 outside the context root', async () => {
    const h = await harness();
    for (const path of ['/webportal/rest/v4/repository/', '/', '/knime', '/knime/other']) {
      const response = await h.sim.fetch(`http://knime-server.test${path}`, {
        headers: { authorization: ALICE },
      });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toBe('text/html;charset=utf-8');
      expect(await response.text(), path).toContain('<h1>HTTP Status 404');
    }
  });

  it('sends a Mason 404 for unknown REST paths', async () => {
    const h = await harness();
    const response = await h.call('GET', '/nothing/here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('mason');
  });

  it('serves a configured context root and extra roots', async () => {
    const h = await harness({
      contextRoot: 'com.knime.enterprise.server/',
      extraContextRoots: ['/knime/webportal'],
    });
    expect(h.sim.baseUrl).toBe('http://knime-server.test/com.knime.enterprise.server');
    const created = await h.call('POST', '/repository/Examples/Greeter:jobs');
    expect(created.headers.get('location')).toMatch(
      /^http:\/\/knime-server\.test\/com\.knime\.enterprise\.server\/rest\/v4\/jobs\/[0-9a-f-]{36}$/,
    );

    const extra = await h.sim.fetch(
      'http://knime-server.test/knime/webportal/rest/v4/repository/Examples/Greeter',
      {
        headers: { authorization: ALICE },
      },
    );
    expect(extra.status).toBe(200);
    const body = (await extra.json()) as Json;
    expect(body['@controls'].self.href).toBe(
      'http://knime-server.test/knime/webportal/rest/v4/repository/Examples/Greeter',
    );
    expect((await h.sim.fetch('http://knime-server.test/knime/rest/v4/repository/')).status).toBe(404);
  });

  it('serves a billboard at the REST root', async () => {
    const h = await harness();
    const body = (await (await h.call('GET', '')).json()) as Json;
    expect(body['@controls']['knime:repository'].href).toBe(
      'http://knime-server.test/knime/rest/v4/repository/',
    );
  });
});

describe('job routes', () => {
  it('creates a job with 201, Location and execute control', async () => {
    const h = await harness();
    const response = await h.call('POST', '/repository/Examples/Greeter:jobs', {
      body: 'null',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Json;
    expect(response.headers.get('location')).toBe(`http://knime-server.test/knime/rest/v4/jobs/${body.id}`);
    expect(body).toMatchObject({
      workflow: '/Examples/Greeter',
      owner: 'alice',
      state: 'IDLE',
      createdVia: 'rest api',
      isOutdated: false,
      isSwapped: false,
      hasReport: false,
      discardAfterSuccessfulExec: false,
      discardAfterFailedExec: false,
      nodeMessages: [],
      notifications: {},
      properties: {},
      inputParameters: { name: { string: 'World' }, customers: { 'table-data': [] } },
      outputValues: { greeting: 'template' },
    });
    expect(body.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(body.name).toBe('Greeter 2026-01-01 00.00.00');
    expect(body['@controls']['knime:execute-job']).toEqual({
      href: `http://knime-server.test/knime/rest/v4/jobs/${body.id}{?async}`,
      isHrefTemplate: true,
      method: 'POST',
    });
    expect(body['@namespaces'].knime.name).toBe('http://www.knime.com/server/rels#');
    expect(body.executorName).toBeUndefined();
  });

  it('lists jobs per workflow and overall', async () => {
    const h = await harness();
    const a = await createJob(h, '/Examples/Greeter');
    const b = await createJob(h, '/Examples/NoOutputs');
    await h.call('POST', '/repository/Examples/Greeter:jobs', { auth: null }).catch(() => undefined);

    const perWorkflow = (await (await h.call('GET', '/repository/Examples/Greeter:jobs')).json()) as Json;
    expect(perWorkflow.jobs.map((j: Json) => j.id)).toEqual([a]);
    const all = (await (await h.call('GET', '/jobs')).json()) as Json;
    expect(all.jobs.map((j: Json) => j.id)).toEqual([a, b]);
    expect(((await (await h.call('GET', '/jobs/')).json()) as Json).jobs).toHaveLength(2);
  });

  it('keeps jobs private to their owner by default', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const bob = { auth: `Basic ${Buffer.from('bob:bob-pw').toString('base64')}` };
    expect(((await (await h.call('GET', '/jobs', bob)).json()) as Json).jobs).toEqual([]);
    expect((await h.call('GET', `/jobs/${id}`, bob)).status).toBe(403);

    const shared = await harness({ jobVisibility: 'all' });
    const other = await createJob(shared, '/Examples/Greeter');
    expect((await shared.call('GET', `/jobs/${other}`, bob)).status).toBe(200);
  });

  it('discards a job with 204 and 404 afterwards', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const response = await h.call('DELETE', `/jobs/${id}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect((await h.call('DELETE', `/jobs/${id}`)).status).toBe(404);
    expect((await h.call('GET', `/jobs/${id}`)).status).toBe(404);
    expect(h.sim.stats.discards).toBe(1);
  });

  it('cancels through DELETE execution', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Long');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    expect((await h.call('DELETE', `/jobs/${id}/execution`)).status).toBe(204);
    const job = (await (await h.call('GET', `/jobs/${id}`)).json()) as Json;
    expect(job.state).toBe('EXECUTION_CANCELLED');
    expect(h.sim.stats.cancels).toBe(1);
  });

  it('hides the cancel endpoint when disabled', async () => {
    const h = await harness({ cancelEndpoint: false });
    const id = await createJob(h, '/Examples/Long');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    expect((await h.call('DELETE', `/jobs/${id}/execution`)).status).toBe(404);
    expect(h.sim.stats.cancels).toBe(0);
  });

  it('returns the workflow summary', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const response = await h.call(
      'GET',
      `/jobs/${id}/workflow-summary?format=JSON&includeExecutionInfo=true`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(body.job).toEqual({ id, state: 'IDLE' });
    expect(body.workflow.nodes.map((n: Json) => n.parameterName)).toEqual(['name', 'customers', 'greeting']);
    expect(body.workflow.nodes[0].state).toBe('CONFIGURED');
    expect((await h.call('GET', `/jobs/${id}/workflow-summary?format=XML`)).status).toBe(400);
  });

  it('swaps a job and reloads it on execution', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const swapped = (await (await h.call('PUT', `/jobs/${id}/swap`)).json()) as Json;
    expect(swapped.isSwapped).toBe(true);
    expect(((await (await h.call('GET', `/jobs/${id}`)).json()) as Json).isSwapped).toBe(true);
    const started = (await (await h.json('POST', `/jobs/${id}?async=true`, {})).json()) as Json;
    expect(started.isSwapped).toBe(false);
  });

  it('requires PUT load for swapped jobs when configured', async () => {
    const h = await harness({ engine: { defaults: { loadMs: 0, durationMs: 200 }, swappedJobs: 'reject' } });
    const id = await createJob(h, '/Examples/Greeter');
    await h.call('PUT', `/jobs/${id}/swap`);
    expect((await h.json('POST', `/jobs/${id}?async=true`, {})).status).toBe(409);
    expect((await h.call('PUT', `/jobs/${id}/load`)).status).toBe(200);
    expect((await h.json('POST', `/jobs/${id}?async=true`, {})).status).toBe(200);
  });

  it('reports every forced state', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    for (const state of JOB_STATES) {
      h.sim.engine.forceState(id, state);
      expect(((await (await h.call('GET', `/jobs/${id}`)).json()) as Json).state).toBe(state);
    }
    expect(JOB_STATES).not.toContain('STOPPING_EXECUTION');
    expect(JOB_STATES).not.toContain('MISSING_JOB');
  });

  it('produces VANISHED and DISCARDED through the engine hooks', async () => {
    const h = await harness();
    const a = await createJob(h, '/Examples/Long');
    const b = await createJob(h, '/Examples/Long');
    await h.json('POST', `/jobs/${a}?async=true`, {});
    h.sim.engine.vanish(a);
    h.sim.engine.markDiscarded(b);
    expect(((await (await h.call('GET', `/jobs/${a}`)).json()) as Json).state).toBe('VANISHED');
    expect(((await (await h.call('GET', `/jobs/${b}`)).json()) as Json).state).toBe('DISCARDED');
    expect(h.sim.stats.currentlyExecuting).toBe(0);
  });
});
