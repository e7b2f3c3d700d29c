import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AlteryxSimulator,
  type AlteryxSimulatorOptions,
  createAlteryxSimulator,
  loadAlteryxWorkflowsFile,
  serveAlteryxSimulatorFromCli,
  startAlteryxSimulator,
} from '../../../src/simulator/alteryx/index.js';
import { ManualClock } from '../../../src/simulator/common/clock.js';

const SALES = '6540f2a1b3c4d5e6f7a8b9c0';
const INVENTORY = '6540f2a1b3c4d5e6f7a8b9c1';
const CLEANUP = '6540f2a1b3c4d5e6f7a8b9c2';
const LEDGER = '6540f2a1b3c4d5e6f7a8b9c3';
const BOM = '\uFEFF';

function setup(options: AlteryxSimulatorOptions = {}) {
  const clock = new ManualClock();
  const sim = createAlteryxSimulator({ clock, ...options });
  return { sim, clock, api: apiFor(sim) };
}

function apiFor(sim: AlteryxSimulator) {
  let token: string | undefined;

  async function getToken(key = 'sim-api-key', secret = 'sim-api-secret'): Promise<string> {
    const response = await sim.fetch(`${sim.baseUrl}oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: key, client_secret: secret }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function call(method: string, path: string, body?: unknown, bearer?: string) {
    if (bearer === undefined) token ??= await getToken();
    const response = await sim.fetch(`${sim.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer ?? token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    // Response.text() drops a leading byte-order mark, so the bytes are decoded with ignoreBOM.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    return {
      status: response.status,
      text,
      headers: response.headers,
      json: () => JSON.parse(text.replace(/^\uFEFF/, '')),
    };
  }

  return { getToken, call };
}

function requestToken(
  sim: AlteryxSimulator,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return sim.fetch(`${sim.baseUrl}oauth2/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  });
}

const validForm = {
  grant_type: 'client_credentials',
  client_id: 'sim-api-key',
  client_secret: 'sim-api-secret',
};
const basicHeader = {
  authorization: `Basic ${Buffer.from('sim-api-key:sim-api-secret').toString('base64')}`,
};

const salesAnswers = [
  { name: 'Region', value: 'AMER' },
  { name: 'StartDate', value: '2024-05-01' },
  { name: 'Channels', value: 'Retail,Online' },
];

describe('alteryx simulator: token endpoint', () => {
  it('issues a bearer token for form-body credentials', async () => {
    const { sim } = setup({ tokenTtlSeconds: 120 });
    const response = await requestToken(sim, validForm);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(120);
    expect(typeof body.access_token).toBe('string');
    expect(sim.stats.tokensIssued).toBe(1);
  });

  it('accepts HTTP Basic credentials', async () => {
    const { sim } = setup();
    const response = await requestToken(sim, { grant_type: 'client_credentials' }, basicHeader);
    expect(response.status).toBe(200);
  });

  it('rejects Basic credentials when only the body is allowed', async () => {
    const { sim } = setup({ credentialsIn: 'body' });
    const response = await requestToken(sim, { grant_type: 'client_credentials' }, basicHeader);
    expect(response.status).toBe(401);
  });

  it('answers invalid_client for a wrong secret', async () => {
    const { sim } = setup({ invalidClientStatus: 400 });
    const response = await requestToken(sim, { ...validForm, client_secret: 'wrong' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_client' });
  });

  it('rejects another grant type', async () => {
    const { sim } = setup();
    const response = await requestToken(sim, { ...validForm, grant_type: 'password' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'unsupported_grant_type' });
  });

  it('answers 401 once the token expired', async () => {
    const { clock, api, sim } = setup({ tokenTtlSeconds: 2 });
    expect((await api.call('GET', 'v3/workflows')).status).toBe(200);
    clock.advance(2000);
    const response = await api.call('GET', 'v3/workflows');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(sim.stats.tokensRejected).toBe(1);
  });

  it('answers 401 after the tokens are revoked', async () => {
    const { api, sim } = setup();
    expect((await api.call('GET', 'v3/workflows')).status).toBe(200);
    sim.control.revokeTokens();
    expect((await api.call('GET', 'v3/workflows')).status).toBe(401);
  });

  it('answers 401 without a token', async () => {
    const { sim } = setup();
    const response = await sim.fetch(`${sim.baseUrl}v3/workflows`);
    expect(response.status).toBe(401);
  });
});

describe('alteryx simulator: workflows', () => {
  it('lists the default workflows in the reduced view', async () => {
    const { api } = setup();
    const response = await api.call('GET', 'v3/workflows');
    const list = response.json() as Array<Record<string, unknown>>;
    expect(list.map((w) => w.name)).toEqual([
      'Monthly Sales App',
      'Inventory Refresh',
      'Nightly Cleanup',
      'Finance Ledger Export',
    ]);
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(
      [
        'dateCreated',
        'executionMode',
        'id',
        'isAmp',
        'name',
        'ownerId',
        'publishedVersionNumber',
        'sourceAppId',
      ].sort(),
    );
  });

  it('filters the list by name', async () => {
    const { api } = setup();
    const list = (await api.call('GET', 'v3/workflows?name=sales')).json() as Array<{ id: string }>;
    expect(list.map((w) => w.id)).toEqual([SALES]);
  });

  it('returns the full view with versions', async () => {
    const { api } = setup();
    const workflow = (await api.call('GET', `v3/workflows/${LEDGER}`)).json();
    expect(workflow.versions[0].workflowCredentialType).toBe('Required');
    expect(workflow.versions[0].packageWorkflowType).toBe('App');
    expect(workflow.runCount).toBe(0);
  });

  it('answers 404 for an unknown workflow', async () => {
    const { api } = setup();
    const response = await api.call('GET', 'v3/workflows/000000000000000000000000');
    expect(response.status).toBe(404);
    expect(response.json().message).toContain('000000000000000000000000');
  });

  it('returns app questions with items', async () => {
    const { api } = setup();
    const questions = (await api.call('GET', `v3/workflows/${SALES}/questions`)).json();
    expect(questions.map((q: { name: string }) => q.name)).toEqual(['Region', 'StartDate', 'Channels']);
    expect(questions[0].items[1]).toEqual({ key: 'AMER', value: 'Americas' });
    expect(questions[2].multiple).toBe(true);
  });

  it('returns no questions for a standard workflow', async () => {
    const { api } = setup();
    expect((await api.call('GET', `v3/workflows/${CLEANUP}/questions`)).json()).toEqual([]);
  });

  it('loads a workflow set from YAML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'alteryx-sim-'));
    try {
      const file = join(dir, 'workflows.yaml');
      await writeFile(
        file,
        'workflows:\n  - id: "0123456789abcdef01234567"\n    name: Demo\n    scenario: warning\n    questions:\n      - name: Limit\n',
      );
      const workflows = await loadAlteryxWorkflowsFile(file);
      expect(workflows[0]?.scenario).toBe('warning');
      expect(workflows[0]?.questions[0]?.questionType).toBe('QuestionTextBox');

      await writeFile(file, 'workflows:\n  - id: "xyz"\n    name: Demo\n');
      await expect(loadAlteryxWorkflowsFile(file)).rejects.toThrow(
        /workflows\.0\.id: must be 24 lowercase hex/,
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('alteryx simulator: queueing and job life cycle', () => {
  it('runs a job from Queued to Completed with outputs', async () => {
    const { api, clock, sim } = setup({ runMs: 3000 });
    const queued = await api.call('POST', `v3/workflows/${SALES}/jobs`, {
      questions: salesAnswers,
      priority: 'High',
    });
    expect(queued.status).toBe(200);
    const job = queued.json();
    expect(job.id).toMatch(/^[0-9a-f]{24}$/);
    expect(job.appId).toBe(SALES);
    expect(job.priority).toBe('High');
    expect(job.createDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(sim.stats.jobsQueued[SALES]).toBe(1);

    expect((await api.call('GET', `v3/jobs/${job.id}`)).json().status).toBe('Running');
    clock.advance(3000);
    const done = (await api.call('GET', `v3/jobs/${job.id}`)).json();
    expect(done.status).toBe('Completed');
    expect(done.disposition).toBe('Success');
    expect(done.outputs).toHaveLength(2);
    expect(done.outputs[0].availableFormats).toEqual(['Csv', 'Xlsx', 'Yxdb']);
    expect(done.messages.at(-1).text).toBe('Finished in 3.0 seconds');
  });

  it('keeps the second job queued while the only worker is busy', async () => {
    const { api, clock } = setup({ runMs: 1000, workers: 1 });
    const first = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    const second = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    expect(first.status).toBe('Running');
    expect(second.status).toBe('Queued');
    expect(second.disposition).toBe('');
    clock.advance(1000);
    expect((await api.call('GET', `v3/jobs/${second.id}`)).json().status).toBe('Running');
    clock.advance(1000);
    expect((await api.call('GET', `v3/jobs/${second.id}`)).json().status).toBe('Completed');
  });

  it('keeps a job with an unserved worker tag queued', async () => {
    const { api, clock } = setup({ workerTags: ['gpu'] });
    const tagged = (
      await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [], workerTag: 'etl' })
    ).json();
    clock.advance(60_000);
    expect((await api.call('GET', `v3/jobs/${tagged.id}`)).json().status).toBe('Queued');
  });

  it('reports Completed with disposition Error', async () => {
    const { api, clock } = setup({ runMs: 1000 });
    const job = (await api.call('POST', `v3/workflows/${INVENTORY}/jobs`, { questions: [] })).json();
    clock.advance(1000);
    const done = (await api.call('GET', `v3/jobs/${job.id}`)).json();
    expect(done.status).toBe('Completed');
    expect(done.disposition).toBe('Error');
    expect(done.outputs).toEqual([]);
    expect(done.messages[0]).toEqual({
      status: 3,
      text: 'Input Data (1): file not found: inventory_2024_05.csv',
      toolId: 1,
    });
  });

  it.each([
    ['error', 'Error', 'Error'],
    ['warning', 'Completed', 'Warning'],
    ['cancelled-by-admin', 'Cancelled', 'Cancelled'],
    ['stuck-queued', 'Queued', ''],
    ['never-finishes', 'Running', ''],
  ] as const)('scenario %s ends as %s / %s', async (scenario, status, disposition) => {
    const { api, clock, sim } = setup({ runMs: 1000 });
    sim.control.setScenario(CLEANUP, scenario);
    const job = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    clock.advance(10_000);
    const seen = (await api.call('GET', `v3/jobs/${job.id}`)).json();
    expect(seen.status).toBe(status);
    expect(seen.disposition).toBe(disposition);
  });

  it('omits messages when includeMessages is false', async () => {
    const { api } = setup();
    const job = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    const reduced = (await api.call('GET', `v3/jobs/${job.id}?includeMessages=false`)).json();
    expect(reduced.messages).toBeUndefined();
    expect(reduced.status).toBe('Running');
  });

  it('lists a workflow jobs newest first with createDate', async () => {
    const { api, clock } = setup();
    const first = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    clock.advance(10);
    const second = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    const list = (
      await api.call('GET', `v3/workflows/${CLEANUP}/jobs?sortField=createDate&direction=desc&limit=20`)
    ).json();
    expect(list.map((j: { id: string }) => j.id)).toEqual([second.id, first.id]);
    expect(list[0].createDate).toBeDefined();
    expect(list[0].disposition).toBeUndefined();
    const page = (
      await api.call('GET', `v3/workflows/${CLEANUP}/jobs?direction=asc&offset=1&limit=1`)
    ).json();
    expect(page.map((j: { id: string }) => j.id)).toEqual([second.id]);
  });

  it('answers 404 for an unknown job', async () => {
    const { api } = setup();
    expect((await api.call('GET', 'v3/jobs/ffffffffffffffffffffffff')).status).toBe(404);
  });

  it('hides a job of another user with the configured status', async () => {
    const { sim } = setup({
      hiddenJobStatus: 403,
      credentials: [
        { apiKey: 'alice', apiSecret: 'a-secret', role: 'user' },
        { apiKey: 'bob', apiSecret: 'b-secret', role: 'user' },
      ],
    });
    const api = apiFor(sim);
    const alice = await api.getToken('alice', 'a-secret');
    const bob = await api.getToken('bob', 'b-secret');
    const job = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] }, alice)).json();
    expect((await api.call('GET', `v3/jobs/${job.id}`, undefined, bob)).status).toBe(403);
    expect((await api.call('GET', `v3/jobs/${job.id}`, undefined, alice)).status).toBe(200);
  });
});

describe('alteryx simulator: queue validation', () => {
  it('rejects a body without questions', async () => {
    const { api, sim } = setup();
    const response = await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { priority: 'Low' });
    expect(response.status).toBe(400);
    expect(response.json().modelState['contract.questions'][0]).toMatch(/send \[\]/);
    expect(sim.stats.jobsQueued[CLEANUP]).toBeUndefined();
    expect(sim.stats.queueRequests[CLEANUP]).toBe(1);
  });

  it('rejects a value that is not a string', async () => {
    const { api } = setup();
    const response = await api.call('POST', `v3/workflows/${LEDGER}/jobs`, {
      questions: [{ name: 'FiscalYear', value: 2024 }],
      credentialId: 'cred-1',
    });
    expect(response.status).toBe(400);
    expect(response.json().modelState['contract.questions[0].value']).toBeDefined();
  });

  it('rejects an unknown question name by default', async () => {
    const { api } = setup();
    const response = await api.call('POST', `v3/workflows/${SALES}/jobs`, {
      questions: [...salesAnswers, { name: 'Regoin', value: 'EMEA' }],
    });
    expect(response.status).toBe(400);
    expect(response.json().modelState['contract.questions'][0]).toContain('Regoin');
  });

  it('ignores an unknown question name when configured', async () => {
    const { api } = setup({ unknownQuestion: 'ignore' });
    const response = await api.call('POST', `v3/workflows/${SALES}/jobs`, {
      questions: [...salesAnswers, { name: 'Regoin', value: 'EMEA' }],
    });
    expect(response.status).toBe(200);
  });

  it('rejects a value outside the list items', async () => {
    const { api } = setup();
    const response = await api.call('POST', `v3/workflows/${SALES}/jobs`, {
      questions: [{ name: 'Channels', value: 'Retail,Mail' }],
    });
    expect(response.status).toBe(400);
    expect(response.json().modelState['contract.questions'][0]).toContain("Value 'Mail'");
  });

  it('rejects an unknown priority name', async () => {
    const { api } = setup();
    const response = await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [], priority: '2' });
    expect(response.status).toBe(400);
    expect(response.json().modelState['contract.priority']).toBeDefined();
  });

  it('requires a credential when the workflow does', async () => {
    const { api } = setup();
    const response = await api.call('POST', `v3/workflows/${LEDGER}/jobs`, {
      questions: [{ name: 'FiscalYear', value: '2024' }],
    });
    expect(response.status).toBe(400);
    expect(response.json().modelState['contract.credentialId']).toBeDefined();
  });

  it('rejects a standard workflow when configured', async () => {
    const { api } = setup({ standardWorkflowJobs: '400' });
    expect((await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).status).toBe(400);
  });

  it('rejects a missing answer without default when configured', async () => {
    const { api } = setup({ missingAnswer: '400' });
    const response = await api.call('POST', `v3/workflows/${SALES}/jobs`, { questions: [] });
    expect(response.status).toBe(400);
    expect(response.json().modelState['contract.questions'][0]).toContain('StartDate');
  });

  it('rejects a body that is not JSON', async () => {
    const { api } = setup();
    expect((await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, '{questions:')).status).toBe(400);
  });

  it('answers 201 when configured', async () => {
    const { api } = setup({ queueStatus: 201 });
    expect((await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).status).toBe(201);
  });
});

describe('alteryx simulator: outputs and messages', () => {
  async function finishedSalesJob(options: AlteryxSimulatorOptions = {}) {
    const context = setup({ runMs: 1000, ...options });
    const job = (
      await context.api.call('POST', `v3/workflows/${SALES}/jobs`, { questions: salesAnswers })
    ).json();
    context.clock.advance(1000);
    const done = (await context.api.call('GET', `v3/jobs/${job.id}`)).json();
    return { ...context, job: done };
  }

  it('downloads an output in an available format, BOM included', async () => {
    const { api, job } = await finishedSalesJob();
    const response = await api.call('GET', `v1/jobs/${job.id}/output/${job.outputs[0].id}?format=Csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(response.text).toBe(`${BOM}region,revenue\nEMEA,1200.50\n`);
  });

  it('rejects a format the output does not offer', async () => {
    const { api, job } = await finishedSalesJob();
    const response = await api.call('GET', `v1/jobs/${job.id}/output/${job.outputs[0].id}?format=Pdf`);
    expect(response.status).toBe(400);
    expect(response.text).toContain('Csv, Xlsx, Yxdb');
  });

  it('rejects a download without format', async () => {
    const { api, job } = await finishedSalesJob();
    expect((await api.call('GET', `v1/jobs/${job.id}/output/${job.outputs[0].id}`)).status).toBe(400);
  });

  it('refuses outputs before completion', async () => {
    const { api } = setup({ outputBeforeCompletionStatus: 400 });
    const job = (await api.call('POST', `v3/workflows/${SALES}/jobs`, { questions: salesAnswers })).json();
    expect((await api.call('GET', `v1/jobs/${job.id}/output/x?format=Csv`)).status).toBe(400);
  });

  it('serves messages to admins only', async () => {
    const { sim, job } = await finishedSalesJob({
      credentials: [
        { apiKey: 'sim-api-key', apiSecret: 'sim-api-secret', role: 'admin' },
        { apiKey: 'artisan', apiSecret: 'artisan-secret', role: 'user' },
      ],
    });
    const api = apiFor(sim);
    const messages = await api.call('GET', `v3/jobs/${job.id}/messages`);
    expect(messages.status).toBe(200);
    expect(messages.json().at(-1).text).toMatch(/^Finished in/);

    const artisan = await api.getToken('artisan', 'artisan-secret');
    expect((await api.call('GET', `v3/jobs/${job.id}/messages`, undefined, artisan)).status).toBe(403);
  });

  it('serves one message object when configured', async () => {
    const { api, job } = await finishedSalesJob({ messagesShape: 'single' });
    const body = (await api.call('GET', `v3/jobs/${job.id}/messages`)).json();
    expect(Array.isArray(body)).toBe(false);
    expect(body.status).toBe(1);
  });
});

