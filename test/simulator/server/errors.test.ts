import { describe, expect, it } from 'vitest';
import { BOB, basic, createJob, harness, type Json, until } from './harness.js';

async function message(response: Response): Promise<string> {
  return ((await response.json()) as Json)['@error']['@message'];
}

describe('authentication', () => {
  it('rejects missing credentials with a Basic challenge', async () => {
    const h = await harness();
    const response = await h.call('GET', '/repository/', { auth: null });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="KNIME Server"');
    expect(await message(response)).toContain('Authentication required');
  });

  it('rejects a wrong password', async () => {
    const h = await harness();
    const response = await h.call('GET', '/repository/', { auth: basic('alice', 'wrong') });
    expect(response.status).toBe(401);
    expect(await message(response)).toBe('Invalid user name or password');
    expect((await h.call('GET', '/repository/', { auth: basic('mallory', 'x') })).status).toBe(401);
    expect((await h.call('GET', '/repository/', { auth: 'Digest abc' })).status).toBe(401);
  });

  it('omits the challenge when configured', async () => {
    const h = await harness({ wwwAuthenticate: false });
    const response = await h.call('GET', '/repository/', { auth: null });
    expect(response.status).toBe(401);
    expect(response.headers.has('www-authenticate')).toBe(false);
  });

  it('issues a plain-text JWT usable as Bearer', async () => {
    const h = await harness();
    const response = await h.call('GET', '/auth/jwt');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    const token = await response.text();
    expect(token.split('.')).toHaveLength(3);

    const created = await h.call('POST', '/repository/Examples/Greeter:jobs', { auth: `Bearer ${token}` });
    expect(created.status).toBe(201);
    expect(((await created.json()) as Json).owner).toBe('alice');
    expect((await h.call('GET', '/jobs', { auth: `Bearer ${token}x` })).status).toBe(401);
    expect((await h.call('GET', '/jobs', { auth: 'Bearer a.b' })).status).toBe(401);
  });

  it('expires tokens on the simulated clock', async () => {
    const h = await harness({ jwtLifetimeMs: 60_000 });
    const token = await (await h.call('GET', '/auth/jwt')).text();
    expect((await h.call('GET', '/jobs', { auth: `Bearer ${token}` })).status).toBe(200);
    h.clock.advance(60_000);
    const expired = await h.call('GET', '/jobs', { auth: `Bearer ${token}` });
    expect(expired.status).toBe(401);
    expect(await message(expired)).toContain('expired');
  });

  it('runs without authentication when no users are configured', async () => {
    const h = await harness({ users: [] });
    const created = await h.call('POST', '/repository/Examples/Greeter:jobs', { auth: null });
    expect(created.status).toBe(201);
    expect(((await created.json()) as Json).owner).toBe('anonymous');
  });
});

describe('permissions', () => {
  it('forbids denied items with 403', async () => {
    const h = await harness();
    const response = await h.call('GET', '/repository/Secret/Payroll', { auth: BOB });
    expect(response.status).toBe(403);
    expect(await message(response)).toBe('User bob may not use /Secret/Payroll');
    expect((await h.call('POST', '/repository/Secret/Payroll:jobs', { auth: BOB })).status).toBe(403);
    expect((await h.call('POST', '/repository/Secret/Payroll:execution', { auth: BOB })).status).toBe(403);
    expect(h.sim.stats.jobsCreated).toBe(0);
    expect((await h.call('POST', '/repository/Secret/Payroll:jobs')).status).toBe(201);
  });

  it('lists denied items without controls', async () => {
    const h = await harness();
    const body = (await (await h.call('GET', '/repository/?deep=true', { auth: BOB })).json()) as Json;
    const secret = body.children.find((c: Json) => c.path === '/Secret');
    expect(secret.type).toBe('WorkflowGroup');
    expect(secret['@controls']).toBeUndefined();
    expect(secret.children[0]['@controls']).toBeUndefined();
    const examples = body.children.find((c: Json) => c.path === '/Examples');
    expect(examples['@controls']).toBeDefined();
  });

  it('applies allow lists segment by segment', async () => {
    const h = await harness({ permissions: [{ user: '*', allow: ['/Examples'] }] });
    expect((await h.call('GET', '/repository/Examples/Greeter')).status).toBe(200);
    expect((await h.call('GET', '/repository/Team A/data.csv')).status).toBe(403);
    expect((await h.call('GET', '/repository/')).status).toBe(403);
  });
});

