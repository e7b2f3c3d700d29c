import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { connectionEnv } from './support/simulator.js';

describe('unexpected 4xx status', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_, response) => {
      response.writeHead(418, { 'content-type': 'text/plain' }).end('I am a teapot');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/knime`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('exits 7 naming status and body', async () => {
    const result = await runCli(['status', 'abc'], { env: connectionEnv(url) });

    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).toContain('HTTP 418');
    expect(result.stderr).toContain('I am a teapot');
    expect(result.stderr).toContain(`${url}/rest/v4/repository/`);
  });
});