describe('alteryx simulator: quirks', () => {
  it('puts a BOM before v1 JSON only by default', async () => {
    const { api } = setup();
    const job = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    expect((await api.call('GET', `v1/jobs/${job.id}/`)).text.startsWith(BOM)).toBe(true);
    expect((await api.call('GET', `v3/jobs/${job.id}`)).text.startsWith(BOM)).toBe(false);
  });

  it('puts a BOM before every JSON body with bom all', async () => {
    const { sim, api } = setup({ bom: 'all' });
    const token = await requestToken(sim, validForm);
    const bytes = new Uint8Array(await token.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect((await api.call('GET', 'v3/workflows')).text.startsWith(BOM)).toBe(true);
  });

  it('returns the legacy job shape on v1', async () => {
    const { api, clock } = setup({ runMs: 1000 });
    const job = (
      await api.call('POST', `v3/workflows/${SALES}/jobs`, { questions: salesAnswers, priority: 'Critical' })
    ).json();
    clock.advance(1000);
    const legacy = (await api.call('GET', `v1/jobs/${job.id}/`)).json();
    expect(legacy.createDate).toBeDefined();
    expect(legacy.createDateTime).toBeUndefined();
    expect(legacy.priority).toBe('3');
    expect(legacy.outputs[0].formats).toEqual(['Csv', 'Xlsx', 'Yxdb']);
    expect(legacy.outputs[0].name).toBe('sales_summary.csv');
  });

  it('serves routes with a trailing slash and a double slash', async () => {
    const { api } = setup();
    expect((await api.call('GET', 'v3/workflows/')).status).toBe(200);
    expect((await api.call('GET', `/v3/workflows/${SALES}/questions/`)).status).toBe(200);
  });

  it('answers 404 to a double slash with strictSlashes', async () => {
    const { api } = setup({ strictSlashes: true });
    expect((await api.call('GET', 'v3/workflows/')).status).toBe(200);
    const response = await api.call('GET', '/v3/workflows');
    expect(response.status).toBe(404);
    expect(response.json().message).toMatch(/^No HTTP resource was found/);
  });

  it('profile 2022.1 has no v3 job route', async () => {
    const { api } = setup({ profile: '2022.1' });
    const job = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    expect((await api.call('GET', `v3/jobs/${job.id}`)).status).toBe(404);
    expect((await api.call('GET', `v1/jobs/${job.id}`)).status).toBe(200);
  });

  it('profile 2023.2 has no messages route', async () => {
    const { api } = setup({ profile: '2023.2' });
    const job = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    expect((await api.call('GET', `v3/jobs/${job.id}`)).status).toBe(200);
    expect((await api.call('GET', `v3/jobs/${job.id}/messages`)).status).toBe(404);
  });

  it('adds unknown fields with extraFields', async () => {
    const { api } = setup({ extraFields: true });
    const job = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    expect(job.simulatorRelease).toBe('2024.2');
    expect((await api.call('GET', 'v3/workflows')).json()[0].lastModifiedDate).toBeDefined();
  });

  it.each([
    ['405', 405],
    ['404', 404],
    ['absent', 404],
  ] as const)('cancel route %s answers %i', async (cancelRoute, status) => {
    const { api } = setup({ cancelRoute });
    const job = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    expect((await api.call('DELETE', `v3/jobs/${job.id}`)).status).toBe(status);
    expect((await api.call('GET', `v3/jobs/${job.id}`)).json().status).toBe('Running');
  });

  it('cancel route works when configured', async () => {
    const { api } = setup({ cancelRoute: 'works' });
    const job = (await api.call('POST', `v3/workflows/${CLEANUP}/jobs`, { questions: [] })).json();
    const cancelled = await api.call('DELETE', `v3/jobs/${job.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json().status).toBe('Cancelled');
    expect((await api.call('DELETE', `v3/jobs/${job.id}`)).status).toBe(400);
  });

  it('injects faults through the shared injector', async () => {
    const { api, sim } = setup({
      faults: { rules: [{ method: 'GET', path: '/v3/workflows$', serverErrorRate: 1 }] },
    });
    expect((await api.call('GET', 'v3/workflows')).status).toBeGreaterThanOrEqual(500);
    expect(sim.faults.counts.serverError).toBe(1);
  });
});

describe('alteryx simulator: loopback', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('serves on 127.0.0.1 under /webapi/', async () => {
    const running = await startAlteryxSimulator({ clock: new ManualClock() });
    close = running.close;
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webapi\/$/);
    const response = await fetch(`${running.url}oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams(validForm),
    });
    expect(response.status).toBe(200);
  });

  it('CLI entry prints the base URL first', async () => {
    const lines: string[] = [];
    const served = await serveAlteryxSimulatorFromCli({ port: 0 }, { write: (text) => lines.push(text) });
    close = served.close;
    expect(lines[0]).toBe(`${served.url}\n`);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webapi\/$/);
    expect(lines.join('')).not.toContain('sim-api-secret');
  });
});