describe('request errors', () => {
  it('returns 404 for unknown jobs', async () => {
    const h = await harness();
    const id = '5b0e2c1a-3f4d-4c55-9a61-0f1d2e3c4b5a';
    for (const [method, path] of [
      ['GET', `/jobs/${id}`],
      ['POST', `/jobs/${id}`],
      ['DELETE', `/jobs/${id}`],
      ['DELETE', `/jobs/${id}/execution`],
      ['GET', `/jobs/${id}/output-resources/x`],
      ['GET', `/jobs/${id}/workflow-summary`],
      ['PUT', `/jobs/${id}/swap`],
    ] as const) {
      const response = await h.call(method, path);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await message(response), `${method} ${path}`).toBe(`Job ${id} does not exist`);
    }
  });

  it('rejects malformed JSON with 400', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const response = await h.call('POST', `/jobs/${id}`, {
      body: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(await message(response)).toMatch(/^Request body is not valid JSON: /);
    expect(h.sim.stats.executionsStarted).toBe(0);
  });

  it('rejects an array body with 400', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const response = await h.json('POST', `/jobs/${id}`, [{ name: 'name', value: 'x' }]);
    expect(response.status).toBe(400);
    expect(await message(response)).toContain('must be a JSON object keyed by parameter name');
  });

  it('rejects an unknown parameter with the valid names', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const response = await h.json('POST', `/jobs/${id}`, { nmae: { string: 'x' } });
    expect(response.status).toBe(400);
    expect(await message(response)).toBe(
      'Parameter name "nmae" doesn\'t match any node in the workflow, valid parameter names are: ["name", "customers"]',
    );
    expect(h.sim.stats.executionsStarted).toBe(0);
  });

  it('rejects a missing required input', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Required');
    const response = await h.json('POST', `/jobs/${id}`, {});
    expect(response.status).toBe(400);
    expect(await message(response)).toBe("An input for parameter 'payload' is required.");
  });

  it('uses the configured validation status', async () => {
    const h = await harness({ validationStatus: 409 });
    const id = await createJob(h, '/Examples/Required');
    expect((await h.json('POST', `/jobs/${id}`, {})).status).toBe(409);
  });

  it('rejects bad query parameters', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const timeout = await h.json('POST', `/jobs/${id}?timeout=10s`, {});
    expect(timeout.status).toBe(400);
    expect(await message(timeout)).toContain('timeout=10s');
    expect((await h.json('POST', `/jobs/${id}?async=maybe`, {})).status).toBe(400);
  });

  it('rejects inputs while executing with 409', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Long');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    const response = await h.json('POST', `/jobs/${id}?async=true&reset=true`, {});
    expect(response.status).toBe(409);
    expect(await message(response)).toBe('Cannot apply new parameters - workflow still in execution');
    expect(h.sim.stats.executionsStarted).toBe(1);

    const configured = await harness({ busyStatus: 400 });
    const other = await createJob(configured, '/Examples/Long');
    await configured.json('POST', `/jobs/${other}?async=true`, {});
    expect((await configured.json('POST', `/jobs/${other}?async=true`, {})).status).toBe(400);
  });

  it('requires reset to run a job again', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    h.clock.advance(200);
    const again = await h.json('POST', `/jobs/${id}?async=true`, {});
    expect(again.status).toBe(409);
    expect(await message(again)).toContain('reset=true');
    expect((await h.json('POST', `/jobs/${id}?async=true&reset=true`, {})).status).toBe(200);
    expect(h.sim.stats.executionsByJob.get(id)).toBe(2);
  });

  it('rejects unknown creation parameters when configured', async () => {
    const lenient = await harness();
    expect((await lenient.call('POST', '/repository/Examples/Greeter:jobs?asyncLoading=false')).status).toBe(
      201,
    );

    const strict = await harness({ unknownCreateParameters: 'reject' });
    const response = await strict.call('POST', '/repository/Examples/Greeter:jobs?asyncLoading=false');
    expect(response.status).toBe(400);
    expect(await message(response)).toContain('asyncLoading');
    expect(
      (await strict.call('POST', '/repository/Examples/Greeter:jobs?discardAfterSuccessfulExec=true')).status,
    ).toBe(201);
  });

  it('rejects discarding an executing job when configured', async () => {
    const h = await harness({
      engine: { defaults: { loadMs: 0, durationMs: 200 }, discardExecuting: 'reject' },
    });
    const id = await createJob(h, '/Examples/Long');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    expect((await h.call('DELETE', `/jobs/${id}`)).status).toBe(409);
    expect(h.sim.engine.getJob(id)?.state).toBe('EXECUTING');
  });

  it('cancels then discards an executing job by default', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Long');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    expect((await h.call('DELETE', `/jobs/${id}`)).status).toBe(204);
    expect(h.sim.stats).toMatchObject({ cancels: 1, discards: 1, currentlyExecuting: 0 });
  });
});

