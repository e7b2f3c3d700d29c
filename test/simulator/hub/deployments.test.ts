import { describe, expect, it } from 'vitest';
import { type Harness, harness, settle, workflowUri } from './harness.js';

const greeter = workflowUri('/Services/Greeter');

interface DeploymentBody {
  id: string;
  type: string;
  name: string;
  scope: string;
  itemVersion: string;
  spaceVersion: string;
  workflowPath: string;
  workflowId: string;
  createdAt: string;
  '@controls': Record<string, { href: string; method: string }>;
}

interface JobBody {
  id: string;
  deploymentId?: string;
  creator: string;
  creatorName: string;
  initiator: string;
  initiatorName: string;
  jobState: string;
  workflowState: string;
  inputParameters: Record<string, unknown>;
  outputValues: Record<string, unknown>;
}

async function deploy(
  h: Harness,
  path: string,
  body: Record<string, unknown> = {},
  query = 'itemVersion=1',
): Promise<DeploymentBody> {
  const response = await h.json('POST', `${path}?workflowUri=${greeter}&${query}`, {
    name: 'Greeting service',
    ...body,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as DeploymentBody;
}

function teamId(h: Harness): string {
  return h.sim.parts.accounts.teamByName('Data Team')?.id ?? '';
}

describe('hub simulator deployments', () => {
  it('creates a REST deployment with recorded fields', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest');
    expect(deployment.id).toMatch(/^rest:[0-9a-f-]{36}$/);
    expect(deployment.type).toBe('rest');
    expect(deployment.scope).toBe(teamId(h));
    expect(deployment.itemVersion).toBe('1');
    expect(deployment.spaceVersion).toBe('1');
    expect(deployment.workflowPath).toBe('/Users/Data Team/Services/Greeter');
    expect(deployment.createdAt).toBe('2026-01-01T00:00:00.000Z[GMT]');
    expect(Object.keys(deployment['@controls'])).toEqual([
      'self',
      'knime:execution-context',
      'edit',
      'knime:delete',
      'knime:change-permissions',
      'knime:new-job',
      'knime:execution',
      'knime:workflow',
    ]);
    expect(deployment['@controls']['knime:workflow']?.href).toBe(
      `http://api.hub.test/knime/rest/v4/repository/${deployment.workflowId}`,
    );
  });

  it('accepts singular and plural creation paths', async () => {
    const h = await harness();
    const schedule = await deploy(h, '/deployments/schedule', {
      schedule: { startTime: '2026-02-01T00:00:00Z' },
    });
    expect(schedule.type).toBe('schedule');
    const app = await deploy(h, '/deployments/data-app');
    expect(app.type).toBe('data-app');
    expect(app['@controls']['knime:execution']).toBeUndefined();
    const trigger = await deploy(h, '/deployments/trigger', {
      filters: [{ spaces: [], itemTypes: ['Workflow'], actionTypes: ['VERSION_CREATED'] }],
    });
    expect(trigger.type).toBe('trigger');
  });

  it('rejects singular paths when configured plural only', async () => {
    const h = await harness({ deploymentCreationPaths: 'plural' });
    const response = await h.json('POST', `/deployments/data-app?workflowUri=${greeter}&itemVersion=1`, {
      name: 'x',
    });
    expect(response.status).toBe(404);
  });

  it('requires itemVersion and name', async () => {
    const h = await harness();
    const noVersion = await h.json('POST', `/deployments/rest?workflowUri=${greeter}`, { name: 'x' });
    expect(noVersion.status).toBe(422);
    const noName = await h.json('POST', `/deployments/rest?workflowUri=${greeter}&itemVersion=1`, {});
    expect(noName.status).toBe(422);
    expect(((await noName.json()) as { details: string[] }).details).toEqual(["'name' is required."]);
  });

  it('lists deployments by scope and type', async () => {
    const h = await harness();
    const rest = await deploy(h, '/deployments/rest');
    const app = await deploy(h, '/deployments/data-apps');
    const all = (await (await h.call('GET', `/deployments/${teamId(h)}`)).json()) as {
      deployments: DeploymentBody[];
      '@controls': Record<string, unknown>;
    };
    expect(all.deployments.map((d) => d.id)).toEqual([rest.id, app.id]);
    expect(all['@controls']['knime:new-rest-deployment']).toBeDefined();

    const restOnly = (await (await h.call('GET', `/deployments/${teamId(h)}/rest`)).json()) as {
      deployments: DeploymentBody[];
    };
    expect(restOnly.deployments.map((d) => d.id)).toEqual([rest.id]);
    const apps = (await (await h.call('GET', '/deployments/data-apps')).json()) as {
      deployments: DeploymentBody[];
    };
    expect(apps.deployments.map((d) => d.id)).toEqual([app.id]);

    const paged = (await (await h.call('GET', `/deployments/${teamId(h)}?page=2&pagelen=1`)).json()) as {
      deployments: DeploymentBody[];
      pagination: unknown;
    };
    expect(paged.deployments.map((d) => d.id)).toEqual([app.id]);
    expect(paged.pagination).toEqual({ totalItemCount: 2, totalPageCount: 2 });
  });

  it('updates and deletes a deployment', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest');
    const updated = await h.json('PUT', `/deployments/${deployment.id}`, {
      name: 'Renamed',
      itemVersion: '2',
    });
    expect(updated.status).toBe(200);
    const body = (await updated.json()) as DeploymentBody;
    expect(body.name).toBe('Renamed');
    expect(body.itemVersion).toBe('2');

    const invalid = await h.json('PUT', `/deployments/${deployment.id}`, { runMode: 'EVERYONE' });
    expect(invalid.status).toBe(422);

    expect((await h.call('DELETE', `/deployments/${deployment.id}`)).status).toBe(204);
    const deleted = await h.call('GET', `/deployments/${deployment.id}`);
    expect(deleted.status).toBe(404);
    expect(((await deleted.json()) as { title: string }).title).toBe(
      `Deployment '${deployment.id}' does not exist.`,
    );
  });

  it('creates jobs that load without executing', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest');
    const response = await h.call('POST', `/deployments/${deployment.id}/jobs`);
    expect(response.status).toBe(201);
    const job = (await response.json()) as JobBody;
    expect(job.deploymentId).toBe(deployment.id);
    expect([job.jobState, job.workflowState]).toEqual(['LOADED', 'IDLE']);
    expect(job.creator).toBe(teamId(h));
    expect(job.creatorName).toBe('Data Team');
    expect(job.initiator).toMatch(/^account:app-pw:/);
    expect(job.initiatorName).toBe('ci-runner');
    expect(h.sim.stats.executionsStarted).toBe(0);

    const list = (await (await h.call('GET', `/deployments/${deployment.id}/jobs`)).json()) as {
      jobs: JobBody[];
    };
    expect(list.jobs.map((j) => j.id)).toEqual([job.id]);
  });

  it('bare UUID deploymentId option', async () => {
    const h = await harness({ deploymentIdFormat: 'uuid' });
    const deployment = await deploy(h, '/deployments/rest');
    const job = (await (await h.call('POST', `/deployments/${deployment.id}/jobs`)).json()) as JobBody;
    expect(job.deploymentId).toBe(deployment.id.slice('rest:'.length));
  });

  it('applies pm: inputs at the first execution', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest');
    const input = encodeURIComponent('{"name":"Query"}');
    const created = (await (
      await h.call('POST', `/deployments/${deployment.id}/jobs?pm:json-input=${input}`)
    ).json()) as JobBody;
    expect(created.inputParameters).toEqual({ 'json-input': { name: 'Query' } });
    expect(h.sim.stats.executionsStarted).toBe(0);

    const run = await settle(h, h.json('POST', `/jobs/${created.id}`, {}), 100);
    expect(((await run.json()) as JobBody).outputValues).toEqual({ 'json-output': 'Hello, Query!' });
  });

  it('executes on creation for configured types', async () => {
    const h = await harness({ autoExecuteDeploymentTypes: ['data-app'] });
    const app = await deploy(h, '/deployments/data-apps');
    const job = (await (await h.call('POST', `/deployments/${app.id}/jobs`)).json()) as JobBody & {
      '@controls': Record<string, unknown>;
    };
    expect(job.workflowState).toBe('EXECUTING');
    expect(Object.keys(job['@controls'])).toEqual(['self', 'knime:new-session', 'knime:new-view-session']);
  });

  it('422 for jobs of unknown deployment', async () => {
    const h = await harness();
    const response = await h.call('POST', '/deployments/rest:00000000-0000-4000-8000-000000000000/jobs');
    expect(response.status).toBe(422);
  });

  it('synchronous deployment execution discards job', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest');
    const response = await settle(
      h,
      h.json('POST', `/deployments/${deployment.id}/execution`, { 'json-input': { name: 'Sync' } }),
      100,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as JobBody;
    expect(body.outputValues).toEqual({ 'json-output': 'Hello, Sync!' });
    expect(body.deploymentId).toBe(deployment.id);
    const jobs = (await (await h.call('GET', `/deployments/${deployment.id}/jobs`)).json()) as {
      jobs: JobBody[];
    };
    expect(jobs.jobs).toEqual([]);
  });

  it('keeps the job with keepJob=true', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest');
    const response = await settle(
      h,
      h.json('POST', `/deployments/${deployment.id}/execution?keepJob=true`, {}),
      100,
    );
    const body = (await response.json()) as JobBody;
    expect((await h.call('GET', `/jobs/${body.id}`)).status).toBe(200);
  });

  it('executes with GET and pm: inputs', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest');
    const input = encodeURIComponent('{"name":"Get"}');
    const response = await settle(
      h,
      h.call('GET', `/deployments/${deployment.id}/execution?pm:json-input=${input}`),
      100,
    );
    expect(((await response.json()) as JobBody).outputValues).toEqual({ 'json-output': 'Hello, Get!' });
  });

  it('discards jobs after success with DiscardAfterExecution', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest', {
      actions: [{ type: 'DiscardAfterExecution', onSuccess: true, onFailure: false }],
    });
    const job = (await (await h.call('POST', `/deployments/${deployment.id}/jobs`)).json()) as JobBody;
    const run = await settle(h, h.json('POST', `/jobs/${job.id}`, {}), 100);
    expect(((await run.json()) as JobBody).workflowState).toBe('EXECUTION_FINISHED');
    expect((await h.call('GET', `/jobs/${job.id}`)).status).toBe(404);
  });

  it('open-api for REST deployments only', async () => {
    const h = await harness();
    const rest = await deploy(h, '/deployments/rest');
    const document = (await (await h.call('GET', `/deployments/${rest.id}/open-api`)).json()) as {
      components: { schemas: { InputParameters: { properties: Record<string, unknown> } } };
    };
    expect(Object.keys(document.components.schemas.InputParameters.properties)).toEqual(['json-input']);

    const app = await deploy(h, '/deployments/data-apps');
    expect((await h.call('GET', `/deployments/${app.id}/open-api`)).status).toBe(400);
  });

  it('hides deployments from other accounts', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest');
    const { BOB } = await import('./harness.js');
    expect((await h.call('GET', `/deployments/${deployment.id}`, { auth: BOB })).status).toBe(403);
    expect((await h.call('GET', `/deployments/${teamId(h)}`, { auth: BOB })).status).toBe(403);
  });

  it('accepts percent-encoded ids and scopes', async () => {
    const h = await harness();
    const deployment = await deploy(h, '/deployments/rest');
    const byId = await h.call('GET', `/deployments/${encodeURIComponent(deployment.id)}`);
    expect(byId.status).toBe(200);
    const byScope = await h.call('GET', `/deployments/${encodeURIComponent(teamId(h))}/rest`);
    expect(
      ((await byScope.json()) as { deployments: DeploymentBody[] }).deployments.map((d) => d.id),
    ).toEqual([deployment.id]);
    const jobs = await h.call('POST', `/deployments/${encodeURIComponent(deployment.id)}/jobs`);
    expect(jobs.status).toBe(201);
  });
});
