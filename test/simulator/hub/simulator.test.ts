import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/simulator/common/clock.js';
import {
  createHubSimulator,
  serveHubSimulatorFromCli,
  startHubSimulator,
} from '../../../src/simulator/hub/index.js';
import { describeWithFixtures, fixturePath } from '../../support/fixtures.js';
import { buildWorkspace } from '../engine/workspace-builder.js';
import { ALICE, ALICE_PASSWORD, harness, WORKFLOWS } from './harness.js';

describe('hub simulator entry points', () => {
  it('serves on 127.0.0.1 over a real socket', async () => {
    const running = await startHubSimulator({
      workspace: buildWorkspace(WORKFLOWS),
      users: [{ name: 'alice', applicationPasswords: [ALICE_PASSWORD], teams: ['Data Team'] }],
      teams: [{ name: 'Data Team' }],
    });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const billboard = await fetch(`${running.url}/knime/rest`);
      expect(billboard.status).toBe(200);

      const job = await fetch(
        `${running.url}/jobs?workflowUri=${encodeURIComponent('/Users/Data Team/Services/Greeter')}`,
        {
          method: 'POST',
          headers: { authorization: ALICE },
        },
      );
      expect(job.status).toBe(201);
      const body = (await job.json()) as { '@controls': { self: { href: string } } };
      expect(body['@controls'].self.href.startsWith(`${running.url}/jobs/`)).toBe(true);
    } finally {
      await running.close();
    }
  });

  it('maps top-level folders to accounts when configured', async () => {
    const sim = await createHubSimulator({
      workspace: buildWorkspace({ '/Data Team/Services/Score': {}, '/alice/Private/Draft': {} }),
      spaceMapping: 'accounts',
      users: [{ name: 'alice', teams: ['Data Team'] }],
      teams: [{ name: 'Data Team' }],
      clock: new ManualClock(),
    });
    const items = sim.parts.spaces.items().map((item) => `${item.type} ${item.path}`);
    expect(items).toEqual([
      'Space /Users/alice/Private',
      'Workflow /Users/alice/Private/Draft',
      'Space /Users/Data Team/Services',
      'Workflow /Users/Data Team/Services/Score',
    ]);
    const draft = sim.parts.spaces.find('/Users/alice/Private/Draft');
    expect(draft?.owner.type).toBe('user');
    expect(draft?.canonicalPath).toMatch(/^\/Users\/account:user:[0-9a-f-]{36}\/Private\/Draft$/);
  });

  it('serves repository items by path and id', async () => {
    const h = await harness();
    const byPath = await h.call('GET', `/repository/Users/${encodeURIComponent('Data Team')}/Services`);
    expect(byPath.status).toBe(200);
    const space = (await byPath.json()) as { type: string; children: { path: string; type: string }[] };
    expect(space.type).toBe('Space');
    expect(space.children.map((child) => `${child.type} ${child.path}`)).toContain(
      'Workflow /Users/Data Team/Services/Greeter',
    );

    const greeter = h.sim.parts.spaces.find('/Users/Data Team/Services/Greeter');
    const byId = await h.call('GET', `/repository/${greeter?.id}`);
    expect(((await byId.json()) as { path: string }).path).toBe('/Users/Data Team/Services/Greeter');

    const versions = (await (await h.call('GET', `/repository/${greeter?.id}/versions`)).json()) as {
      totalCount: number;
      versions: { version: number; title: string }[];
    };
    expect(versions.totalCount).toBe(2);
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions.versions[1]?.title).toBe('First');

    const malformed = await h.call('GET', '/repository/Users/%E0%A4%A');
    expect(malformed.status).toBe(404);

    const missing = await h.call('GET', '/repository/*k9uLSSInH1xt2UHo');
    expect(await missing.json()).toEqual({
      title: "Item '*k9uLSSInH1xt2UHo' does not exist.",
      status: 404,
      details: [],
    });
  });

  it('injects faults per route', async () => {
    const h = await harness({
      faults: { seed: 1, rules: [{ method: 'GET', path: '^/jobs$', serverErrorRate: 1 }] },
    });
    const faulty = await h.call('GET', '/jobs');
    expect([500, 502, 503]).toContain(faulty.status);
    expect(h.sim.faults.counts.serverError).toBe(1);
    const healthy = await h.call('GET', '/execution-contexts');
    expect(healthy.status).toBe(200);
  });

  it('limits the request rate when configured', async () => {
    const h = await harness({ rateLimit: { requestsPerSecond: 2, status: 429 } });
    expect((await h.call('GET', '/jobs')).status).toBe(200);
    expect((await h.call('GET', '/jobs')).status).toBe(200);
    const limited = await h.call('GET', '/jobs');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    h.clock.advance(1000);
    expect((await h.call('GET', '/jobs')).status).toBe(200);
  });

  it('lists execution contexts of a team', async () => {
    const h = await harness({
      executionContexts: [{ name: 'Main' }, { name: 'Shared', scope: 'hub:global', status: 'full' }],
    });
    const team = h.sim.parts.accounts.teamByName('Data Team')?.id ?? '';
    const body = (await (await h.call('GET', `/execution-contexts/${team}`)).json()) as {
      executionContexts: { name: string; defaultForSpaces: string[] }[];
    };
    expect(body.executionContexts.map((context) => context.name)).toEqual(['Main', 'Shared']);
    expect(body.executionContexts[0]?.defaultForSpaces).toHaveLength(1);
  });

  it('item version of an unknown item', async () => {
    await expect(
      createHubSimulator({
        workspace: buildWorkspace(WORKFLOWS),
        itemVersions: { '/Services/Nope': [{ version: 1 }] },
      }),
    ).rejects.toThrow('itemVersions: item "/Services/Nope" not found');
  });

  it('gives seeded runs the same job ids', async () => {
    const first = await harness();
    const second = await harness();
    const a = (await (
      await first.call('POST', `/jobs?workflowUri=${encodeURIComponent('/Users/Data Team/Services/Greeter')}`)
    ).json()) as { id: string };
    const b = (await (
      await second.call(
        'POST',
        `/jobs?workflowUri=${encodeURIComponent('/Users/Data Team/Services/Greeter')}`,
      )
    ).json()) as { id: string };
    expect(a.id).toBe(b.id);
  });
});