describe('synchronous timeouts', () => {
  it('returns 504 and keeps the job running', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Long');
    const pending = h.json('POST', `/jobs/${id}?timeout=1000`, {});
    await until(() => h.sim.stats.currentlyExecuting === 1, 'execution start');
    h.clock.advance(1000);
    const response = await pending;
    expect(response.status).toBe(504);
    expect(await message(response)).toContain(`Job ${id} did not finish within timeout=1000 ms`);
    expect(h.sim.engine.getJob(id)?.state).toBe('EXECUTING');
    const listed = (await (await h.call('GET', '/jobs')).json()) as Json;
    expect(listed.jobs[0].state).toBe('EXECUTING');
  });

  it('answers timeout=0 with 504 at once', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const response = await h.json('POST', `/jobs/${id}?timeout=0`, {});
    expect(response.status).toBe(504);
    expect(h.sim.engine.getJob(id)?.state).toBe('EXECUTING');

    const oneShot = await h.json('POST', '/repository/Examples/Greeter:execution?timeout=0', {});
    expect(oneShot.status).toBe(504);
  });

  it('cancels the job on 504 when configured', async () => {
    const h = await harness({ syncTimeout: 'cancel' });
    const id = await createJob(h, '/Examples/Long');
    const response = await h.json('POST', `/jobs/${id}?timeout=0`, {});
    expect(response.status).toBe(504);
    expect(await message(response)).toContain('was cancelled');
    expect(h.sim.engine.getJob(id)?.state).toBe('EXECUTION_CANCELLED');
  });

  it('waits without limit for timeout=-1', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Long');
    const pending = h.json('POST', `/jobs/${id}?timeout=-1`, {});
    await until(() => h.sim.stats.currentlyExecuting === 1, 'execution start');
    h.clock.advance(600_000);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).state).toBe('EXECUTION_FINISHED');
  });
});

describe('error body styles', () => {
  it('sends plain text when configured', async () => {
    const h = await harness({ errorStyle: 'text' });
    const response = await h.call('GET', '/jobs/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(await response.text()).toBe('Job nope does not exist');
  });

  it('sends an empty body when configured', async () => {
    const h = await harness({ errorStyle: 'empty' });
    const response = await h.call('GET', '/jobs/nope', { auth: null });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
  });
});
