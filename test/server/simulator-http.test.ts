import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  isKnimeError,
  type KnimeError,
  PermissionError,
  ProtocolError,
} from '../../src/errors/index.js';
import { createClient } from '../../src/job/client.js';
import { simulatedServer } from '../library/simulator.js';

const users = [{ name: 'alice', password: 'alice-pw-1' }];

describe('context roots', () => {
  it.each(['/com.knime.enterprise.server', '/webportal', '/knime/webportal'])(
    'runs a job under %s',
    async (root) => {
      const { simulator } = await simulatedServer({
        simulator: {
          contextRoot: '/com.knime.enterprise.server',
          extraContextRoots: ['/webportal', '/knime/webportal'],
        },
      });
      const rooted = createClient({ url: `http://knime-server.test${root}`, fetch: simulator.fetch });
      expect(rooted.baseUrl).toBe(`http://knime-server.test${root}/rest/v4`);
      expect((await rooted.listWorkflows()).some((entry) => entry.path === '/Examples/Greeting')).toBe(true);
    },
  );

  it('explains a context root the server does not serve', async () => {
    const { simulator } = await simulatedServer();
    const wrong = createClient({ url: 'http://knime-server.test/wrong-root', fetch: simulator.fetch });
    const error = await wrong.listWorkflows().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain(
      'http://knime-server.test/wrong-root/rest/v4 did not answer like a KNIME Server REST API',
    );
  });

  it('accepts the full REST root as the URL', async () => {
    const { simulator } = await simulatedServer();
    const client = createClient({ url: 'http://knime-server.test/knime/rest/v4/', fetch: simulator.fetch });
    await expect(client.validate()).resolves.toBeUndefined();
  });
});

describe('repository and descriptions', () => {
  it('lists the whole tree', async () => {
    const { client } = await simulatedServer();
    const entries = await client.listWorkflows();
    expect(entries).toContainEqual(
      expect.objectContaining({ path: '/Team A/Q1 Sales & Costs #2', type: 'Workflow' }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ path: '/Examples', type: 'WorkflowGroup' }));
  });

  it('describes inputs, outputs and file inputs from :openapi', async () => {
    const { client } = await simulatedServer();
    const description = await client.describeWorkflow('/Examples/Files');
    expect(description.inputs.map((p) => p.name)).toEqual(['line-count']);
    expect(description.inputResources).toEqual([
      { name: 'file-upload', shortName: 'file-upload', contentType: 'text/csv', description: '' },
    ]);
    const duplicates = await client.describeWorkflow('/Examples/Duplicates');
    expect(duplicates.inputs.map((p) => [p.name, p.shortName])).toEqual([
      ['line-count-3', 'line-count'],
      ['line-count-5', 'line-count'],
      ['title', 'title'],
    ]);
  });

  it('runs a workflow whose path needs encoding', async () => {
    const { client, requests } = await simulatedServer();
    const result = await client.run('/Team A/Q1 Sales & Costs #2');
    expect(result.outputs).toEqual({ total: 42 });
    expect(requests).toContain(
      'POST /knime/rest/v4/repository/Team%20A/Q1%20Sales%20%26%20Costs%20%232:jobs',
    );
  });

  it('runs one-shot :execution and :job-pool calls', async () => {
    const { client, clock } = await simulatedServer({ simulator: { createJob: 'wait' } });
    // Synchronous calls wait on the simulator clock, so time moves while they are in flight.
    const timer = setInterval(() => clock.manual.advance(50), 1);
    try {
      const once = await client.execute('/Examples/Greeting', { name: 'Lin' });
      expect(once.outputs).toEqual({ greeting: 'Hello, Lin!' });
      const pooled = await client.execute('/Examples/Greeting', { name: 'Kay' }, { mode: 'job-pool' });
      expect(pooled.outputs).toEqual({ greeting: 'Hello, Kay!' });
    } finally {
      clearInterval(timer);
    }
  });
});

describe('authentication against the simulator', () => {
  it('runs with Basic credentials from the URL', async () => {
    const { simulator } = await simulatedServer({ simulator: { users } });
    const client = createClient({
      url: 'http://alice:alice-pw-1@knime-server.test/knime',
      fetch: simulator.fetch,
    });
    expect((await client.listWorkflows()).length).toBeGreaterThan(0);
  });

  it('reports wrong credentials without the password', async () => {
    const { simulator } = await simulatedServer({ simulator: { users } });
    const client = createClient({
      url: 'http://knime-server.test/knime',
      fetch: simulator.fetch,
      auth: { type: 'basic', username: 'alice', password: 'wrong-pw-9' },
    });
    const error = await client.listWorkflows().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain('wrong-pw-9');
  });

  it('refreshes expiring JWTs during a long wait', async () => {
    const { client, requests, simulator } = await simulatedServer({
      simulator: { users, jwtLifetimeMs: 600_000 },
      client: { auth: { type: 'jwt', username: 'alice', password: 'alice-pw-1' } },
    });
    const result = await client.run('/Examples/Long');
    expect(result.status.outcome).toBe('succeeded');
    const exchanges = requests.filter((request) => request === 'GET /knime/rest/v4/auth/jwt').length;
    expect(exchanges).toBeGreaterThanOrEqual(6);
    expect(exchanges).toBeLessThan(10);
    expect(simulator.stats.executionsStarted).toBe(1);
  });

  it('reports a denied workflow as a permission error', async () => {
    const { simulator } = await simulatedServer({
      simulator: { users, permissions: [{ user: 'alice', deny: ['/Examples/Fail'] }] },
    });
    const client = createClient({
      url: simulator.baseUrl,
      fetch: simulator.fetch,
      auth: { type: 'basic', username: 'alice', password: 'alice-pw-1' },
    });
    await expect(client.start('/Examples/Fail')).rejects.toBeInstanceOf(PermissionError);
  });
});

describe('server options', () => {
  it('turns cancel off with server.cancelPath false', async () => {
    const { simulator, clock } = await simulatedServer();
    const client = createClient({
      url: simulator.baseUrl,
      fetch: simulator.fetch,
      clock,
      server: { cancelPath: false },
    });
    const handle = await client.start('/Examples/Long');
    await expect(handle.cancel()).rejects.toThrow(/cancel of job .* is turned off/);
    expect(simulator.stats.cancels).toBe(0);
  });

  it('throws a lost creation with reconcileCreate false', async () => {
    const { simulator, clock } = await simulatedServer();
    simulator.faults.configure({ seed: 1, rules: [{ method: 'POST', path: ':jobs$', lostResponseRate: 1 }] });
    const seen: string[] = [];
    const client = createClient({
      url: simulator.baseUrl,
      fetch: (input, init) => {
        seen.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
        return simulator.fetch(input, init);
      },
      clock,
      server: { reconcileCreate: false },
    });
    const error = await client.start('/Examples/Greeting', { name: 'x' }).catch((e: unknown) => e);
    expect(isKnimeError(error)).toBe(true);
    expect((error as KnimeError).code).toBe('network');
    expect(seen).not.toContain('GET /knime/rest/v4/repository/Examples/Greeting:jobs');
    expect(seen.filter((request) => request.startsWith('POST') && request.endsWith(':jobs'))).toHaveLength(1);
  });
});
