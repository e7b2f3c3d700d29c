import { beforeAll, expect, it } from 'vitest';
import { IMPLEMENTED_OPERATIONS, type ImplementedOperation } from '../../../src/simulator/hub/index.js';
import { describeWithFixtures, fixturePath } from '../../support/fixtures.js';
import {
  BOB,
  createJob,
  createRestDeployment,
  type Harness,
  harness,
  settle,
  workflowUri,
} from './harness.js';
import { SpecValidator } from './spec-validator.js';

type Scenario = (h: Harness, ids: Ids) => Promise<Response[]>;

interface Ids {
  team: string;
  context: string;
}

const key = (op: ImplementedOperation) => `${op.method} ${op.path}`;

const greeter = workflowUri('/Services/Greeter');

async function newDeployment(h: Harness, kind: string, body: Record<string, unknown> = {}): Promise<string> {
  const response = await h.json('POST', `/deployments/${kind}?workflowUri=${greeter}&itemVersion=1`, {
    name: `${kind} deployment`,
    ...body,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** Requests that drive each implemented operation, including its error responses. */
const SCENARIOS: Record<string, Scenario> = {
  'GET /jobs': async (h) => {
    await createJob(h, '/Services/Greeter');
    await createJob(h, '/Services/Greeter');
    const first = await h.call('GET', '/jobs?pagelen=1');
    return [
      await h.call('GET', '/jobs'),
      first,
      await h.call('GET', '/jobs?page=1&pagelen=1&sort=-createdAt'),
      await h.call('GET', '/jobs?q=jobState=LOADED'),
      await h.call('GET', '/jobs', {
        headers: { 'if-none-match': (await h.call('GET', '/jobs')).headers.get('etag') ?? '' },
      }),
      await h.call('GET', '/jobs?q=bogus=1'),
      await h.call('GET', '/jobs?q=workflowState=EXECUTUON_FAILED_WITH_CONTENT'),
      await h.call('GET', '/jobs?page=0'),
    ];
  },
  'POST /jobs': async (h) => [
    await h.call('POST', `/jobs?workflowUri=${greeter}`),
    await h.call('POST', `/jobs?workflowUri=${greeter}&itemVersion=2&asyncLoading=true`, {
      headers: { 'knime-created-by': 'knimectl-test' },
    }),
    await h.call('POST', '/jobs'),
    await h.call('POST', `/jobs?workflowUri=${encodeURIComponent('/Users/Data Team/Services/Missing')}`),
    await h.call('POST', `/jobs?workflowUri=${greeter}&asyncLoading=true&resetBeforeExecution=true`),
    await h.call('POST', `/jobs?workflowUri=${greeter}`, { auth: BOB }),
  ],
  'DELETE /jobs': async (h) => {
    const a = await createJob(h, '/Services/Greeter');
    const b = await createJob(h, '/Services/Greeter');
    return [
      await h.json('DELETE', '/jobs', [a, b]),
      await h.json('DELETE', '/jobs', [a]),
      await h.json('DELETE', '/jobs', { not: 'an array' }),
    ];
  },
  'GET /jobs/{uuid}': async (h) => {
    const id = await createJob(h, '/Services/Greeter');
    const first = await h.call('GET', `/jobs/${id}`);
    const etag = first.headers.get('etag') ?? '';
    return [
      first,
      await h.call('GET', `/jobs/${id}`, { headers: { 'if-none-match': etag } }),
      await h.call('GET', `/jobs/${id}`, { headers: { prefer: 'representation=minimal' } }),
      await h.call('GET', `/jobs/${id}`, { headers: { accept: 'application/json' } }),
      await h.call('GET', '/jobs/00000000-0000-4000-8000-000000000000'),
      await h.call('GET', `/jobs/${id}`, { auth: BOB }),
    ];
  },
  'POST /jobs/{uuid}': async (h) => {
    const id = await createJob(h, '/Services/Greeter');
    const failing = await createJob(h, '/Services/Failing');
    const long = await createJob(h, '/Services/Long');
    const asyncJob = await createJob(h, '/Services/Long');
    return [
      await h.json('POST', `/jobs/${id}`, { 'json-input': { name: 'Ann' } }),
      await h.json('POST', `/jobs/${id}?reset=true`, {}),
      await h.json('POST', `/jobs/${failing}`, {}),
      await h.json('POST', `/jobs/${asyncJob}?async=true`, {}),
      await h.json('POST', `/jobs/${id}`, { unknown: 1 }),
      await h.call('POST', `/jobs/${id}`, {
        body: '{not json',
        headers: { 'content-type': 'application/json' },
      }),
      await settle(h, h.json('POST', `/jobs/${long}?timeout=1000`, {}), 500),
      await h.json('POST', '/jobs/00000000-0000-4000-8000-000000000000', {}),
    ];
  },
  'PUT /jobs/{uuid}': async (h) => {
    const id = await createJob(h, '/Services/Greeter');
    await h.json('POST', `/jobs/${id}`, {});
    return [
      await h.json('PUT', `/jobs/${id}`, { name: 'Renamed job', discardAfterFailedExec: true }),
      await h.json('PUT', `/jobs/${id}?reset=true`, { inputParameters: { 'json-input': { name: 'Put' } } }),
      await h.json('PUT', `/jobs/${id}`, { id: '00000000-0000-4000-8000-000000000000' }),
      await h.json('PUT', '/jobs/00000000-0000-4000-8000-000000000000', {}),
    ];
  },
  'DELETE /jobs/{uuid}': async (h) => {
    const id = await createJob(h, '/Services/Greeter');
    return [await h.call('DELETE', `/jobs/${id}`), await h.call('DELETE', `/jobs/${id}`)];
  },
  'GET /jobs/{scope}': async (h, ids) => [
    await h.call('GET', `/jobs/${ids.team}`),
    await h.call('GET', `/jobs/${ids.team}?pagelen=1`),
    await h.call('GET', `/jobs/${ids.team}?sort=unknown`),
  ],
  'DELETE /jobs/{uuid}/execution': async (h) => {
    const id = await createJob(h, '/Services/Long');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    return [
      await h.call('DELETE', `/jobs/${id}/execution`),
      await h.call('DELETE', `/jobs/${id}/execution`),
      await h.call('DELETE', '/jobs/00000000-0000-4000-8000-000000000000/execution'),
    ];
  },
  'GET /jobs/{uuid}/log': async (h) => {
    const id = await createJob(h, '/Services/Failing');
    await h.json('POST', `/jobs/${id}`, {});
    return [
      await h.call('GET', `/jobs/${id}/log`),
      await h.call('GET', `/jobs/${id}/log?timeout=x`),
      await h.call('GET', '/jobs/00000000-0000-4000-8000-000000000000/log'),
    ];
  },
  'PUT /jobs/{uuid}/swap': async (h) => {
    const id = await createJob(h, '/Services/Greeter');
    const running = await createJob(h, '/Services/Long');
    await h.json('POST', `/jobs/${running}?async=true`, {});
    return [
      await h.call('PUT', `/jobs/${id}/swap`),
      await h.call('PUT', `/jobs/${running}/swap`),
      await h.call('PUT', '/jobs/00000000-0000-4000-8000-000000000000/swap'),
    ];
  },
  'PUT /jobs/{uuid}/load': async (h) => {
    const id = await createJob(h, '/Services/Greeter');
    await h.call('PUT', `/jobs/${id}/swap`);
    return [
      await h.call('PUT', `/jobs/${id}/load`),
      await h.call('PUT', '/jobs/00000000-0000-4000-8000-000000000000/load'),
    ];
  },
  'GET /jobs/{uuid}/output-resources/{resourceId}': async (h) => {
    const id = await createJob(h, '/Services/Files');
    await h.json('POST', `/jobs/${id}`, {});
    return [
      await h.call('GET', `/jobs/${id}/output-resources/report`),
      await h.call('GET', `/jobs/${id}/output-resources/missing`),
      await h.call('GET', `/jobs/${id}/output-resources/report?timeout=soon`),
    ];
  },
  'GET /jobs/open-api': async (h) => [
    await h.call('GET', `/jobs/open-api?workflowUri=${greeter}`),
    await h.call('GET', '/jobs/open-api?workflowUri=*unknown'),
  ],
  'POST /execution': async (h) => [
    await h.json('POST', `/execution?workflowUri=${greeter}`, { 'json-input': { name: 'Bo' } }),
    await h.call('POST', `/execution?workflowUri=${greeter}`, {
      body: JSON.stringify({}),
      headers: { 'content-type': 'application/json', prefer: 'edge-compatible' },
    }),
    await h.json(
      'POST',
      `/execution?workflowUri=${encodeURIComponent('/Users/Data Team/Services/Missing')}`,
      {},
    ),
    await h.json('POST', `/execution?workflowUri=${greeter}`, { 'no-such-input': 1 }),
    await settle(
      h,
      h.json('POST', `/execution?workflowUri=${workflowUri('/Services/Long')}&timeout=2000`, {}),
      500,
    ),
  ],
  'GET /execution': async (h) => [
    await h.call(
      'GET',
      `/execution?workflowUri=${greeter}&pm:json-input=${encodeURIComponent('{"name":"Cy"}')}`,
    ),
    await h.call('GET', '/execution?workflowUri=*unknown'),
  ],
  'POST /raw-execution': async (h) => [
    await h.call('POST', `/raw-execution?workflowUri=${workflowUri('/Services/Raw')}`, {
      body: '{"raw":true}',
      headers: { 'content-type': 'application/json' },
    }),
    await h.call('POST', `/raw-execution?workflowUri=${workflowUri('/Services/Failing')}`, { body: 'x' }),
    await h.call('POST', '/raw-execution?workflowUri=*unknown', { body: 'x' }),
  ],
  'GET /raw-execution': async (h) => [
    await h.call('GET', `/raw-execution?workflowUri=${workflowUri('/Services/Greeter')}`),
    await h.call('GET', `/raw-execution?workflowUri=${workflowUri('/Services/Broken')}`),
  ],
  'GET /execution-contexts': async (h) => [
    await h.call('GET', '/execution-contexts'),
    await h.call('GET', '/execution-contexts?pagelen=1'),
    await h.call('GET', '/execution-contexts?spaceId=*nope'),
  ],
  'GET /execution-contexts/{uuid}': async (h, ids) => [
    await h.call('GET', `/execution-contexts/${ids.context}`),
    await h.call('GET', '/execution-contexts/00000000-0000-4000-8000-000000000000'),
  ],
  'GET /execution-contexts/{scope}': async (h, ids) => [
    await h.call('GET', `/execution-contexts/${ids.team}`),
    await h.call('GET', `/execution-contexts/${ids.team}`, { auth: BOB }),
    await h.call('GET', `/execution-contexts/${ids.team}?q=bad`),
  ],
  'GET /execution-contexts/{uuid}/jobs': async (h, ids) => {
    await createJob(h, '/Services/Greeter');
    return [
      await h.call('GET', `/execution-contexts/${ids.context}/jobs?pagelen=2`),
      await h.call('GET', '/execution-contexts/00000000-0000-4000-8000-000000000000/jobs'),
    ];
  },
  'GET /execution-contexts/{uuid}/deployments': async (h, ids) => {
    await newDeployment(h, 'rest');
    return [
      await h.call('GET', `/execution-contexts/${ids.context}/deployments`),
      await h.call('GET', '/execution-contexts/00000000-0000-4000-8000-000000000000/deployments'),
    ];
  },
  'GET /execution-contexts/{uuid}/deployments/schedules': async (h, ids) => [
    await h.call('GET', `/execution-contexts/${ids.context}/deployments/schedules`),
  ],
  'GET /execution-contexts/{uuid}/deployments/data-apps': async (h, ids) => [
    await h.call('GET', `/execution-contexts/${ids.context}/deployments/data-apps`),
  ],
  'GET /execution-contexts/{uuid}/deployments/rest': async (h, ids) => [
    await h.call('GET', `/execution-contexts/${ids.context}/deployments/rest`),
  ],
  'GET /execution-contexts/{uuid}/deployments/triggers': async (h, ids) => [
    await h.call('GET', `/execution-contexts/${ids.context}/deployments/triggers`),
  ],
  'GET /deployments/{scope}': async (h, ids) => {
    await newDeployment(h, 'rest');
    await newDeployment(h, 'data-apps');
    const first = await h.call('GET', `/deployments/${ids.team}`);
    return [
      first,
      await h.call('GET', `/deployments/${ids.team}`, {
        headers: { 'if-none-match': first.headers.get('etag') ?? '' },
      }),
      await h.call('GET', `/deployments/${ids.team}?pagelen=1`),
      await h.call('GET', `/deployments/${ids.team}`, { auth: BOB }),
      await h.call('GET', `/deployments/${ids.team}?q=nope=1`),
    ];
  },
  'GET /deployments/{scope}/schedules': async (h, ids) => {
    await newDeployment(h, 'schedules', { schedule: { startTime: '2026-02-01T00:00:00Z' } });
    return [await h.call('GET', `/deployments/${ids.team}/schedules`)];
  },
  'GET /deployments/{scope}/data-apps': async (h, ids) => [
    await h.call('GET', `/deployments/${ids.team}/data-apps`),
  ],
  'GET /deployments/{scope}/rest': async (h, ids) => [
    await h.call('GET', `/deployments/${ids.team}/rest?pagelen=5`),
  ],
  'GET /deployments/{scope}/triggers': async (h, ids) => {
    await newDeployment(h, 'triggers', {
      filters: [{ spaces: [], itemTypes: ['Workflow'], actionTypes: ['ADDED'] }],
    });
    return [await h.call('GET', `/deployments/${ids.team}/triggers`)];
  },
  'DELETE /deployments': async (h) => {
    const id = await newDeployment(h, 'rest');
    return [
      await h.json('DELETE', '/deployments', [id]),
      await h.json('DELETE', '/deployments', [id]),
      await h.json('DELETE', '/deployments', 'nope'),
      await h.call('DELETE', '/deployments', {
        body: '[not json',
        headers: { 'content-type': 'application/json' },
      }),
    ];
  },
  'GET /deployments/{id}': async (h) => {
    const id = await newDeployment(h, 'rest');
    const first = await h.call('GET', `/deployments/${id}`);
    return [
      first,
      await h.call('GET', `/deployments/${id}`, {
        headers: { 'if-none-match': first.headers.get('etag') ?? '' },
      }),
      await h.call('GET', '/deployments/rest:00000000-0000-4000-8000-000000000000'),
      await h.call('GET', `/deployments/${id}`, { auth: BOB }),
    ];
  },
  'PUT /deployments/{id}': async (h) => {
    const id = await newDeployment(h, 'rest');
    return [
      await h.json('PUT', `/deployments/${id}`, { name: 'Renamed', description: 'new text' }),
      await h.json('PUT', `/deployments/${id}`, { runMode: 'SOMEONE' }),
      await h.json('PUT', '/deployments/rest:00000000-0000-4000-8000-000000000000', {}),
    ];
  },
  'DELETE /deployments/{id}': async (h) => {
    const id = await newDeployment(h, 'rest');
    return [await h.call('DELETE', `/deployments/${id}`), await h.call('DELETE', `/deployments/${id}`)];
  },
  'POST /deployments/{id}/jobs': async (h) => {
    const id = await newDeployment(h, 'rest');
    return [
      await h.call('POST', `/deployments/${id}/jobs`),
      await h.call(
        'POST',
        `/deployments/${id}/jobs?asyncLoading=true&pm:json-input=${encodeURIComponent('{"name":"Di"}')}`,
      ),
      await h.call('POST', '/deployments/rest:00000000-0000-4000-8000-000000000000/jobs'),
      await h.call('POST', `/deployments/${id}/jobs?asyncLoading=true&resetBeforeExecution=true`),
    ];
  },
  'GET /deployments/{id}/jobs': async (h) => {
    const id = await newDeployment(h, 'rest');
    await h.call('POST', `/deployments/${id}/jobs`);
    return [
      await h.call('GET', `/deployments/${id}/jobs`),
      await h.call('GET', `/deployments/${id}/jobs?page=1&pagelen=1`),
      await h.call('GET', '/deployments/rest:00000000-0000-4000-8000-000000000000/jobs'),
    ];
  },
  'POST /deployments/{id}/execution': async (h) => {
    const id = await newDeployment(h, 'rest');
    return [
      await h.json('POST', `/deployments/${id}/execution`, { 'json-input': { name: 'Ed' } }),
      await h.json('POST', `/deployments/${id}/execution?keepJob=true&reset=true`, {}),
      await h.json('POST', `/deployments/${id}/execution`, { 'json-input': 'x'.repeat(11 * 1024 * 1024) }),
      await h.json('POST', '/deployments/rest:00000000-0000-4000-8000-000000000000/execution', {}),
    ];
  },
  'GET /deployments/{id}/execution': async (h) => {
    const id = await newDeployment(h, 'rest');
    return [
      await h.call(
        'GET',
        `/deployments/${id}/execution?pm:json-input=${encodeURIComponent('{"name":"Fay"}')}`,
      ),
      await h.call('GET', `/deployments/${id}/execution?timeout=abc`),
    ];
  },
  'POST /deployments/{id}/raw-execution': async (h) => {
    const response = await h.json(
      'POST',
      `/deployments/rest?workflowUri=${workflowUri('/Services/Raw')}&itemVersion=current-state`,
      {
        name: 'Raw service',
      },
    );
    const id = ((await response.json()) as { id: string }).id;
    return [
      await h.call('POST', `/deployments/${id}/raw-execution?keepJob=false&reset=true&timeout=50000`, {
        body: '[1,2]',
      }),
      await h.call('POST', '/deployments/rest:00000000-0000-4000-8000-000000000000/raw-execution', {
        body: '',
      }),
    ];
  },
  'GET /deployments/{id}/raw-execution': async (h) => {
    const id = await newDeployment(h, 'rest');
    return [await h.call('GET', `/deployments/${id}/raw-execution`)];
  },
  'GET /deployments/{id}/open-api': async (h) => {
    const rest = await newDeployment(h, 'rest');
    const app = await newDeployment(h, 'data-apps');
    return [
      await h.call('GET', `/deployments/${rest}/open-api`),
      await h.call('GET', `/deployments/${app}/open-api`),
      await h.call('GET', '/deployments/rest:00000000-0000-4000-8000-000000000000/open-api'),
    ];
  },
  'GET /deployments/shared': async (h) => [await h.call('GET', '/deployments/shared')],
  'GET /deployments/data-apps': async (h) => {
    await newDeployment(h, 'data-apps');
    return [await h.call('GET', '/deployments/data-apps')];
  },
  'POST /deployments/schedules': async (h) => [
    await h.json('POST', `/deployments/schedules?workflowUri=${greeter}&itemVersion=1`, {
      name: 'Nightly',
      schedule: { startTime: '2026-02-01T00:00:00Z', delay: 1, delayType: 'DAYS' },
    }),
    await h.json('POST', `/deployments/schedules?workflowUri=${greeter}&itemVersion=1`, {
      name: 'No schedule',
    }),
  ],
  'POST /deployments/data-apps': async (h) => [
    await h.json('POST', `/deployments/data-apps?workflowUri=${greeter}&itemVersion=most-recent`, {
      name: 'App',
    }),
    await h.json('POST', `/deployments/data-apps?workflowUri=${greeter}&itemVersion=9`, { name: 'App' }),
  ],
  'POST /deployments/rest': async (h) => [
    await h.json('POST', `/deployments/rest?workflowUri=${greeter}&itemVersion=1`, {
      name: 'Service',
      actions: [{ type: 'DiscardAfterExecution', onSuccess: true, onFailure: false }],
    }),
    await h.json('POST', `/deployments/rest?workflowUri=${greeter}`, { name: 'No version' }),
    await h.json('POST', `/deployments/rest?workflowUri=${greeter}&itemVersion=1`, {}),
    await h.json('POST', `/deployments/rest?workflowUri=${greeter}&itemVersion=1`, { name: 'Bob' }, BOB),
  ],
  'POST /deployments/triggers': async (h) => [
    await h.json('POST', `/deployments/triggers?workflowUri=${greeter}&itemVersion=1`, {
      name: 'On upload',
      filters: [{ spaces: [{ scope: 'x' }], itemTypes: ['Workflow'], actionTypes: ['ADDED'] }],
    }),
    await h.json('POST', `/deployments/triggers?workflowUri=${greeter}&itemVersion=1`, {
      name: 'No filters',
    }),
  ],
};

/** Values substituted into path templates when probing operations the simulator does not serve. */
function samplePath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => values[name] ?? 'sample');
}

describeWithFixtures('hub simulator conformance to the execution-service OpenAPI document', () => {
  let spec: SpecValidator;
  let h: Harness;
  let ids: Ids;

  beforeAll(async () => {
    spec = new SpecValidator(fixturePath('hub-openapi', 'execution-service.yaml'));
    h = await harness({ engine: { defaults: { loadMs: 0, durationMs: 0 } } });
    ids = {
      team: h.sim.parts.accounts.teamByName('Data Team')?.id ?? '',
      context: h.sim.parts.contexts.default.id,
    };
  });

  it('lists only operations of the document', () => {
    for (const op of IMPLEMENTED_OPERATIONS) {
      expect(spec.operation(op.method, op.path), `${key(op)} is not in the document`).toBeDefined();
    }
  });

  it('has a scenario for each implemented operation', () => {
    const implemented = IMPLEMENTED_OPERATIONS.map(key).sort();
    expect(Object.keys(SCENARIOS).sort()).toEqual(implemented);
  });

  for (const op of IMPLEMENTED_OPERATIONS) {
    it(`answers ${key(op)} as declared`, async () => {
      const scenario = SCENARIOS[key(op)];
      expect(scenario, `no scenario for ${key(op)}`).toBeDefined();
      const operation = spec.operation(op.method, op.path);
      const responses = await (scenario as Scenario)(h, ids);
      expect(responses.length).toBeGreaterThan(0);

      for (const [index, response] of responses.entries()) {
        const where = `${key(op)} response #${index + 1} (${response.status})`;
        const declared = operation?.responses[String(response.status)] ?? operation?.responses.default;
        expect(
          declared,
          `${where}: status not declared; body ${await response.clone().text()}`,
        ).toBeDefined();
        expect(response.headers.get('x-request-id'), `${where}: x-request-id`).toBeTruthy();

        const contentType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
        if (response.status >= 400) {
          expect(contentType, where).toBe('application/problem+json');
          expect(response.headers.get('x-error-id'), `${where}: x-error-id`).toBeTruthy();
          const problem = (await response.json()) as { title?: unknown; details?: unknown; status?: unknown };
          expect(typeof problem.title, `${where}: title`).toBe('string');
          expect(Array.isArray(problem.details), `${where}: details`).toBe(true);
          expect(problem.status, `${where}: status member`).toBe(response.status);
          continue;
        }
        const schema =
          declared?.content?.[contentType]?.schema ??
          (contentType.endsWith('json') ? declared?.content?.['application/json']?.schema : undefined);
        if (response.status === 204 || response.status === 304) {
          expect(await response.text(), `${where}: empty body`).toBe('');
          continue;
        }
        if (!schema || !contentType.endsWith('json')) continue;
        const errors = spec.validate(schema, await response.json());
        expect(errors, where).toEqual([]);
      }
    });
  }

  it('serves no other operation of the document', async () => {
    const jobId = await createJob(h, '/Services/Greeter');
    const deploymentId = await createRestDeployment(h, '/Services/Greeter');
    const values: Record<string, string> = {
      uuid: jobId,
      scope: ids.team,
      id: deploymentId,
      scopeId: ids.team,
      limitKey: 'account-cpu-cores',
      resourceType: 'rest_deployment',
      resourceId: deploymentId,
      'resource-type': 'deployments',
    };
    const implemented = new Set(IMPLEMENTED_OPERATIONS.map(key));
    for (const [path, operations] of Object.entries(spec.document.paths)) {
      for (const method of Object.keys(operations)) {
        if (method === 'parameters' || implemented.has(`${method.toUpperCase()} ${path}`)) continue;
        const response = await h.call(method.toUpperCase(), samplePath(path, values));
        const body = (await response.json()) as { title?: string };
        expect(
          body.title ?? '',
          `${method.toUpperCase()} ${path} is served but not in IMPLEMENTED_OPERATIONS`,
        ).toMatch(/^No resource at /);
      }
    }
  });
});
