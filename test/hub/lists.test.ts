import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError, ProtocolError } from '../../src/errors/index.js';
import { listDeployments, listExecutionContexts } from '../../src/hub/index.js';
import { createClient } from '../../src/job/client.js';
import { ALICE, createDeployment, hubFixture, hubPath } from './support.js';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

describe('hub lists', () => {
  it('follows cursor pages of deployments', async () => {
    const { client, sim, sequence } = await hubFixture();
    const ids: string[] = [];
    for (let index = 0; index < 103; index += 1) {
      ids.push(await createDeployment(sim, '/Services/Greeter', { name: `Service ${index}` }));
    }

    const deployments = await listDeployments(client, { scope: 'Data Team' });

    expect(deployments.map((deployment) => deployment.id).sort()).toEqual([...ids].sort());
    expect(deployments[0]).toMatchObject({ type: 'rest', itemVersion: 'current-state' });
    const pages = sequence().filter((line) => line.startsWith('GET /deployments/'));
    expect(pages).toHaveLength(2);
    expect(pages[0]).toMatch(/^GET \/deployments\/account:team:[^?]+\?pagelen=100$/);
    expect(pages[1]).toMatch(/\?cursor=[^&]+&pagelen=100$/);
  });

  it('looks deployments up by name and reports unknown names', async () => {
    const { client, sim } = await hubFixture();
    await createDeployment(sim, '/Services/Greeter', { name: 'Scoring' });
    const error = (await client.run('deployment:Scorng').catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('no deployment named "Scorng"');
    expect(error.message).toContain('"Scoring"');
  });

  it('rejects an unknown team name', async () => {
    const { client } = await hubFixture();
    const error = (await listDeployments(client, { scope: 'Finance' }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain('unknown scope "Finance"');
    expect(error.message).toContain('the teams Data Team');
  });

  it('rejects Hub listings on a Server client', async () => {
    const client = createClient({ url: 'http://127.0.0.1:8080/knime', fetch: async () => new Response('') });
    await expect(listExecutionContexts(client)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('lists the workflows of a space', async () => {
    const { client, sequence } = await hubFixture();
    const entries = await client.listWorkflows({ path: '/Users/Data Team/Services' });
    expect(entries.map((entry) => entry.path)).toContain('/Users/Data Team/Services/Q1 Sales & Costs #2 +x');
    expect(entries.every((entry) => entry.type === 'Workflow' && entry.owner === 'Data Team')).toBe(true);
    expect(sequence().at(-1)).toBe('GET /repository/Users/Data%20Team/Services?deep=true');
  });

  it('lists the jobs of a workflow', async () => {
    const { client } = await hubFixture();
    await client.start(hubPath('/Services/Long'));
    await client.start(hubPath('/Services/Long'));
    const jobs = await client.listJobs({ workflow: hubPath('/Services/Long') });
    expect(jobs).toHaveLength(2);
    expect(jobs.every((job) => job.outcome === 'running')).toBe(true);
    expect(await client.listJobs({ state: 'running' })).toHaveLength(2);
  });

  it('follows next-page links of page mode', async () => {
    const page = (items: unknown[], next?: string) => ({
      '@controls': next ? { 'knime:next-page': { href: next, method: 'GET', isHrefTemplate: true } } : {},
      pagination: { totalItemCount: 3, totalPageCount: 2 },
      executionContexts: items,
    });
    const bodies: Record<string, unknown> = {
      '/execution-contexts?pagelen=100': page(
        [{ id: 'a' }, { id: 'b' }],
        'http://api.hub.test/execution-contexts?pagelen=100&page=2',
      ),
      '/execution-contexts?pagelen=100&page=2': page([{ id: 'c' }]),
    };
    const seen: string[] = [];
    const client = createClient({
      url: 'http://api.hub.test',
      auth: ALICE,
      validateUrl: false,
      fetch: async (input) => {
        const url = new URL(String(input));
        seen.push(`${url.pathname}${url.search}`);
        return Response.json(bodies[`${url.pathname}${url.search}`] ?? {}, { status: 200 });
      },
    });
    const contexts = await listExecutionContexts(client);
    expect(contexts.map((context) => context.id)).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual(['/execution-contexts?pagelen=100', '/execution-contexts?pagelen=100&page=2']);
  });

  it('refuses a next-page link to another host', async () => {
    const client = createClient({
      url: 'http://api.hub.test',
      auth: ALICE,
      validateUrl: false,
      fetch: async () =>
        Response.json({
          '@controls': { 'knime:next-page': { href: 'http://elsewhere.test/execution-contexts?page=2' } },
          executionContexts: [{ id: 'a' }],
        }),
    });
    const error = await listExecutionContexts(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain('outside the API root');
  });
});

describe('hub downloads', () => {
  async function folder(): Promise<string> {
    const created = await mkdtemp(join(tmpdir(), 'knimectl-hub-'));
    folders.push(created);
    return created;
  }

  it('downloads a resource served directly', async () => {
    const { client } = await hubFixture();
    const dir = await folder();
    const result = await client.run(
      hubPath('/Services/Files'),
      {},
      { downloadDir: dir, expectOutputs: false },
    );
    expect(Object.keys(result.files)).toEqual(['report']);
    expect(await readFile(result.files.report!, 'utf8')).toBe('region,total\nEMEA,10\n');
  });

  it('follows a redirect to storage on the same host', async () => {
    const { client, requests } = await hubFixture({ simulator: { outputResourceDelivery: 'redirect' } });
    const dir = await folder();
    const result = await client.run(
      hubPath('/Services/Files'),
      {},
      { downloadDir: dir, expectOutputs: false },
    );
    expect(await readFile(result.files.report!, 'utf8')).toBe('region,total\nEMEA,10\n');
    const storage = requests.find((request) => request.target.startsWith('/_storage/'));
    expect(storage?.authorization).toMatch(/^Basic /);
  });

  it('drops credentials on a redirect to another origin', async () => {
    const { client, requests } = await hubFixture({
      simulator: { outputResourceDelivery: 'redirect' },
      // Move the storage URL to another host, as a pre-signed object-store URL is.
      wrapFetch: (fetch) => async (input, init) => {
        const response = await fetch(input, init);
        const location = response.headers.get('location');
        if (response.status !== 307 || location === null) return response;
        const moved = new URL(location);
        moved.host = 'storage.hub.test';
        const headers = new Headers(response.headers);
        headers.set('location', moved.toString());
        return new Response(null, { status: 307, headers });
      },
    });
    const dir = await folder();
    const result = await client.run(
      hubPath('/Services/Files'),
      {},
      { downloadDir: dir, expectOutputs: false },
    );

    expect(await readFile(result.files.report!, 'utf8')).toBe('region,total\nEMEA,10\n');
    const storage = requests.find((request) => request.host === 'storage.hub.test');
    expect(storage).toBeDefined();
    expect(storage?.authorization).toBeUndefined();
    const hub = requests.find((request) => request.target.includes('/output-resources/'));
    expect(hub?.authorization).toMatch(/^Basic /);
  });

  it('reports a missing resource as not found', async () => {
    const { client } = await hubFixture();
    const handle = await client.start(hubPath('/Services/Files'));
    await handle.wait();
    const error = await handle.download('nope', await folder()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/x-request-id/);
  });
});
