import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type RunningServerSimulator, startServerSimulator } from '../../src/simulator/index.js';
import { repoDir } from '../support/fixtures.js';
import { workspaceWithOpenApi } from './simulator.js';

let server: RunningServerSimulator;

beforeAll(async () => {
  server = await startServerSimulator({
    workspace: workspaceWithOpenApi(),
    users: [{ name: 'alice', password: 'docs-example-pw' }],
    timeScale: 20,
  });
});

afterAll(async () => {
  await server?.close();
});

/** First TypeScript block of docs/library.md, with the package import pointed at the sources. */
async function exampleSource(): Promise<string> {
  const markdown = await readFile(join(repoDir, 'docs', 'library.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
  if (!block) throw new Error('docs/library.md has no ```ts block');
  const index = pathToFileURL(join(repoDir, 'src', 'index.ts')).href;
  return block.replace(`from 'knimectl'`, `from '${index}'`);
}

it('runs the example of docs/library.md as written', async () => {
  const source = await exampleSource();
  expect(source.split('\n').filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(12);

  const file = join(await mkdtemp(join(tmpdir(), 'knimectl-docs-')), 'example.ts');
  await writeFile(file, source);
  const printed: unknown[][] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args);
  });
  vi.stubEnv('KNIME_URL', server.url);
  vi.stubEnv('KNIME_PASSWORD', 'docs-example-pw');
  try {
    await import(pathToFileURL(file).href);
  } finally {
    log.mockRestore();
    vi.unstubAllEnvs();
  }

  expect(printed).toEqual([['EXECUTION_FINISHED', { greeting: 'Hello, Ada!' }]]);
  expect(server.simulator.stats.discards).toBe(1);
});
