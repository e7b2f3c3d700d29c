import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServerSimulator } from '../../src/simulator/index.js';
import { binPath, runCli } from './helpers.js';
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

    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0].type).toBe('run-started');
    expect(lines.filter((line) => line.type === 'step-ended').map((line) => line.step)).toEqual([
      'greet',
      'show',
    ]);
    const document = lines.at(-1);
    expect(document.type).toBe('run-result');
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
    const document = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
    expect(document.steps[0].error).toContain('401');
  });

  it('prints the run id first without --json', async () => {
    const result = await cli(['pipeline', 'run', 'pipeline.yaml', '--param', 'who=Plain', '--rerun'], {
      KNIMECTL_PASSWORD_DEMO: testUser.password,
    });
    expect(result.code).toBe(0);
    const [first, ...steps] = result.stdout.trim().split('\n');
    expect(first).toMatch(/^run\t\S+\tsucceeded$/);
    expect(steps).toEqual(['greet\tsucceeded', 'show\tsucceeded']);
    expect(result.stderr).not.toContain('\u001b[');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('shows live step lines on a TTY', async () => {
    writeFileSync(
      join(folder, 'slow.yaml'),
      'name: slow\nsteps:\n  nap:\n    kind: command\n    with:\n      command: [sleep, "2.5"]\n',
    );
    const command = `cd "${folder}" && "${process.execPath}" "${binPath}" pipeline run slow.yaml`;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        env: { PATH: process.env.PATH ?? '', HOME: home, TERM: 'xterm' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      child.on('error', reject);
      child.on('close', () => resolve(text));
    });
    expect(output).toMatch(/ {2}nap running \d+s \(local \d+\)/);
    expect(output).toContain('\u001b[1A\u001b[0J');
    expect(output).toContain('step nap succeeded');
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
