/**
 * Runs the KNIME Business Hub example of README.md, as written, against a Hub simulator whose
 * team, space, workflows, deployment and execution context carry the names the example uses.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHubSimulator, startHubSimulator } from '../../src/simulator/hub/index.js';
import { buildWorkspace } from '../simulator/engine/workspace-builder.js';
import { repoDir } from '../support/fixtures.js';
import { binPath, freshHome } from './helpers.js';

const password = { pwId: 'EtlPwId0123456789abcdefghijklmnopqrstuvwxyz', password: 'etl-hub-secret-value' };

/** The fenced `sh` block after the sentence that introduces the Hub example. */
function readmeHubExample(): string {
  const text = readFileSync(join(repoDir, 'README.md'), 'utf8');
  const match = /Against KNIME Business Hub[^\n]*\n+```sh\n([\s\S]*?)```/.exec(text);
  if (!match?.[1]) throw new Error('the Hub example was not found in README.md');
  return match[1];
}

describe('README Hub example', () => {
  let running: RunningHubSimulator;

  beforeAll(async () => {
    running = await startHubSimulator({
      workspace: buildWorkspace({
        '/Public/Hello World': {
          inputs: [{ shortName: 'name', nodeIdPath: '1', kind: 'json', example: 'World' }],
          outputs: [{ shortName: 'greeting', nodeIdPath: '2', example: 'Hello, World!' }],
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the simulator expands this placeholder.
          simulation: { durationMs: 100, outputs: { greeting: { template: 'Hello, ${input:name}!' } } },
        },
        '/Public/Daily Sales': {
          outputs: [{ shortName: 'total', nodeIdPath: '1', example: 0 }],
          simulation: { durationMs: 100, outputs: { total: { value: 1234 } } },
        },
      }),
      port: 0,
      timeScale: 20,
      users: [{ name: 'etl-runner', applicationPasswords: [password], teams: ['etl'] }],
      teams: [{ name: 'etl' }],
      executionContexts: [{ name: 'Default' }, { name: 'Nightly' }],
    });
    const authorization = `Basic ${Buffer.from(`${password.pwId}:${password.password}`).toString('base64')}`;
    const response = await fetch(
      `${running.url}/deployments/rest?workflowUri=${encodeURIComponent('/Users/etl/Public/Daily Sales')}&itemVersion=current-state`,
      {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Daily Sales' }),
      },
    );
    expect(response.status).toBe(201);
  });
  afterAll(async () => {
    await running.close();
  });

  it('sets the variables the CLI reads', () => {
    const example = readmeHubExample();
    for (const name of ['KNIME_HUB_URL', 'KNIME_APP_PASSWORD_ID', 'KNIME_APP_PASSWORD']) {
      expect(example).toMatch(new RegExp(`(export|read -rs) ${name}[= ]`));
    }
  });

  it('runs every command of the example', async () => {
    // The example's own connection lines are replaced by the simulator's URL and credentials.
    const commands = readmeHubExample()
      .split('\n')
      .filter((line) => line.startsWith('knimectl '));
    expect(commands.length).toBeGreaterThanOrEqual(3);
    const script = [
      'set -e',
      `knimectl() { "${process.execPath}" "${binPath}" "$@"; }`,
      ...commands.map((command) => `${command} --retries 0`),
    ].join('\n');

    const home = freshHome();
    const child = spawn('bash', ['-c', script], {
      cwd: repoDir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        KNIME_HUB_URL: running.url,
        KNIME_APP_PASSWORD_ID: password.pwId,
        KNIME_APP_PASSWORD: password.password,
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
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));

    expect(stderr).not.toContain('error:');
    expect(code).toBe(0);
    expect(stdout).toContain('"greeting": "Hello, Ada!"');
    expect(stdout).toContain('Daily Sales');
    expect(stdout).toContain('1234');
  });
});
