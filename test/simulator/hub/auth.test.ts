import { describe, expect, it } from 'vitest';
import { createHubSimulator } from '../../../src/simulator/hub/index.js';
import { buildWorkspace } from '../engine/workspace-builder.js';
import {
  ALICE,
  ALICE_PASSWORD,
  BOB,
  basic,
  CAROL_TOKEN,
  createJob,
  harness,
  REVOKED_PASSWORD,
  WORKFLOWS,
  workflowUri,
} from './harness.js';

async function problem(
  response: Response,
): Promise<{ title: string; status?: number; details: string[]; code?: string }> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers.get('x-error-id')).toMatch(/^[0-9a-f-]{36}$/);
  return (await response.json()) as { title: string; status?: number; details: string[]; code?: string };
}

describe('hub simulator authentication', () => {
  it('rejects a request without credentials with 401', async () => {
    const h = await harness();
    const response = await h.call('GET', '/jobs', { auth: null });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Basic');
    const body = await problem(response);
    expect(body.title).toContain('Authentication required');
    expect(body.status).toBe(401);
    expect(body.details).toEqual([]);
  });

  it('rejects a wrong password with 401', async () => {
    const h = await harness();
    const response = await h.call('GET', '/jobs', { auth: basic(ALICE_PASSWORD.pwId, 'wrong') });
    expect(response.status).toBe(401);
    expect((await problem(response)).title).toBe('Invalid application password.');
  });

  it('rejects a revoked application password with 401', async () => {
    const h = await harness();
    const response = await h.call('GET', '/accounts/identity', {
      auth: basic(REVOKED_PASSWORD.pwId, REVOKED_PASSWORD.password),
    });
    expect(response.status).toBe(401);
    expect((await problem(response)).title).toContain('revoked');
  });

  it('accepts Basic with pwId and password', async () => {
    const h = await harness();
    const response = await h.call('GET', '/accounts/identity');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      name: string;
      id: string;
      teams: { id: string; name: string }[];
    };
    expect(body.name).toBe('alice');
    expect(body.id).toMatch(/^account:user:[0-9a-f-]{36}$/);
    expect(body.teams.map((team) => team.name)).toEqual(['Data Team']);
    expect(body.teams[0]?.id).toMatch(/^account:team:/);
  });

  it('accepts the authToken query parameter', async () => {
    const h = await harness();
    const token = Buffer.from(`${ALICE_PASSWORD.pwId}:${ALICE_PASSWORD.password}`).toString('base64');
    const response = await h.call('GET', `/accounts/identity?authToken=${encodeURIComponent(token)}`, {
      auth: null,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('alice');
  });

  it('ignores authToken when configured off', async () => {
    const h = await harness({ authTokenQuery: 'none' });
    const token = Buffer.from(`${ALICE_PASSWORD.pwId}:${ALICE_PASSWORD.password}`).toString('base64');
    const response = await h.call('GET', `/accounts/identity?authToken=${encodeURIComponent(token)}`, {
      auth: null,
    });
    expect(response.status).toBe(401);
  });

  it('accepts a bearer token', async () => {
    const h = await harness();
    const response = await h.call('GET', '/accounts/identity', { auth: `Bearer ${CAROL_TOKEN}` });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('carol');

    const wrong = await h.call('GET', '/accounts/identity', { auth: 'Bearer nope' });
    expect(wrong.status).toBe(401);
  });

  it('accepts the session cookie', async () => {
    const h = await harness();
    const response = await h.call('GET', '/accounts/identity', {
      auth: null,
      headers: { cookie: `other=1; knime_hub_auth=${CAROL_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('carol');
  });

  it('returns the application password owner', async () => {
    const h = await harness();
    const response = await h.call('GET', '/application-passwords/identity');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { name: string; applicationPassword: { name: string } };
    expect(body.name).toBe('alice');
    expect(body.applicationPassword.name).toBe('ci-runner');

    const withBearer = await h.call('GET', '/application-passwords/identity', {
      auth: `Bearer ${CAROL_TOKEN}`,
    });
    expect(withBearer.status).toBe(401);
  });

  it('403 for a caller outside the team', async () => {
    const h = await harness();
    const response = await h.call('POST', `/jobs?workflowUri=${workflowUri('/Services/Greeter')}`, {
      auth: BOB,
    });
    expect(response.status).toBe(403);
    const body = await problem(response);
    expect(body.code).toBe('PermissionError');
    expect(body.details[0]).toContain("'bob' is not a member of 'Data Team'");
  });

  it('shares jobs within the team only', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');

    const teamMate = await h.call('GET', `/jobs/${id}`, { auth: `Bearer ${CAROL_TOKEN}` });
    expect(teamMate.status).toBe(200);

    const outsider = await h.call('GET', `/jobs/${id}`, { auth: BOB });
    expect(outsider.status).toBe(403);

    const list = await h.call('GET', '/jobs', { auth: BOB });
    expect(((await list.json()) as { jobs: unknown[] }).jobs).toEqual([]);
  });

  it('serves the billboard without credentials', async () => {
    const h = await harness();
    const response = await h.call('GET', '/knime/rest', { auth: null });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { mountId: string; preferredAuthType: string; version: string };
    expect(body.mountId).toBe('KNIME-Hub');
    expect(body.preferredAuthType).toBe('OAuth');
    expect(body.version).toBe('5.0.0');
  });

  it('turns authentication off without credentials configured', async () => {
    const sim = await createHubSimulator({
      workspace: buildWorkspace(WORKFLOWS),
      users: [{ name: 'solo', teams: ['Solo Team'] }],
      teams: [{ name: 'Solo Team' }],
    });
    const response = await sim.fetch(`${sim.baseUrl}/accounts/identity`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('solo');
  });

  it('never echoes the password in an error', async () => {
    const h = await harness();
    const response = await h.call('GET', '/jobs', { auth: basic(ALICE_PASSWORD.pwId, 'top-secret-guess') });
    expect(await response.text()).not.toContain('top-secret-guess');
    expect(ALICE).not.toBe('');
  });
});
