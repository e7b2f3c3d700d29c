import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AlteryxClient,
  AlteryxInvalidInputError,
  AlteryxQueueOutcomeError,
  AuthenticationError,
  CancelledError,
  NetworkError,
  ProtocolError,
  ServerError,
  TimeoutError,
} from '../../src/alteryx/index.js';
import { createAlteryxSimulator } from '../../src/simulator/alteryx/index.js';
import { ManualClock } from '../../src/simulator/common/clock.js';
import { API_SECRET, CLEANUP, resetError, SALES, salesAnswers, setup, steppingClock } from './support.js';

const isJobPost = (request: { method: string; path: string }) =>
  request.method === 'POST' && request.path.endsWith('/jobs');

describe('alteryx client: tokens', () => {
  it('renews an expiring token during a long wait', async () => {
    const { client, sim } = setup({ tokenTtlSeconds: 120, runMs: 600_000 });
    const job = await client.queueJob(CLEANUP);
    const result = await job.wait();
    expect(result.state).toBe('succeeded');
    expect(sim.stats.tokensIssued).toBeGreaterThanOrEqual(9);
    expect(sim.stats.tokensRejected).toBe(0);
  });

  it('fetches a new token once after a 401 mid-wait', async () => {
    const { client, sim, manual, logger } = setup();
    const job = await client.queueJob(CLEANUP);
    manual.setTimer(manual.now() + 3000, () => sim.control.revokeTokens());
    expect((await job.wait()).state).toBe('succeeded');
    expect(sim.stats.tokensRejected).toBe(1);
    expect(sim.stats.tokensIssued).toBe(2);
    expect(logger.records.some((record) => record.message.includes('token rejected'))).toBe(true);
  });

  it('aborts one caller without failing the shared token request', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { client, sim } = setup({}, {}, [
      {
        match: (request) => request.path.endsWith('/oauth2/token'),
        times: 1,
        respond: async (_request, forward) => {
          await gate;
          return forward();
        },
      },
    ]);
    const controller = new AbortController();
    const first = client.listWorkflows({ signal: controller.signal });
    const second = client.listWorkflows();
    controller.abort(new Error('scheduler stopped'));
    release();

    await expect(first).rejects.toBeInstanceOf(CancelledError);
    expect((await second).length).toBe(4);
    expect(sim.stats.tokensIssued).toBe(1);
  });

  it('gives up after a second 401', async () => {
    const { client } = setup({}, {}, [
      {
        match: (request) => request.path.includes('/v3/'),
        respond: async () =>
          Response.json({ message: 'Authorization has been denied for this request.' }, { status: 401 }),
      },
    ]);
    const error = await client.listWorkflows().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('rejected twice');
  });

  it('never shows the secret or the token', async () => {
    const { client, logger, sent } = setup({}, { apiSecret: 'wrong-secret-value' });
    const error = (await client.listWorkflows().catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.message).toContain('check the API key and secret');
    expect(
      JSON.stringify({ message: error.message, body: error.body, request: error.request }),
    ).not.toContain('wrong-secret-value');
    expect(JSON.stringify(logger.records)).not.toContain('wrong-secret-value');
    expect(sent.length).toBe(1);
  });

  it('redacts the secret when a server echoes it', async () => {
    const { client } = setup({}, {}, [
      {
        match: (request) => request.path.includes('/v3/workflows'),
        respond: async () => new Response(`bad request with client_secret=${API_SECRET}`, { status: 418 }),
      },
    ]);
    const error = (await client.listWorkflows().catch((e: unknown) => e)) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain('client_secret=[REDACTED]');
    expect(error.message).not.toContain(API_SECRET);
    expect(error.body).not.toContain(API_SECRET);
  });

  it('sends HTTP Basic credentials when configured', async () => {
    const { client, sent } = setup({ credentialsIn: 'basic' }, { credentialsIn: 'basic' });
    await client.listWorkflows();
    const tokenRequest = sent[0];
    expect(tokenRequest?.headers.get('authorization')).toMatch(/^Basic /);
    expect(tokenRequest?.body).toBe('grant_type=client_credentials');
  });

  it('rejects a client without a secret', () => {
    expect(
      () => new AlteryxClient({ baseUrl: 'http://alteryx.test/webapi/', apiKey: 'k', apiSecret: '' }),
    ).toThrow(AlteryxInvalidInputError);
  });
});

