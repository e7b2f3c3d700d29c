import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoDir } from '../support/fixtures.js';
import { freshHome } from './helpers.js';
import { demoWorkspaceExists } from './support/simulator.js';

const describeWithDemo = demoWorkspaceExists
  ? describe
  : describe.skip.bind(describe, 'demo --hub (skipped: demo/workspace not found)');

/** Runs `node scripts/demo.mjs ARGS` with a clean environment plus `env`. */
function runDemo(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = freshHome();
  const child = spawn(process.execPath, ['scripts/demo.mjs', ...args], {
    cwd: repoDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      XDG_CONFIG_HOME: `${home}/.config`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describeWithDemo('demo --hub', () => {
  it('runs Hello World on the Hub simulator', async () => {
    const result = await runDemo(['--hub'], {
      // A Server URL in the caller's environment must not leak into the Hub demo.
      KNIME_SERVER_URL: 'http://127.0.0.1:9/knime',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Hub simulator serving');
    expect(result.stderr).toContain('$ knimectl execution-contexts');
    expect(result.stdout).toContain('Default execution context');
    expect(result.stdout).toContain('"greeting": "Hello, Ada!"');
    expect(result.stderr).toContain('EXECUTION_FINISHED');
    expect(result.stderr).toContain('export KNIME_HUB_URL=');
    expect(result.stdout + result.stderr).not.toContain('demo-app-password-secret');
  });

  it('reads KNIMECTL_DEMO_HUB', async () => {
    const result = await runDemo([], { KNIMECTL_DEMO_HUB: '1' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Hub simulator serving');
    expect(result.stdout).toContain('/Users/Simulated Team/Demo/Hello World');
  });
});
