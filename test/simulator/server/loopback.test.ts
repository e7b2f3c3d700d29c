import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServerSimulator, startServerSimulator } from '../../../src/simulator/index.js';
import { serveSimulatorFromCli } from '../../../src/simulator/serve.js';
import { describeWithFixtures, fixturePath } from '../../support/fixtures.js';
import { buildWorkspace } from '../engine/workspace-builder.js';
import { ALICE, type Json, WORKFLOWS } from './harness.js';

describe('loopback server', () => {
  let running: { close(): Promise<void> } | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('runs a job over a real socket', async () => {
    const server: RunningServerSimulator = await startServerSimulator({
      workspace: buildWorkspace(WORKFLOWS),
      users: [{ name: 'alice', password: 'alice-pw' }],
      timeScale: 50,
      engine: { defaults: { loadMs: 10, durationMs: 100 } },
    });
    running = server;
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/knime$/);

    const headers = { authorization: ALICE, 'content-type': 'application/json' };
    const created = await fetch(
      `${server.url}/rest/v4/repository/Team%20A/Q1%20Sales%20%26%20Costs%20%232:jobs`,
      {
        method: 'POST',
        headers,
      },
    );
    expect(created.status).toBe(201);
    const job = (await created.json()) as Json;
    expect(created.headers.get('location')).toBe(`${server.url}/rest/v4/jobs/${job.id}`);

    const executed = await fetch(`${server.url}/rest/v4/jobs/${job.id}?timeout=5000`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(((await executed.json()) as Json).state).toBe('EXECUTION_FINISHED');

    const unauthorised = await fetch(`${server.url}/rest/v4/jobs`);
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.headers.get('www-authenticate')).toBe('Basic realm="KNIME Server"');
  });
});

describe('CLI entry point defaults', () => {
  it('serves the demo workspace without authentication', async () => {
    const lines: string[] = [];
    const running = await serveSimulatorFromCli(
      {},
      { write: (text: string) => lines.push(...text.trim().split('\n')) },
    );
    try {
      expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/knime$/);
      expect(lines[1]).toBe('authentication: off (no --user given)');
      expect(lines).toContain('workflow /Demo/Hello World');
      const listing = await fetch(`${lines[0]}/rest/v4/repository/Demo`);
      expect(listing.status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

describeWithFixtures('CLI entry point', () => {
  let running: { close(): Promise<void> } | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('prints the context root URL first and serves the workspace', async () => {
    const lines: string[] = [];
    running = await serveSimulatorFromCli(
      {
        workspace: fixturePath('knime-workspace'),
        users: [{ name: 'alice', password: 'alice-pw' }],
        contextRoot: '/webportal',
        timeScale: 100,
        seed: 3,
      },
      { write: (text: string) => lines.push(...text.split('\n').filter((line) => line !== '')) },
    );
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webportal$/);
    expect(lines).toContain('users: alice');
    expect(lines).toContain('workflow /test20190410');

    const url = lines[0];
    const openapi = await fetch(`${url}/rest/v4/repository/test20190410:openapi`, {
      headers: { authorization: ALICE },
    });
    expect(openapi.status).toBe(200);
    const document = (await openapi.json()) as Json;
    expect(Object.keys(document.components.schemas.InputParameters.properties)).toEqual(['input-2']);

    const execution = await fetch(`${url}/rest/v4/repository/test20190410:execution?timeout=10000`, {
      method: 'POST',
      headers: { authorization: ALICE, 'content-type': 'application/json' },
      body: JSON.stringify({ 'input-2': { 'table-spec': [{ a: 'string' }], 'table-data': [['x']] } }),
    });
    expect(execution.status).toBe(200);
    const body = (await execution.json()) as Json;
    expect(body.state).toBe('EXECUTION_FINISHED');
    expect(Object.keys(body.outputValues)).toEqual(['output-1']);
  });
});
