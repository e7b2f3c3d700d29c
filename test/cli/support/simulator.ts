import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServerSimulator, startServerSimulator } from '../../../src/simulator/index.js';
import {
  type ContainerTable,
  containerTableInput,
  containerTableOutput,
} from '../../../src/simulator/workspace/knime-node-presets.js';
import { type WorkflowSpec, writeWorkflow } from '../../../src/simulator/workspace/knime-writer.js';
import { repoDir } from '../../support/fixtures.js';

/** Account of the test simulators. */
export const testUser = { name: 'ann', password: 'Ann-Secret-Pw-42' } as const;

/** The packaged demo workspace, when it exists in the checkout. */
export const demoWorkspace = join(repoDir, 'demo', 'workspace');
export const demoWorkspaceExists = existsSync(demoWorkspace);

/** Example of the echo workflow's table input and output. */
const exampleTable: ContainerTable = {
  'table-spec': [{ 'column-string': 'string' }, { 'column-int': 'int' }],
  'table-data': [
    ['value1', 1],
    ['value2', 2],
  ],
};

/**
 * Builds a temporary workspace of one table-echo workflow in KNIME's on-disk format (Container Input
 * (Table) node 2, published as `input-2`, wired to Container Output (Table) node 1, published as
 * `output-1`), in four copies with different run behaviours: `/Jobs/Echo` succeeds, `/Jobs/Failing`
 * fails in a node, `/Jobs/Slow` executes for ten simulated minutes, and `/Jobs/SlowLoad` also takes
 * 1.5 simulated seconds to load.
 */
export async function buildJobsWorkspace(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'knimectl-ws-'));
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

  const workflow: WorkflowSpec = {
    nodes: [
      {
        id: 1,
        settings: containerTableOutput({
          parameterName: 'output',
          useFullyQualifiedName: true,
          table: exampleTable,
        }),
      },
      {
        id: 2,
        settings: containerTableInput({
          parameterName: 'input',
          useFullyQualifiedName: true,
          table: exampleTable,
        }),
      },
    ],
    connections: [{ source: 2, sourcePort: 1, dest: 1, destPort: 1 }],
  };

  for (const [name, behaviour] of Object.entries(behaviours)) {
    await writeWorkflow(join(root, 'Jobs', name), workflow, {
      'knimectl-simulation.json': JSON.stringify(behaviour),
    });
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