describeWithFixtures('hub simulator on a KNIME workspace folder', () => {
  it('CLI prints the API root first', async () => {
    const lines: string[] = [];
    const served = await serveHubSimulatorFromCli(
      { workspace: fixturePath('knime-workspace'), seed: 3, hub: { executionContexts: [{ name: 'Demo' }] } },
      { write: (text: string) => lines.push(...text.split('\n').filter((line) => line !== '')) },
    );
    try {
      expect(lines[0]).toBe(served.url);
      expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines[1]).toBe('authentication: off (requests act as knime-user)');
      expect(
        lines.some((line) => line.startsWith('execution context ') && line.endsWith(' Demo (running)')),
      ).toBe(true);
      expect(
        lines.some((line) => /^workflow \*\S+ \/Users\/Simulated Team\/Workspace\/test20190410$/.test(line)),
      ).toBe(true);
    } finally {
      await served.close();
    }
  });

  it('runs a real fixture workflow', async () => {
    const running = await startHubSimulator({ workspace: fixturePath('knime-workspace'), timeScale: 1000 });
    try {
      const uri = encodeURIComponent('/Users/Simulated Team/Workspace/test20190410');
      const response = await fetch(`${running.url}/execution?workflowUri=${uri}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({}),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        workflowState: string;
        outputValues: Record<string, unknown>;
      };
      expect(body.workflowState).toBe('EXECUTION_FINISHED');
      expect(Object.keys(body.outputValues)).toEqual(['output-1']);
    } finally {
      await running.close();
    }
  });

  it('authenticates CLI credentials', async () => {
    const lines: string[] = [];
    const served = await serveHubSimulatorFromCli(
      { workspace: fixturePath('knime-workspace'), credentials: [{ name: 'ci', password: 'ci-secret' }] },
      { write: (text: string) => lines.push(...text.split('\n').filter((line) => line !== '')) },
    );
    try {
      expect(lines[1]).toBe('users: ci');
      const anonymous = await fetch(`${served.url}/jobs`);
      expect(anonymous.status).toBe(401);
      const uri = encodeURIComponent('/Users/Simulated Team/Workspace/test20190410');
      const created = await fetch(`${served.url}/jobs?workflowUri=${uri}&asyncLoading=true`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('ci:ci-secret').toString('base64')}` },
      });
      expect(created.status).toBe(201);
    } finally {
      await served.close();
    }
  });
});
