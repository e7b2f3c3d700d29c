import { describe, expect, it } from 'vitest';
import { AuthenticationError, TimeoutError } from '../../src/errors/index.js';
import { Authenticator, jwtExpiry } from '../../src/transport/auth.js';
import { HttpClient } from '../../src/transport/http.js';
import { createSafeLogger } from '../../src/transport/logger.js';
import { redactHeaders, redactText, redactUrl } from '../../src/transport/redact.js';
import { resolveRetryOptions } from '../../src/transport/retry.js';
import type { Auth } from '../../src/transport/types.js';
import {
  json,
  memoryLogger,
  ROOT,
  type ScriptStep,
  SteppingClock,
  scriptedFetch,
  text,
} from '../library/support.js';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part(claims)}.c2lnbmF0dXJl`;
}

function setup(steps: ScriptStep[], auth: Auth) {
  const fetch = scriptedFetch(steps);
  const clock = new SteppingClock();
  const sink = memoryLogger();
  const authenticator = new Authenticator(auth, clock, sink);
  const logger = createSafeLogger(sink, { secrets: () => authenticator.secrets() });
  const http = new HttpClient({
    restRoot: ROOT,
    fetch,
    clock,
    logger,
    authenticator,
    retry: resolveRetryOptions({ random: () => 0.5 }),
  });
  return { http, fetch, clock, sink };
}

const get = { method: 'GET', path: '/jobs', idempotent: true } as const;
const jwtAuth: Auth = { type: 'jwt', username: 'alice', password: 'pa55word' };

describe('JWT authentication', () => {
  it('fetches a plain-text JWT once and sends it as Bearer', async () => {
    const token = jwt({ sub: 'alice' });
    const { http, fetch } = setup([text(token, 200), json({ jobs: [] }), json({ jobs: [] })], jwtAuth);
    await http.request(get);
    await http.request(get);
    expect(fetch.calls).toEqual([`GET ${ROOT}/auth/jwt`, `GET ${ROOT}/jobs`, `GET ${ROOT}/jobs`]);
    expect(fetch.requests[0]?.headers.authorization).toMatch(/^Basic /);
    expect(fetch.requests[1]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('refreshes once on 401 and repeats the request', async () => {
    const first = jwt({ n: 1 });
    const second = jwt({ n: 2 });
    const { http, fetch } = setup(
      [text(first, 200), text('expired', 401), text(second, 200), json({ jobs: [] })],
      jwtAuth,
    );
    await http.request({ method: 'POST', path: '/repository/a:jobs', idempotent: false });
    expect(fetch.calls).toEqual([
      `GET ${ROOT}/auth/jwt`,
      `POST ${ROOT}/repository/a:jobs`,
      `GET ${ROOT}/auth/jwt`,
      `POST ${ROOT}/repository/a:jobs`,
    ]);
    expect(fetch.requests[3]?.headers.authorization).toBe(`Bearer ${second}`);
  });

  it('fails on a second 401 after the refresh', async () => {
    const { http, fetch } = setup(
      [text(jwt({}), 200), text('no', 401), text(jwt({ n: 2 }), 200), text('still no', 401)],
      jwtAuth,
    );
    await expect(http.request(get)).rejects.toBeInstanceOf(AuthenticationError);
    expect(fetch.calls).toHaveLength(4);
  });

  it('fetches a new JWT when exp has passed', async () => {
    const clock = new SteppingClock();
    const nowSeconds = Math.floor(clock.now() / 1000);
    const soon = jwt({ exp: nowSeconds + 120 });
    const later = jwt({ exp: nowSeconds + 7200 });
    const fetch = scriptedFetch([text(soon, 200), json({}), text(later, 200), json({})]);
    const http = new HttpClient({
      restRoot: ROOT,
      fetch,
      clock,
      logger: memoryLogger(),
      authenticator: new Authenticator(jwtAuth, clock, memoryLogger()),
      retry: resolveRetryOptions(false),
    });
    await http.request(get);
    clock.manual.advance(100_000);
    await http.request(get);
    expect(fetch.calls).toEqual([
      `GET ${ROOT}/auth/jwt`,
      `GET ${ROOT}/jobs`,
      `GET ${ROOT}/auth/jwt`,
      `GET ${ROOT}/jobs`,
    ]);
    expect(fetch.requests[3]?.headers.authorization).toBe(`Bearer ${later}`);
  });

  it('reports a failed JWT exchange as an authentication error', async () => {
    const { http } = setup([text('bad credentials', 401)], jwtAuth);
    const error = await http.request(get).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain(`GET ${ROOT}/auth/jwt failed with HTTP 401`);
  });

  it('times out a hanging JWT exchange', async () => {
    const hang = (request: Request) =>
      new Promise<Response>((_resolve, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason));
      });
    const clock = new SteppingClock();
    const http = new HttpClient({
      restRoot: ROOT,
      fetch: scriptedFetch([hang]),
      clock,
      logger: memoryLogger(),
      authenticator: new Authenticator(jwtAuth, clock, memoryLogger()),
      retry: resolveRetryOptions(false),
      requestTimeoutMs: 2000,
    });
    const pending = http.request(get).catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    clock.manual.advance(2000);
    const error = (await pending) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(
      `GET ${ROOT}/auth/jwt timed out: no complete response within the per-request timeout of 2000 ms`,
    );
  });

  it('reads the exp claim', () => {
    expect(jwtExpiry(jwt({ exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
  });
});

describe('redaction', () => {
  it('removes user info and secret query values from URLs', () => {
    expect(redactUrl('https://alice:pw@knime.test/knime/rest/v4?authToken=abc&x=1')).toBe(
      'https://knime.test/knime/rest/v4?authToken=%5BREDACTED%5D&x=1',
    );
  });

  it('masks Authorization and Cookie headers', () => {
    expect(redactHeaders({ Authorization: 'Bearer abc.def.ghi', Cookie: 'k=v', Accept: 'x' })).toEqual({
      authorization: 'Bearer [REDACTED]',
      cookie: '[REDACTED]',
      accept: 'x',
    });
  });

  it('masks tokens, JWTs, URL user info and registered secrets in text', () => {
    const token = jwt({ sub: 'alice' });
    const message = `GET https://bob:hunter22@knime.test/x failed; Authorization: Basic YWxpY2U6cHc= token ${token} pw hunter22`;
    const safe = redactText(message, ['hunter22']);
    expect(safe).not.toContain('hunter22');
    expect(safe).not.toContain('YWxpY2U6cHc=');
    expect(safe).not.toContain(token);
    expect(safe).toContain('https://knime.test/x');
  });

  it('keeps passwords and tokens out of logs and errors', async () => {
    const token = jwt({ sub: 'alice' });
    const { http, sink } = setup(
      [
        text(token, 200),
        text(`token ${token} rejected for password pa55word`, 500),
        text('x', 500),
        text('x', 500),
        text('x', 500),
        text('x', 500),
      ],
      jwtAuth,
    );
    const error = (await http.request(get).catch((e: unknown) => e)) as Error;
    const everything = `${error.message} ${JSON.stringify(error)} ${sink.text()}`;
    expect(everything).not.toContain('pa55word');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(Buffer.from('alice:pa55word').toString('base64'));
    expect(sink.records.some((record) => record.message.includes('retrying'))).toBe(true);
  });

  it('never logs Authorization values in debug traces', async () => {
    const { http, sink } = setup([json({})], { type: 'bearer', token: 'opaque-token-value' });
    await http.request(get);
    const trace = sink.records.find((record) => record.message === 'sending request');
    expect(JSON.stringify(trace?.fields)).toContain('[REDACTED]');
    expect(sink.text()).not.toContain('opaque-token-value');
  });
});

describe('createSafeLogger', () => {
  it('drops records below the level', () => {
    const sink = memoryLogger();
    const logger = createSafeLogger(sink, { level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(sink.records.map((record) => record.level)).toEqual(['warn', 'error']);
  });

  it('masks secret fields and registered secrets', () => {
    const sink = memoryLogger();
    const logger = createSafeLogger(sink, { secrets: () => ['topsecret42'] });
    logger.info('login with topsecret42', { password: 'x', nested: { url: 'https://u:p@knime.test/a' } });
    expect(sink.records[0]).toEqual({
      level: 'info',
      message: 'login with [REDACTED]',
      fields: { password: '[REDACTED]', nested: { url: 'https://knime.test/a' } },
    });
  });
});
