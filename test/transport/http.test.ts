import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CancelledError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  PermissionError,
  ProtocolError,
  ServerError,
  TimeoutError,
} from '../../src/errors/index.js';
import { Authenticator } from '../../src/transport/auth.js';
import { HttpClient } from '../../src/transport/http.js';
import { createSafeLogger } from '../../src/transport/logger.js';
import { resolveRetryOptions } from '../../src/transport/retry.js';
import type { Auth, RetryOptions } from '../../src/transport/types.js';
import {
  connectionReset,
  json,
  memoryLogger,
  ROOT,
  type ScriptStep,
  SteppingClock,
  scriptedFetch,
  text,
} from '../library/support.js';

function setup(
  steps: ScriptStep[],
  options: { auth?: Auth; retry?: RetryOptions | false; timeoutMs?: number } = {},
) {
  const fetch = scriptedFetch(steps);
  const clock = new SteppingClock();
  const sink = memoryLogger();
  const authenticator = new Authenticator(
    options.auth ?? { type: 'basic', username: 'alice', password: 's3cret-pw' },
    clock,
    sink,
  );
  const logger = createSafeLogger(sink, { secrets: () => authenticator.secrets() });
  const http = new HttpClient({
    restRoot: ROOT,
    fetch,
    clock,
    logger,
    authenticator,
    retry: resolveRetryOptions(options.retry ?? { random: () => 0.5 }),
    requestTimeoutMs: options.timeoutMs,
  });
  return { http, fetch, clock, sink };
}

const get = { method: 'GET', path: '/jobs/j-1', idempotent: true } as const;

