import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoDir } from '../support/fixtures.js';

/** Path of the built CLI entry that the tests spawn. */
export const binPath = resolve(repoDir, 'dist', 'cli', 'bin.js');

/** Result of one CLI process. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** `/proc/<pid>/cmdline` of the process, read while it ran (NUL-separated argv joined by spaces). */
  cmdline: string;
}

export interface CliOptions {
  /** Environment added to a clean one (PATH, HOME and XDG_CONFIG_HOME of a fresh temp folder). */
  env?: Record<string, string | undefined>;
  /** Text written to stdin, which is then closed. */
  stdin?: string;
  /** Called once the process runs, for signals. */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with each stderr chunk. */
  onStderr?: (text: string, child: ChildProcess) => void;
  cwd?: string;
}

/** Creates a fresh folder used as HOME and XDG config root of one test. */
export function freshHome(): string {
  return mkdtempSync(join(tmpdir(), 'knimectl-cli-'));
}

/**
 * Spawns `node dist/cli/bin.js ARGS` with a minimal environment (no inherited KNIME_* variables)
 * and resolves when it exits.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const home = options.env?.HOME ?? freshHome();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      env,
      cwd: options.cwd ?? repoDir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      // Not Linux, or the process already ended.
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr, cmdline }));
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
    options.onSpawn?.(child);
  });
}
