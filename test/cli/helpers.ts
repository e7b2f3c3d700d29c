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

/** A running CLI process. */
export interface SpawnedCli {
  child: ChildProcess;
  /** `/proc/<pid>/cmdline` right after the spawn, NUL separators replaced by spaces. */
  cmdline: string;
  /** First line of stdout, such as the URL the simulator prints. */
  firstLine: Promise<string>;
  done: Promise<CliResult>;
}

/**
 * Spawns `node dist/cli/bin.js ARGS` with a minimal environment (no inherited KNIME_* variables)
 * and a fresh HOME, unless `env.HOME` is given.
 */
export function spawnCli(args: string[], options: CliOptions = {}): SpawnedCli {
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

  const child = spawn(process.execPath, [binPath, ...args], {
    env,
    cwd: options.cwd ?? repoDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    // Not Linux, or the process already ended.
  }

  let stdout = '';
  let stderr = '';
  let resolveFirstLine: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => {
    resolveFirstLine = resolve;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('\n')) resolveFirstLine(stdout.slice(0, stdout.indexOf('\n')));
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    options.onStderr?.(chunk, child);
  });

  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolveFirstLine(stdout.split('\n')[0] ?? '');
      resolve({ code, signal, stdout, stderr, cmdline });
    });
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  else child.stdin?.end();
  options.onSpawn?.(child);
  return { child, cmdline, firstLine, done };
}

/** Runs the CLI to its end; see {@link spawnCli}. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).done;
}