describe('HttpClient requests', () => {
  it('sends Accept, Basic auth and returns parsed JSON', async () => {
    const { http, fetch } = setup([json({ id: 'j-1', state: 'IDLE' })]);
    const response = await http.request(get);
    expect(response.data).toEqual({ id: 'j-1', state: 'IDLE' });
    expect(fetch.calls).toEqual([`GET ${ROOT}/jobs/j-1`]);
    expect(fetch.requests[0]?.headers.accept).toBe('application/vnd.mason+json, application/json;q=0.9');
    expect(fetch.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('alice:s3cret-pw').toString('base64')}`,
    );
  });

  it('serialises JSON bodies with their content type', async () => {
    const { http, fetch } = setup([json({ ok: true })]);
    await http.request({
      method: 'POST',
      path: '/jobs/j-1',
      query: { async: true },
      json: { a: 1 },
      idempotent: false,
    });
    expect(fetch.calls).toEqual([`POST ${ROOT}/jobs/j-1?async=true`]);
    expect(fetch.requests[0]?.body).toBe('{"a":1}');
    expect(fetch.requests[0]?.contentType).toBe('application/json');
  });
});

describe('HttpClient retries', () => {
  it('retries 503 three times, then succeeds', async () => {
    const { http, fetch, clock } = setup([
      text('busy', 503),
      text('busy', 503),
      text('busy', 503),
      json({ id: 'j-1' }),
    ]);
    const response = await http.request(get);
    expect(response.data).toEqual({ id: 'j-1' });
    expect(fetch.calls).toHaveLength(4);
    expect(clock.sleeps).toEqual([250, 500, 1000]);
  });

  it('gives up on 503 forever after the retries', async () => {
    const { http, fetch } = setup(Array.from({ length: 5 }, () => text('no executor available', 503)));
    const error = await http.request(get).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(fetch.calls).toHaveLength(5);
    expect((error as ServerError).message).toContain(`GET ${ROOT}/jobs/j-1 failed with HTTP 503`);
    expect((error as ServerError).message).toContain('no executor available');
  });

  it('stops when the time budget is spent', async () => {
    const { http, fetch, clock } = setup(
      Array.from({ length: 5 }, () => text('busy', 503)),
      { retry: { budgetMs: 800, random: () => 0.5 } },
    );
    await expect(http.request(get)).rejects.toBeInstanceOf(ServerError);
    expect(clock.sleeps).toEqual([250, 500]);
    expect(fetch.calls).toHaveLength(3);
  });

  it('makes one attempt on 404', async () => {
    const { http, fetch } = setup([json({ '@error': { '@message': 'Job j-1 not found' } }, { status: 404 })]);
    const error = await http.request(get).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(fetch.calls).toHaveLength(1);
    expect((error as NotFoundError).message).toBe(
      `GET ${ROOT}/jobs/j-1 failed with HTTP 404: Job j-1 not found`,
    );
  });

  it('honours Retry-After on 429', async () => {
    const { http, clock } = setup([
      new Response('slow down', { status: 429, headers: { 'retry-after': '3' } }),
      json({}),
    ]);
    await http.request(get);
    expect(clock.sleeps).toEqual([3000]);
  });

  it('gives up when Retry-After exceeds the cap', async () => {
    const { http, fetch } = setup([
      new Response('later', { status: 503, headers: { 'retry-after': '3600' } }),
    ]);
    await expect(http.request(get)).rejects.toBeInstanceOf(ServerError);
    expect(fetch.calls).toHaveLength(1);
  });

  it('never retries a non-idempotent request', async () => {
    const { http, fetch } = setup([text('busy', 503)]);
    await expect(
      http.request({ method: 'POST', path: '/repository/a:jobs', idempotent: false }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(fetch.calls).toHaveLength(1);
  });

  it('retries connection resets and reports a network error', async () => {
    const { http, fetch } = setup(Array.from({ length: 5 }, () => connectionReset()));
    const error = await http.request(get).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(`GET ${ROOT}/jobs/j-1 failed: connection error (ECONNRESET)`);
    expect(fetch.calls).toHaveLength(5);
  });

  it('retries an HTML page where JSON was expected', async () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
    const { http, fetch } = setup([text(html, 200, 'text/html'), json({ id: 'j-1' })]);
    expect((await http.request(get)).data).toEqual({ id: 'j-1' });
    expect(fetch.calls).toHaveLength(2);
  });

  it('turns retries off with retry false', async () => {
    const { http, fetch } = setup([text('busy', 503)], { retry: false });
    await expect(http.request(get)).rejects.toBeInstanceOf(ServerError);
    expect(fetch.calls).toHaveLength(1);
  });
});

describe('HttpClient error classes', () => {
  it.each([
    [401, AuthenticationError],
    [403, PermissionError],
    [404, NotFoundError],
    [410, NotFoundError],
    [400, InvalidInputError],
    [409, InvalidInputError],
    [413, InvalidInputError],
    [422, InvalidInputError],
    [405, ProtocolError],
    [415, ProtocolError],
    [418, ProtocolError],
  ])('maps HTTP %i to its class', async (status, errorClass) => {
    const { http } = setup([text('nope', status)]);
    await expect(http.request({ ...get, idempotent: false })).rejects.toBeInstanceOf(errorClass);
  });

  it('names status and body of an unexpected 4xx', async () => {
    const { http } = setup([text('  I am a teapot  ', 418)]);
    const error = await http.request({ ...get, idempotent: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).status).toBe(418);
    expect((error as Error).message).toMatch(/failed with HTTP 418.*: I am a teapot \(unexpected status/);
  });

  it('puts a 500 text body into the message', async () => {
    const { http } = setup([text('Executor crashed: out of memory', 500)], { retry: false });
    await expect(http.request(get)).rejects.toThrow(/HTTP 500.*Executor crashed: out of memory/);
  });

  it('describes an HTML 404 page briefly', async () => {
    const page =
      '<!DOCTYPE html><html><head><title>HTTP Status 404 – Not Found</title></head><body><h1>Not Found</h1></body></html>';
    const { http } = setup([text(page, 404, 'text/html')]);
    const error = (await http.request(get).catch((e: unknown) => e)) as NotFoundError;
    expect(error.body).toMatch(/^HTML page: HTTP Status 404 – Not Found/);
  });

  it('passes listed statuses through', async () => {
    const { http } = setup([text('gone', 404)]);
    const response = await http.request({
      method: 'DELETE',
      path: '/jobs/j-1',
      idempotent: true,
      passStatuses: [404],
    });
    expect(response.status).toBe(404);
  });

  it('reports a missing body as a protocol error', async () => {
    const { http } = setup([text('not json at all', 200, 'application/json')], { retry: false });
    await expect(http.request(get)).rejects.toBeInstanceOf(ProtocolError);
  });
});

describe('HttpClient timeouts and aborts', () => {
  it('times out a hanging request on the per-request clock', async () => {
    const hang = (request: Request) =>
      new Promise<Response>((_resolve, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason));
      });
    const { http, clock } = setup([hang], { retry: false, timeoutMs: 1500 });
    const pending = http.request(get).catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    clock.manual.advance(1500);
    const error = (await pending) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('request');
    expect(error.limitMs).toBe(1500);
    expect(error.message).toContain('per-request timeout of 1500 ms');
  });

  it('reports an aborted request as cancelled', async () => {
    const { http, fetch } = setup([json({})]);
    const controller = new AbortController();
    controller.abort();
    await expect(http.request({ ...get, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(fetch.calls).toHaveLength(0);
  });

  it('aborts the sleep between retries', async () => {
    const controller = new AbortController();
    const { http, fetch } = setup([
      (request) => {
        controller.abort();
        return text(`busy ${request.method}`, 503);
      },
      json({}),
    ]);
    await expect(http.request({ ...get, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(fetch.calls).toHaveLength(1);
  });
});