describe('alteryx client: quirks', () => {
  it('parses bodies that start with a byte-order mark', async () => {
    const { client } = setup({ bom: 'all' });
    const job = await client.queueJob(SALES, { answers: salesAnswers });
    expect((await job.wait()).state).toBe('succeeded');
  });

  it('accepts a base URL without a trailing slash', async () => {
    const { client, sim, sent } = setup({ strictSlashes: true }, { baseUrl: 'http://alteryx.test/webapi' });
    expect(client.baseUrl).toBe('http://alteryx.test/webapi/');
    expect((await client.listWorkflows()).length).toBe(4);
    expect(sent.every((request) => request.path.startsWith('/webapi/') && !request.path.includes('//'))).toBe(
      true,
    );
    expect(sim.stats.requests.listWorkflows).toBe(1);
  });

  it('removes a double slash from the base URL', async () => {
    const { client } = setup({ strictSlashes: true }, { baseUrl: 'http://alteryx.test//webapi//' });
    expect(client.baseUrl).toBe('http://alteryx.test/webapi/');
    expect((await client.listWorkflows()).length).toBe(4);
  });

  it('reads jobs through v1 on a 2022.1 server', async () => {
    const { client, calls, logger } = setup({ profile: '2022.1' });
    const job = await client.queueJob(SALES, { answers: salesAnswers });
    const result = await job.wait();
    expect(result.state).toBe('succeeded');
    expect(result.job.createdAt).toMatch(/Z$/);
    expect(result.outputs[0]?.formats).toEqual(['Csv', 'Xlsx', 'Yxdb']);
    expect(result.outputs[0]?.fileName).toBe('sales_summary.csv');
    const jobReads = calls().filter((call) => call.includes('/jobs/'));
    expect(jobReads[0]).toBe(`GET /webapi/v3/jobs/${job.id}`);
    expect(jobReads.slice(2).every((call) => call === `GET /webapi/v1/jobs/${job.id}/`)).toBe(true);
    expect(logger.records.some((record) => record.message.includes('reading jobs through v1'))).toBe(true);
  });

  it('ignores fields it does not know', async () => {
    const { client } = setup({ extraFields: true });
    const job = await client.queueJob(SALES, { answers: salesAnswers });
    const result = await job.wait();
    expect(result.job.raw.simulatorRelease).toBe('2024.2');
  });

  it('removes a cut download and reports it', async () => {
    const { client, sim } = setup({ faults: { rules: [{ path: '/output/', truncateRate: 1 }] } });
    const job = await client.queueJob(SALES, { answers: salesAnswers });
    const result = await job.wait();
    const dir = await mkdtemp(join(tmpdir(), 'alteryx-cut-'));
    try {
      const output = result.outputs[0];
      if (!output) throw new Error('no output');
      const error = await client
        .saveOutput(job.id, output, join(dir, 'summary.csv'), { format: 'Csv' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as Error).message).toContain('nothing was written');
      expect(await readdir(dir)).toEqual([]);
      expect(sim.faults.counts.truncate).toBe(1);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reports an HTML page as a protocol error', async () => {
    const { client } = setup({}, {}, [
      {
        match: (request) => request.path.endsWith('/v3/workflows'),
        respond: async () =>
          new Response('<html>login</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      },
    ]);
    const error = await client.listWorkflows().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain('not JSON');
  });
});

describe('alteryx client: retries', () => {
  it('retries the token request after a 503', async () => {
    const { client, sent } = setup({}, {}, [
      {
        match: (request) => request.path.endsWith('/oauth2/token'),
        times: 1,
        respond: async () => new Response('busy', { status: 503 }),
      },
    ]);
    expect((await client.listWorkflows()).length).toBe(4);
    expect(sent.filter((request) => request.path.endsWith('/oauth2/token')).length).toBe(2);
  });

  it('times out a request on the client clock', async () => {
    const manual = new ManualClock();
    const sim = createAlteryxSimulator({ clock: manual });
    const hanging: typeof fetch = (input, init) => {
      if (new Request(input, init).method === 'POST') return sim.fetch(input, init);
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        setTimeout(() => manual.advance(60_000), 0);
      });
    };
    const client = new AlteryxClient({
      baseUrl: sim.baseUrl,
      apiKey: 'sim-api-key',
      apiSecret: API_SECRET,
      fetch: hanging,
      clock: steppingClock(manual),
      requestTimeoutMs: 60_000,
      retry: false,
    });
    const error = (await client.listWorkflows().catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('request');
    expect(error.limitMs).toBe(60_000);
    expect(error.message).toContain('request timeout of 60000 ms');
  });

  it('retries GET requests after 5xx answers and resets', async () => {
    const { client, sent } = setup({}, {}, [
      {
        match: (request) => request.method === 'GET' && request.path.includes('/v3/jobs/'),
        times: 3,
        respond: async (request) => {
          if (sent.filter((r) => r.path === request.path).length === 2) throw resetError();
          return new Response('<html>502 Bad Gateway</html>', { status: 502 });
        },
      },
    ]);
    const job = await client.queueJob(CLEANUP);
    expect((await job.wait()).state).toBe('succeeded');
  });

  it('honours Retry-After on 429', async () => {
    const { client, sent } = setup({}, {}, [
      {
        match: (request) => request.path.endsWith('/v3/workflows'),
        times: 1,
        respond: async () => new Response('', { status: 429, headers: { 'retry-after': '7' } }),
      },
    ]);
    await client.listWorkflows();
    const reads = sent.filter((request) => request.path.endsWith('/v3/workflows'));
    expect(reads.length).toBe(2);
    expect((reads[1]?.atMs ?? 0) - (reads[0]?.atMs ?? 0)).toBe(7000);
  });

  it('stops retrying after maxRetries', async () => {
    const { client, sent } = setup({}, { retry: { maxRetries: 2, random: () => 0.5 } }, [
      {
        match: (request) => request.path.endsWith('/v3/workflows'),
        respond: async () => Response.json({ message: 'Service Unavailable' }, { status: 503 }),
      },
    ]);
    const error = await client.listWorkflows().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toContain('HTTP 503 Service Unavailable');
    expect(sent.filter((request) => request.path.endsWith('/v3/workflows')).length).toBe(3);
  });

  it('retries a GET whose body was cut', async () => {
    const { client, sent } = setup({}, {}, [
      {
        match: (request) => request.path.endsWith('/v3/workflows'),
        times: 1,
        respond: async () => {
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('[{"id":"6540f2a1'));
              controller.error(resetError());
            },
          });
          return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
        },
      },
    ]);
    expect((await client.listWorkflows()).length).toBe(4);
    expect(sent.filter((request) => request.path.endsWith('/v3/workflows')).length).toBe(2);
  });

  it('does not retry a 404', async () => {
    const { client, sent } = setup();
    await expect(client.getWorkflow('000000000000000000000000')).rejects.toThrow(/HTTP 404/);
    expect(sent.filter((request) => request.path.includes('000000000000000000000000')).length).toBe(1);
  });
});

