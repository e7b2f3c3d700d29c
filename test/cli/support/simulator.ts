import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServerSimulator, startServerSimulator } from '../../../src/simulator/index.js';
import { fixturePath, repoDir } from '../../support/fixtures.js';

/** Account of the test simulators. */
export const testUser = { name: 'ann', password: 'Ann-Secret-Pw-42' } as const;

/** The packaged demo workspace, when it exists in the checkout. */
export const demoWorkspace = join(repoDir, 'demo', 'workspace');
export const demoWorkspaceExists = existsSync(demoWorkspace);

function makeWritable(path: string): void {
  chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

/**
 * Builds a temporary workspace from the public `test20190410` workflow (Container Input (Table)
 * `input` wired to Container Output (Table) `output`), in three copies with different run
 * behaviours: `/Jobs/Echo` succeeds, `/Jobs/Failing` fails in a node, `/Jobs/Slow` executes for
 * ten simulated minutes, and `/Jobs/SlowLoad` also takes 1.5 simulated seconds to load. Call it
 * inside `describeWithFixtures`.
 */
export function buildJobsWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'knimectl-ws-'));
  const source = fixturePath('knime-workspace', 'test20190410');
  const behaviours: Record<string, unknown> = {
    Echo: { loadMs: 20, durationMs: 100, outputs: { output: { fromInput: 'input' } } },
    Failing: {
      loadMs: 20,
      durationMs: 100,
      outcome: 'failure',
      failure: { node: 'Column Filter 0:12', message: 'Execute failed: Column "churn" not found' },
    },
    Slow: { loadMs: 20, durationMs: 600_000 },
    SlowLoad: { loadMs: 1500, durationMs: 600_000 },
  };

  mkdirSync(join(root, 'Jobs'));
  for (const [name, behaviour] of Object.entries(behaviours)) {
    const target = join(root, 'Jobs', name);
    cpSync(source, target, { recursive: true });
    makeWritable(target);
    writeFileSync(join(target, 'knimectl-simulation.json'), JSON.stringify(behaviour));
  }
  return root;
}

/** Starts the KNIME Server simulator in this process on 127.0.0.1 with the test account. */
export function startSimulator(workspace: string, timeScale = 1): Promise<RunningServerSimulator> {
  return startServerSimulator({ workspace, port: 0, users: [testUser], timeScale });
}

/** Environment for the CLI with the simulator's URL and the test account. */
export function connectionEnv(url: string): Record<string, string> {
  return { KNIME_SERVER_URL: url, KNIME_USER: testUser.name, KNIME_PASSWORD: testUser.password };
}

/** Table value accepted by the `input` parameter of the test workflows. */
export const tableInput = { 'table-spec': [{ city: 'string' }], 'table-data': [['Zürich'], ['Basel']] };
