import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError } from '../../src/errors/index.js';
import { createClient } from '../../src/job/client.js';
import { createServerSimulator } from '../../src/simulator/index.js';
import { workspaceWithOpenApi } from '../library/simulator.js';
import { memoryLogger } from '../library/support.js';

let server: Server;
let url: string;
let certificate: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'knimectl-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  certificate = readFileSync(join(dir, 'cert.pem'), 'utf8');

  const simulator = await createServerSimulator({ workspace: workspaceWithOpenApi() });
  server = createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: certificate },
    getRequestListener(simulator.app.fetch),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/knime`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('TLS', () => {
  it('verifies certificates by default', async () => {
    const client = createClient({ url, retry: false });
    const error = await client.listWorkflows().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/SELF_SIGNED|self[- ]signed|DEPTH_ZERO/i);
  });

  it('trusts a custom CA', async () => {
    const client = createClient({ url, tls: { ca: certificate }, retry: false });
    expect((await client.listWorkflows()).length).toBeGreaterThan(0);
  });

  it('warns when verification is turned off', async () => {
    const logger = memoryLogger();
    const client = createClient({ url, tls: { rejectUnauthorized: false }, logger, retry: false });
    expect((await client.listWorkflows()).length).toBeGreaterThan(0);
    expect(
      logger.records.some((r) => r.level === 'warn' && r.message.includes('verification is turned off')),
    ).toBe(true);
  });
});
