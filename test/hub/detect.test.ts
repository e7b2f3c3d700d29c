import { describe, expect, it } from 'vitest';
import { InvalidInputError, ProtocolError } from '../../src/errors/index.js';
import {
  applicationPassword,
  formatHubTarget,
  hubTarget,
  inferProductKind,
  parseHubTarget,
} from '../../src/hub/index.js';
import { createClient } from '../../src/job/client.js';
import { createServerSimulator } from '../../src/simulator/index.js';
import { workspaceWithOpenApi } from '../library/simulator.js';
import { ALICE, hubFixture } from './support.js';

describe('product kind from the URL', () => {
  it.each([
    ['http://127.0.0.1:8080/knime', 'server'],
    ['https://server.example.test/com.knime.enterprise.server/rest/v4', 'server'],
    ['https://server.example.test/rest', 'server'],
    ['https://api.hub.example.test', 'hub'],
    ['https://api.hub.example.test/', 'hub'],
    ['https://hub.example.test/_/api', 'hub'],
    ['https://hub.example.test', 'auto'],
  ])('%s is %s', (url, kind) => {
    expect(inferProductKind(url)).toBe(kind);
  });

  it('takes JWT credentials as a Server', () => {
    expect(inferProductKind('https://host.example.test', { type: 'jwt', username: 'u', password: 'p' })).toBe(
      'server',
    );
  });
});

describe('product detection', () => {
  it('detects a Hub from its billboard', async () => {
    const { sim, clock } = await hubFixture();
    const client = createClient({ url: 'http://hub.test', auth: ALICE, fetch: sim.fetch, clock });
    expect(() => client.backend.kind).toThrow(ProtocolError);
    await client.validate();
    expect(client.backend.kind).toBe('hub');
    const result = await client.run('/Users/Data Team/Services/Greeter', { 'json-input': { name: 'auto' } });
    expect(result.outputs['json-output']).toBe('Hello, auto!');
  });

  it('detects a Server below its context root', async () => {
    const simulator = await createServerSimulator({ workspace: workspaceWithOpenApi(), seed: 7 });
    const origin = new URL(simulator.baseUrl).origin;
    const seen: string[] = [];
    const client = createClient({
      url: origin,
      kind: 'auto',
      fetch: (async (input, init) => {
        seen.push(new URL(String(input)).pathname);
        return simulator.fetch(input, init);
      }) as typeof fetch,
    });
    await client.validate();
    expect(client.backend.kind).toBe('server');
    expect(seen[0]).toBe('/knime/rest');
    expect(seen.at(-1)).toBe('/knime/rest/v4/repository/');
  });

  it('reports a URL that is neither product', async () => {
    const client = createClient({
      url: 'http://nothing.test',
      fetch: async () =>
        new Response('<html>hello</html>', { status: 404, headers: { 'content-type': 'text/html' } }),
    });
    const error = (await client.validate().catch((e: unknown) => e)) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain('did not respond like a KNIME Server or a KNIME Business Hub');
    expect(error.message).toContain("set kind: 'server' or 'hub'");
  });
});

describe('hub targets', () => {
  it.each([
    ['/Users/Data Team/Space/Flow', { kind: 'workflow', workflowUri: '/Users/Data Team/Space/Flow' }],
    [
      '*Ab3dEf6hIj9kLm2n?itemVersion=3',
      { kind: 'workflow', workflowUri: '*Ab3dEf6hIj9kLm2n', itemVersion: '3' },
    ],
    [
      'rest:1a2b3c4d-0000-4000-8000-00000000abcd',
      { kind: 'deployment', id: 'rest:1a2b3c4d-0000-4000-8000-00000000abcd' },
    ],
    [
      'deployment:Score customers?scope=Data Team',
      { kind: 'deployment-name', name: 'Score customers', scope: 'Data Team' },
    ],
    [
      '/Users/a/b/Q1 #2 & x+y: ä ?itemVersion=most-recent',
      { kind: 'workflow', workflowUri: '/Users/a/b/Q1 #2 & x+y: ä ', itemVersion: 'most-recent' },
    ],
  ])('parses %s', (text, expected) => {
    expect(parseHubTarget(text)).toEqual(expected);
  });

  it.each([
    ['Score customers', 'expected a workflow path'],
    ['/Users/a/b?itemVersion=0', 'invalid item version "0"'],
    ['/Users/a/b?executionContext=default', 'invalid execution context "default"'],
    ['/Users/a/b?version=2', 'unknown option "version"'],
  ])('rejects %s', (text, message) => {
    expect(() => parseHubTarget(text)).toThrow(InvalidInputError);
    expect(() => parseHubTarget(text)).toThrow(message);
  });

  it('applies client defaults below target options', () => {
    const target = parseHubTarget('/Users/a/b?itemVersion=2', { itemVersion: 1, scope: 'Team' });
    expect(target).toMatchObject({ itemVersion: '2', scope: 'Team' });
  });

  it('builds and formats targets', () => {
    const text = hubTarget({ deploymentName: 'Nightly load' }, { scope: 'Data Team' });
    expect(text).toBe('deployment:Nightly load?scope=Data+Team');
    expect(formatHubTarget(parseHubTarget(text))).toBe(text);
  });

  it('rejects the account id of an application password', () => {
    expect(() => applicationPassword('account:app-pw:0b8e5a3c-2222-4c44-8888-123456789abc', 's')).toThrow(
      'account id of the application password',
    );
    expect(applicationPassword('pwid', 'secret')).toEqual({
      type: 'basic',
      username: 'pwid',
      password: 'secret',
    });
  });
});
