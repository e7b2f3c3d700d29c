import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServerSimulator } from '../../src/simulator/index.js';
import { runCli } from './helpers.js';
import { demoWorkspace, demoWorkspaceExists, startSimulator, testUser } from './support/simulator.js';

const pipelineText = `
name: greet-and-show
params:
  who: { type: string, default: Pipeline }
steps:
  greet:
    kind: knime
    with:
      connection: demo
      workflow: /Demo/Hello World
      inputs: { name: "\${{ params.who }}" }
  show:
    kind: command
    needs: greet
    with:
      command: [sh, -c, 'echo "$GREETING" > greeting.txt']
      env: { GREETING: "\${{ steps.greet.outputs.greeting }}" }
`;

const describeWithDemo = demoWorkspaceExists
  ? describe
  : describe.skip.bind(describe, 'knimectl pipeline (skipped: demo/workspace not found)');

describeWithDemo('knimectl pipeline', () => {
  let simulator: RunningServerSimulator;
  let home: string;
  let folder: string;
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, { env: { HOME: home, ...env }, cwd: folder });

  beforeAll(async () => {
    simulator = await startSimulator(demoWorkspace, 20);
    home = mkdtempSync(join(tmpdir(), 'knimectl-pipe-home-'));
    folder = mkdtempSync(join(tmpdir(), 'knimectl-pipe-'));
    mkdirSync(join(home, '.config', 'knimectl'), { recursive: true, mode: 0o700 });
    // The profile stores no password; KNIMECTL_PASSWORD_DEMO supplies it.
    writeFileSync(
      join(home, '.config', 'knimectl', 'config.json'),
      JSON.stringify({ profiles: { demo: { server: simulator.url, user: testUser.name } } }),
      { mode: 0o600 },
    );
    writeFileSync(join(folder, 'pipeline.yaml'), pipelineText);
    writeFileSync(
      join(folder, 'broken.yaml'),
      'name: broken\nsteps:\n  a:\n    kind: knime\n    needs: nope\n',
    );
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('runs a pipeline with params', async () => {
    const result = await cli(['pipeline', 'run', 'pipeline.yaml', '--param', 'who=Ada', '--json'], {
      KNIMECTL_PASSWORD_DEMO: testUser.password,
    });
    expect(result.stderr).toContain('step greet');
    expect(result.code).toBe(0);

    const document = JSON.parse(result.stdout);
    expect(document.outcome).toBe('succeeded');
    expect(document.steps.map((step: { name: string }) => step.name)).toEqual(['greet', 'show']);
    expect(result.stdout + result.stderr).not.toContain(testUser.password);

    const runs = await cli(['pipeline', 'runs', '--json']);
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout)[0].id).toBe(document.runId);

    const status = await cli(['pipeline', 'status', document.runId]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('succeeded');
    expect(status.stdout).toContain('greet');
  });

  it('exits 3 without the password', async () => {
    const result = await cli(['pipeline', 'run', 'pipeline.yaml', '--param', 'who=NoPassword', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).steps[0].error).toContain('401');
  });

  it('validates a file', async () => {
    const good = await cli(['pipeline', 'validate', 'pipeline.yaml']);
    expect(good.stderr).toContain('is valid');
    expect(good.code).toBe(0);
    const bad = await cli(['pipeline', 'validate', 'broken.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/broken\.yaml:\d+:\d+: /);
  });

  it('draws the graph', async () => {
    const mermaid = await cli(['pipeline', 'graph', 'pipeline.yaml']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toContain('greet');
    const dot = await cli(['pipeline', 'graph', 'pipeline.yaml', '--format', 'dot']);
    expect(dot.stdout).toContain('digraph');
  });

  it('exits 2 for an unknown run', async () => {
    const result = await cli(['pipeline', 'status', 'no-such-run']);
    expect(result.code).toBe(2);
  });
});
