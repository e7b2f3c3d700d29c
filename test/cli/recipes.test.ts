import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServerSimulator } from '../../src/simulator/index.js';
import { repoDir } from '../support/fixtures.js';
import { binPath } from './helpers.js';
import { javaAvailable, loadWithJava } from './support/java-properties.js';
import { demoWorkspace, demoWorkspaceExists, startSimulator, testUser } from './support/simulator.js';

/** Returns the fenced block that follows `<!-- recipe:NAME -->` in README.md. */
function recipe(name: string): string {
  const text = readFileSync(join(repoDir, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- recipe:${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``).exec(text);
  if (!match?.[1]) throw new Error(`recipe ${name} not found in README.md`);
  return match[1];
}

/** Folder with a `knimectl` launcher for the built CLI, as `npm install -g` would provide. */
function shimFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'knimectl-bin-'));
  const launcher = join(folder, 'knimectl');
  writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`);
  chmodSync(launcher, 0o755);
  return folder;
}

interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `/bin/sh -c` (or another shell) and a clean environment. */
function shell(
  command: string,
  env: Record<string, string>,
  cwd: string,
  program = '/bin/sh',
): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['-c', command], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const describeWithDemo = demoWorkspaceExists
  ? describe
  : describe.skip.bind(describe, 'scheduler recipes (skipped: demo/workspace not found)');

describeWithDemo('scheduler recipes', () => {
  let simulator: RunningServerSimulator;
  let shim: string;

  beforeAll(async () => {
    simulator = await startSimulator(demoWorkspace, 20);
    shim = shimFolder();
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('runs the Oozie shell action', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'knimectl-oozie-'));
    writeFileSync(join(folder, 'knime-hello.sh'), recipe('oozie-script'));
    writeFileSync(join(folder, 'knime-password'), `${testUser.password}\n`, { mode: 0o600 });

    const result = await shell(
      'sh knime-hello.sh',
      {
        PATH: `${shim}:/usr/bin:/bin`,
        HOME: folder,
        KNIME_SERVER_URL: simulator.url,
        KNIME_USER: testUser.name,
      },
      folder,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('output.greeting=Hello, Oozie!\n');
    expect(result.stdout).toContain('state=EXECUTION_FINISHED\n');
    // Oozie's default limit of captured output (oozie.action.max.output.data) is 2048 characters.
    expect(result.stdout.length).toBeLessThan(2048);
    if (javaAvailable) {
      expect(loadWithJava(result.stdout)['output.greeting']).toBe('Hello, Oozie!');
    }
  });

  it('runs the Airflow BashOperator command', async () => {
    const command = recipe('airflow-command').trim();
    const python = readFileSync(join(repoDir, 'README.md'), 'utf8');
    const pythonCommand = /bash_command='((?:[^'\\]|\\.)*)'/.exec(python)?.[1]?.replace(/\\'/g, "'");
    expect(pythonCommand).toBe(command);

    const folder = mkdtempSync(join(tmpdir(), 'knimectl-airflow-'));
    const result = await shell(
      command,
      {
        PATH: `${shim}:/usr/bin:/bin`,
        HOME: folder,
        KNIME_SERVER_URL: simulator.url,
        KNIME_USER: testUser.name,
        KNIME_PASSWORD: testUser.password,
      },
      folder,
      '/bin/bash',
    );
    expect(result.code).toBe(0);
    const lastLine = result.stdout.trim().split('\n').at(-1) ?? '';
    const document = JSON.parse(lastLine);
    expect(document.outcome).toBe('succeeded');
    expect(document.outputs).toEqual({ greeting: 'Hello, Airflow!' });
  });

  it('runs the cron entry', async () => {
    const [pathLine, entry] = recipe('cron').trim().split('\n');
    const cronPath = pathLine?.replace(/^PATH=/, '') ?? '';
    const command = entry?.trim().split(/\s+/).slice(5).join(' ') ?? '';
    expect(entry?.trim().startsWith('30 2 * * * ')).toBe(true);

    const home = mkdtempSync(join(tmpdir(), 'knimectl-cron-'));
    mkdirSync(join(home, '.config', 'knimectl'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(home, '.config', 'knimectl', 'config.json'),
      JSON.stringify({
        profiles: { prod: { server: simulator.url, user: testUser.name, password: testUser.password } },
      }),
      { mode: 0o600 },
    );

    const env = { PATH: `${shim}:${cronPath}`, HOME: home };
    const first = await shell(command, env, home);
    const second = await shell(command, env, home);
    const errors = readFileSync(join(home, 'knime-hello.err'), 'utf8');
    expect(errors).toBe('');
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);

    const lines = readFileSync(join(home, 'knime-hello.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(JSON.parse(line).outcome).toBe('succeeded');
      expect(JSON.parse(line).outputs).toEqual({ greeting: 'Hello, cron!' });
    }
  });
});

describeWithDemo('npm run demo', () => {
  it('runs Hello World end to end', async () => {
    const result = await shell(
      `"${process.execPath}" scripts/demo.mjs`,
      { PATH: process.env.PATH ?? '' },
      repoDir,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"greeting": "Hello, Ada!"');
    expect(result.stderr).toContain('EXECUTION_FINISHED');
    expect(result.stderr).toContain('knimectl run "/Demo/Hello World"');
    expect(result.stdout + result.stderr).not.toContain('demo-password');
  });
});