describe('alteryx client: queueing without duplicates', () => {
  it('adopts the job of a lost queue response', async () => {
    const { client, sim, logger } = setup({
      faults: { rules: [{ method: 'POST', path: '/jobs$', lostResponseRate: 1 }] },
    });
    const job = await client.queueJob(SALES, { answers: salesAnswers });
    expect(sim.stats.jobsQueued[SALES]).toBe(1);
    expect(sim.stats.queueRequests[SALES]).toBe(1);
    expect(job.id).toBe(sim.control.jobs()[0]?.id);
    expect(logger.records.some((record) => record.message.includes('adopting the job'))).toBe(true);
    expect((await job.wait()).state).toBe('succeeded');
  });

  it('sends again only when no job was created', async () => {
    const { client, sim, sent } = setup({}, {}, [
      { match: isJobPost, times: 1, respond: async () => Promise.reject(resetError()) },
    ]);
    const job = await client.queueJob(CLEANUP);
    expect(sent.filter(isJobPost).length).toBe(2);
    expect(sim.stats.jobsQueued[CLEANUP]).toBe(1);
    expect(job.id).toBe(sim.control.jobs()[0]?.id);
  });

  it('does not adopt when two new jobs appear', async () => {
    const { client, sim, sent } = setup({}, {}, [
      {
        match: isJobPost,
        times: 1,
        respond: async (request, forward) => {
          await forward();
          await sim.fetch(`http://alteryx.test${request.path}`, {
            method: 'POST',
            headers: {
              authorization: request.headers.get('authorization') ?? '',
              'content-type': 'application/json',
            },
            body: request.body,
          });
          throw resetError();
        },
      },
    ]);
    const error = (await client.queueJob(CLEANUP).catch((e: unknown) => e)) as AlteryxQueueOutcomeError;
    expect(error).toBeInstanceOf(AlteryxQueueOutcomeError);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.candidateJobIds).toHaveLength(2);
    expect(sim.stats.jobsQueued[CLEANUP]).toBe(2);
    expect(sent.filter(isJobPost).length).toBe(1);
  });

  it('does not resend when the job list cannot be read', async () => {
    const { client, sim, sent } = setup({}, {}, [
      {
        match: (request) => request.method === 'GET' && request.path.includes(`/workflows/${CLEANUP}/jobs`),
        respond: async () => Response.json({ message: 'Forbidden' }, { status: 403 }),
      },
      { match: isJobPost, times: 1, respond: async () => Promise.reject(resetError()) },
    ]);
    const error = (await client.queueJob(CLEANUP).catch((e: unknown) => e)) as AlteryxQueueOutcomeError;
    expect(error).toBeInstanceOf(AlteryxQueueOutcomeError);
    expect(error.candidateJobIds).toEqual([]);
    expect(error.message).toContain('may have created a job');
    expect(sent.filter(isJobPost).length).toBe(1);
    expect(sim.stats.jobsQueued[CLEANUP]).toBeUndefined();
  });

  it('treats a 502 on the queue request as unknown', async () => {
    const { client, sim, sent } = setup({}, {}, [
      {
        match: isJobPost,
        times: 1,
        respond: async (_request, forward) => {
          await forward();
          return new Response('<html>502 Bad Gateway</html>', { status: 502 });
        },
      },
    ]);
    await client.queueJob(CLEANUP);
    expect(sim.stats.jobsQueued[CLEANUP]).toBe(1);
    expect(sent.filter(isJobPost).length).toBe(1);
  });

  it('fails after a second lost send', async () => {
    const { client, sim, sent } = setup({}, {}, [
      { match: isJobPost, respond: async () => Promise.reject(resetError()) },
    ]);
    const error = await client.queueJob(CLEANUP).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('failed twice');
    expect(sent.filter(isJobPost).length).toBe(2);
    expect(sim.stats.jobsQueued[CLEANUP]).toBeUndefined();
  });

  it('adopts the job of a cut queue answer', async () => {
    const { client, sim, sent } = setup({
      faults: { rules: [{ method: 'POST', path: '/jobs$', truncateRate: 1 }] },
    });
    const job = await client.queueJob(CLEANUP);
    expect(job.id).toBe(sim.control.jobs()[0]?.id);
    expect(sim.stats.jobsQueued[CLEANUP]).toBe(1);
    expect(sent.filter(isJobPost).length).toBe(1);
    expect(sim.faults.counts.truncate).toBe(1);
  });

  it('adopts the job of an unusable 2xx answer', async () => {
    const { client, sim, sent } = setup({}, {}, [
      {
        match: isJobPost,
        times: 1,
        respond: async (_request, forward) => {
          await forward();
          return Response.json({ accepted: true });
        },
      },
    ]);
    const job = await client.queueJob(CLEANUP);
    expect(job.id).toBe(sim.control.jobs()[0]?.id);
    expect(sim.stats.jobsQueued[CLEANUP]).toBe(1);
    expect(sent.filter(isJobPost).length).toBe(1);
  });

  it('sends the queue request again after a 401', async () => {
    const { client, sim, sent } = setup();
    await client.listWorkflows();
    sim.control.revokeTokens();
    await client.queueJob(CLEANUP);
    expect(sim.stats.jobsQueued[CLEANUP]).toBe(1);
    expect(sent.filter(isJobPost).length).toBe(1);
  });
});
