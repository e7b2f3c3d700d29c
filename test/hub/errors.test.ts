import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InvalidInputError,
  type KnimeError,
  NotFoundError,
  PermissionError,
  ProtocolError,
  ServerError,
  TimeoutError,
} from '../../src/errors/index.js';
import { CapacityError } from '../../src/hub/errors.js';
import { listExecutionContexts } from '../../src/hub/index.js';
import {
  ALICE_PASSWORD,
  BOB_PASSWORD,
  CAROL_TOKEN,
  hubFixture,
  hubPath,
  REVOKED_PASSWORD,
  WORKFLOWS,
} from './support.js';

const GREETER = hubPath('/Services/Greeter');

function secretsOf(password: string, pwId: string): string[] {
  return [password, Buffer.from(`${pwId}:${password}`).toString('base64')];
}

describe('hub authentication errors', () => {
  it('reports a revoked password as authentication error', async () => {
    const { client, logger, requests } = await hubFixture({
      client: {
        auth: { type: 'basic', username: REVOKED_PASSWORD.pwId, password: REVOKED_PASSWORD.password },
      },
    });
    const error = (await client.run(GREETER).catch((e: unknown) => e)) as AuthenticationError;

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.message).toContain('GET http://api.hub.test/accounts/identity failed with HTTP 401');
    expect(error.message).toContain('application password or token was rejected');
    expect(error.message).toMatch(/x-request-id [0-9a-f-]+/);
    expect(requests).toHaveLength(1);
    for (const secret of secretsOf(REVOKED_PASSWORD.password, REVOKED_PASSWORD.pwId)) {
      expect(error.message).not.toContain(secret);
      expect(logger.text()).not.toContain(secret);
    }
  });

  it('reports a missing right as permission error', async () => {
    const { client } = await hubFixture({
      client: { auth: { type: 'basic', username: BOB_PASSWORD.pwId, password: BOB_PASSWORD.password } },
    });
    const error = (await client
      .run(GREETER, {}, { validateInputs: false })
      .catch((e: unknown) => e)) as KnimeError;

    expect(error).toBeInstanceOf(PermissionError);
    expect(error.status).toBe(403);
    expect(error.message).toContain('lack the permission');
    expect(error.message).toMatch(/x-request-id [0-9a-f-]+/);
  });

  it('accepts a bearer token', async () => {
    const { client, requests } = await hubFixture({
      client: { auth: { type: 'bearer', token: CAROL_TOKEN } },
    });
    const result = await client.run(GREETER, { 'json-input': { name: 'Carol' } });
    expect(result.outputs['json-output']).toBe('Hello, Carol!');
    expect(requests.every((request) => request.authorization === `Bearer ${CAROL_TOKEN}`)).toBe(true);
  });

  it('keeps secrets out of debug logs and errors', async () => {
    const { client, logger } = await hubFixture();
    await client.run(GREETER, { 'json-input': { name: 'x' } });
    const error = (await client.run(hubPath('/Services/Missing')).catch((e: unknown) => e)) as KnimeError;
    expect(error).toBeInstanceOf(NotFoundError);
    const text = `${logger.text()}\n${error.message}\n${error.body}`;
    expect(logger.records.some((record) => record.message === 'sending request')).toBe(true);
    for (const secret of secretsOf(ALICE_PASSWORD.password, ALICE_PASSWORD.pwId)) {
      expect(text).not.toContain(secret);
    }
  });

  it('rejects JWT credentials for a Hub', async () => {
    await expect(
      hubFixture({ client: { auth: { type: 'jwt', username: 'u', password: 'p' } } }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('hub problem documents', () => {
  it('puts title, details and request id into the message', async () => {
    const { client } = await hubFixture();
    const error = (await client.run(hubPath('/Services/Missing')).catch((e: unknown) => e)) as KnimeError;

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.status).toBe(422);
    expect(error.message).toContain(
      "failed with HTTP 422: Item '/Users/Data Team/Services/Missing' does not exist.",
    );
    expect(error.message).toMatch(/\(x-request-id [0-9a-f-]+, x-error-id [0-9a-f-]+\)$/);
    expect((error as unknown as { requestId: string }).requestId).toMatch(/[0-9a-f-]{36}/);
  });

  it('describes a non-JSON proxy error', async () => {
    const { client, sim } = await hubFixture();
    sim.faults.configure({
      seed: 1,
      rules: [{ method: 'GET', path: '^/accounts/identity$', nonJsonErrorRate: 1 }],
    });
    const error = (await client.run(GREETER).catch((e: unknown) => e)) as KnimeError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('HTML page');
    expect(error.message).toContain('502 Bad Gateway');
  });

  it('reports a URL that is not a Hub API', async () => {
    const { client, sim } = await hubFixture();
    const wrong = await hubFixture({ client: { url: `${sim.baseUrl}/not-the-api` } });
    const error = (await wrong.client.validate().catch((e: unknown) => e)) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain('did not respond like a KNIME Business Hub API');
    expect(client.baseUrl).toBe('http://api.hub.test');
  });
});

describe('hub execution context capacity', () => {
  it('reports a full context as capacity error', async () => {
    const { client, sim } = await hubFixture({
      simulator: { executionContexts: [{ name: 'Small', maxLoadedJobs: 1 }] },
    });
    await client.start(hubPath('/Services/Long'));
    const error = (await client
      .run(GREETER, { 'json-input': { name: 'x' } }, { loadTimeoutMs: 5000 })
      .catch((e: unknown) => e)) as CapacityError;

    expect(error).toBeInstanceOf(CapacityError);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.capacityStatus).toBe('full');
    expect(error.executionContext.name).toBe('Small');
    expect(error.message).toContain('execution context "Small"');
    expect(error.message).toContain('is at full capacity (1 of 1 jobs loaded)');
    expect(sim.parts.jobs.all()).toHaveLength(1);
    expect(sim.stats.executionsStarted).toBe(1);
  });

  it('reports a stopped context as capacity error', async () => {
    const { client, sim } = await hubFixture({
      simulator: { executionContexts: [{ name: 'Night', status: 'stopped' }] },
    });
    const error = (await client
      .run(GREETER, { 'json-input': { name: 'x' } }, { loadTimeoutMs: 3000 })
      .catch((e: unknown) => e)) as CapacityError;
    expect(error).toBeInstanceOf(CapacityError);
    expect(error.capacityStatus).toBe('stopped');
    expect(error.message).toContain('has no running executor');
    expect(sim.parts.jobs.all()).toHaveLength(0);
  });

  it('reports a disabled context as capacity error', async () => {
    const { client, sim } = await hubFixture({
      simulator: { executionContexts: [{ name: 'Old', status: 'disabled' }] },
    });
    const error = (await client
      .run(GREETER, { 'json-input': { name: 'x' } })
      .catch((e: unknown) => e)) as CapacityError;
    expect(error).toBeInstanceOf(CapacityError);
    expect(error.capacityStatus).toBe('disabled');
    expect(error.status).toBe(422);
    expect(error.message).toContain('is disabled');
    expect(sim.stats.jobsCreated).toBe(0);
  });

  it('reports a slow load as load timeout', async () => {
    const { client, sim } = await hubFixture({
      simulator: {
        workspace: (await import('../simulator/engine/workspace-builder.js')).buildWorkspace({
          ...WORKFLOWS,
          '/Services/SlowLoad': { simulation: { loadMs: 600_000 } },
        }),
      },
    });
    const error = (await client
      .run(hubPath('/Services/SlowLoad'), {}, { loadTimeoutMs: 10_000 })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('load');
    expect(error.message).toContain('load timeout of 10000 ms');
    expect(sim.parts.jobs.all()).toHaveLength(0);
  });

  it('lists contexts with their capacity', async () => {
    const { client } = await hubFixture({
      simulator: {
        executionContexts: [
          { name: 'Small', maxLoadedJobs: 1 },
          { name: 'Night', status: 'stopped' },
          { name: 'Old', status: 'disabled' },
        ],
      },
    });
    await client.start(hubPath('/Services/Long'));
    const contexts = await listExecutionContexts(client, { scope: 'Data Team' });
    const status = Object.fromEntries(contexts.map((context) => [context.name, context.capacity.status]));
    expect(status).toEqual({ Small: 'full', Night: 'stopped', Old: 'disabled' });
    const small = contexts.find((context) => context.name === 'Small');
    expect(small?.capacity.loadedJobs).toBe(1);
    expect(small?.capacity.maxLoadedJobs).toBe(1);
  });
});
