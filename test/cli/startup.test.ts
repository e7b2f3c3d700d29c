import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServerSimulator } from '../../src/simulator/index.js';
import { repoDir } from '../support/fixtures.js';
import { binPath, runCli } from './helpers.js';
import { connectionEnv, demoWorkspace, demoWorkspaceExists, startSimulator } from './support/simulator.js';

const tracer = join(repoDir, 'test', 'cli', 'support', 'trace-imports.mjs');

/** Runs the CLI with an import tracer and returns the module URLs it resolved inside the repository. */
function loadedModules(args: string[]): Promise<string[]> {
  const traceFile = join(mkdtempSync(join(tmpdir(), 'knimectl-trace-')), 'imports.txt');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tracer, binPath, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), KNIMECTL_TRACE_IMPORTS: traceFile },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', () => {
      const urls = readFileSync(traceFile, 'utf8').trim().split('\n');
      resolve(
        urls
          .filter((url) => url.startsWith(`file://${repoDir}/dist/`))
          .map((url) => url.slice(`file://${repoDir}/`.length)),
      );
    });
  });
}

describe('knimectl startup', () => {
  it('loads two modules for --version', async () => {
    expect(await loadedModules(['--version'])).toEqual(['dist/cli/bin.js', 'dist/cli/version.js']);
  });

  it('loads no library for --help', async () => {
    const modules = await loadedModules(['run', '--help']);
    expect(modules).toContain('dist/cli/main.js');
    expect(modules.filter((path) => !path.startsWith('dist/cli/'))).toEqual([]);
  });
});

/** Runs `command` under `script`, which gives it a pseudo-terminal, and returns what it wrote. */
function runOnTty(
  command: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const scriptAvailable = (() => {
  try {
    return readFileSync('/usr/bin/script').length > 0;
  } catch {
    return false;
  }
})();

describe.skipIf(!demoWorkspaceExists || !scriptAvailable)('knimectl progress', () => {
  let simulator: RunningServerSimulator;
  let env: Record<string, string>;
  const command = `"${process.execPath}" "${binPath}" run "/Demo/Hello World" --input 'name="Tty"'`;

  beforeAll(async () => {
    simulator = await startSimulator(demoWorkspace, 1);
    env = { PATH: process.env.PATH ?? '', HOME: tmpdir(), TERM: 'xterm', ...connectionEnv(simulator.url) };
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('animates a spinner on a TTY', async () => {
    const result = await runOnTty(command, env);
    expect(result.code).toBe(0);
    expect(result.output).toContain('\u001b[');
    expect(result.output).toContain('/Demo/Hello World job');
    expect(result.output).toContain('"greeting": "Hello, Tty!"');
  });

  it('prints plain lines with CI set', async () => {
    const result = await runOnTty(command, { ...env, CI: 'true' });
    expect(result.code).toBe(0);
    expect(result.output).not.toContain('\u001b[');
    expect(result.output).toMatch(/\/Demo\/Hello World job [0-9a-f-]{36} EXECUTION_FINISHED/);
  });

  it('prints plain lines without a TTY', async () => {
    const result = await runCli(['run', '/Demo/Hello World', '--input', 'name="Pipe"'], {
      env: connectionEnv(simulator.url),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('\u001b[');
    const stateLines = result.stderr.split('\n').filter((line) => line.startsWith('/Demo/Hello World job'));
    expect(stateLines.length).toBeGreaterThanOrEqual(2);
    expect(stateLines.at(-1)).toContain('EXECUTION_FINISHED');
  });
});
