import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type RunningHubSimulator, startHubSimulator } from '../../src/simulator/hub/index.js';
import { buildWorkspace } from '../simulator/engine/workspace-builder.js';
import { repoDir } from '../support/fixtures.js';
import { ALICE_PASSWORD, TEAM, WORKFLOWS } from './support.js';

let hub: RunningHubSimulator;

beforeAll(async () => {
  hub = await startHubSimulator({
    workspace: buildWorkspace(WORKFLOWS),
    users: [{ name: 'alice', applicationPasswords: [ALICE_PASSWORD], teams: [TEAM] }],
    teams: [{ name: TEAM }],
    itemVersions: { '/Services/Greeter': [{ version: 1 }, { version: 2 }] },
    timeScale: 20,
  });
});

afterAll(async () => {
  await hub?.close();
});

/** First TypeScript block of docs/hub.md, with the package import pointed at the sources. */
async function exampleSource(): Promise<string> {
  const markdown = await readFile(join(repoDir, 'docs', 'hub.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
  if (!block) throw new Error('docs/hub.md has no ```ts block');
  const index = pathToFileURL(join(repoDir, 'src', 'index.ts')).href;
  return block.replace(`from 'knimectl'`, `from '${index}'`);
}

it('runs the example of docs/hub.md as written', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'knimectl-hub-docs-')), 'example.ts');
  await writeFile(file, await exampleSource());
  const printed: unknown[][] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args);
  });
  vi.stubEnv('KNIME_HUB_URL', hub.url);
  vi.stubEnv('KNIME_HUB_PW_ID', ALICE_PASSWORD.pwId);
  vi.stubEnv('KNIME_HUB_PW', ALICE_PASSWORD.password);
  try {
    await import(pathToFileURL(file).href);
  } finally {
    log.mockRestore();
    vi.unstubAllEnvs();
  }

  expect(printed).toEqual([['EXECUTION_FINISHED', { 'json-output': 'Hello, Ada!' }]]);
  expect(hub.simulator.stats.discards).toBe(1);
  expect(hub.url.startsWith('http://127.0.0.1:')).toBe(true);
});
