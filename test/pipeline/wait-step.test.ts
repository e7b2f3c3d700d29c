import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/runner.js';
import { findMatches } from '../../src/pipeline/steps/glob.js';
import { checkAllowedUrl, resolvePointer } from '../../src/pipeline/steps/wait.js';
import { createWorkDir, type WorkDir } from './support/workdir.js';

let work: WorkDir;
let server: Server | undefined;

beforeEach(() => {
  work = createWorkDir();
});

afterEach(async () => {
  work.remove();
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** Serves `responses` in order on 127.0.0.1, repeating the last one; returns the base URL. */
async function serve(responses: { status: number; body: unknown }[], requests: string[]): Promise<string> {
  let index = 0;
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const next = responses[Math.min(index++, responses.length - 1)]!;
    response.writeHead(next.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(next.body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('wait step over HTTP', () => {
  it('polls until the JSON pointer equals the expected value', async () => {
    const requests: string[] = [];
    const base = await serve(
      [
        { status: 503, body: { state: 'starting' } },
        { status: 200, body: { export: { state: 'running' } } },
        { status: 200, body: { export: { state: 'done', files: 3 } } },
      ],
      requests,
    );
    const file = work.writePipeline(`
steps:
  ready:
    kind: wait
    timeout: 5s
    with:
      poll-interval: 20ms
      http: { url: "${base}/status?day=1", json-pointer: /export/state, equals: done }
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[0]!.outputs).toEqual({ status: 200, value: 'done' });
    expect(requests).toEqual(['GET /status?day=1', 'GET /status?day=1', 'GET /status?day=1']);
  });

  it('times out when the condition never holds', async () => {
    const requests: string[] = [];
    const base = await serve([{ status: 404, body: {} }], requests);
    const file = work.writePipeline(`
steps:
  ready:
    kind: wait
    timeout: 300ms
    with:
      poll-interval: 50ms
      http: { url: "${base}/missing", status: 200 }
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(result.outcome).toBe('timed-out');
    expect(result.steps[0]!.error).toBe('step ready timed out: its timeout of 300ms (step clock) ran out');
    expect(requests.length).toBeGreaterThan(1);
  });

  it('rejects a host outside the allow-list without a request', async () => {
    let requested = false;
    const fetchSpy = (async () => {
      requested = true;
      return new Response('{}');
    }) as typeof fetch;
    const file = work.writePipeline(`
steps:
  ready:
    kind: wait
    with:
      http: { url: "http://warehouse.invalid/ready" }
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath, fetch: fetchSpy });
    expect(result.outcome).toBe('failed');
    expect(result.steps[0]!.error).toBe(
      'step ready could not start: step ready: host warehouse.invalid is not allowed; add it to allowed-hosts in the pipeline file (allowed: 127.0.0.1, ::1, localhost)',
    );
    expect(requested).toBe(false);
  });

  it('allows a host listed in allowed-hosts', async () => {
    const seen: string[] = [];
    const fetchStub = (async (input: URL | Request | string) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    }) as typeof fetch;
    const file = work.writePipeline(`
allowed-hosts: [warehouse.invalid]
steps:
  ready:
    kind: wait
    with:
      http: { url: "https://warehouse.invalid/ready", json-pointer: /ok, equals: true }
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath, fetch: fetchStub });
    expect(result.outcome).toBe('succeeded');
    expect(seen).toEqual(['https://warehouse.invalid/ready']);
  });
});

describe('allow-list and pointers', () => {
  it('checks URLs', () => {
    expect(checkAllowedUrl('http://[::1]:8080/x', ['::1'], 's').hostname).toBe('[::1]');
    expect(() => checkAllowedUrl('file:///etc/passwd', ['localhost'], 's')).toThrow('must use http or https');
    expect(() => checkAllowedUrl('not a url', ['localhost'], 's')).toThrow('is not a valid URL');
    expect(() => checkAllowedUrl('http://127.0.0.2/', ['127.0.0.1'], 's')).toThrow(
      'host 127.0.0.2 is not allowed',
    );
  });

  it('resolves JSON pointers', () => {
    const doc = { a: { 'b/c': [10, { '~d': 'x' }] } };
    expect(resolvePointer(doc, '')).toEqual(doc);
    expect(resolvePointer(doc, '/a/b~1c/0')).toBe(10);
    expect(resolvePointer(doc, '/a/b~1c/1/~0d')).toBe('x');
    expect(resolvePointer(doc, '/a/missing')).toBeUndefined();
    expect(resolvePointer(doc, '/a/b~1c/01')).toBeUndefined();
  });
});

describe('glob', () => {
  it('matches *, ?, [..] and **', async () => {
    for (const name of ['in/a.csv', 'in/b.csv', 'in/c.txt', 'in/deep/x/d.csv', 'in/.hidden.csv']) {
      mkdirSync(path.dirname(path.join(work.dir, name)), { recursive: true });
      writeFileSync(path.join(work.dir, name), '');
    }
    const rel = async (pattern: string) =>
      (await findMatches(pattern, work.dir)).map((match) => path.relative(work.dir, match));
    expect(await rel('in/*.csv')).toEqual(['in/a.csv', 'in/b.csv']);
    expect(await rel('in/?.txt')).toEqual(['in/c.txt']);
    expect(await rel('in/[ab].csv')).toEqual(['in/a.csv', 'in/b.csv']);
    expect(await rel('in/**/*.csv')).toEqual(['in/a.csv', 'in/b.csv', 'in/deep/x/d.csv']);
    expect(await rel('in/.*.csv')).toEqual(['in/.hidden.csv']);
    expect(await rel('in/c.txt')).toEqual(['in/c.txt']);
    expect(await rel('in/none.txt')).toEqual([]);
    expect(await rel(path.join(work.dir, 'in', '*.txt'))).toEqual(['in/c.txt']);
  });
});
