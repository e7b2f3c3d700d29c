import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sleepUntil, systemClock } from '../clock.js';
import { durationSchema, parseDuration } from '../duration.js';
import { RemoteWorkLostError, StepConfigError } from '../errors.js';
import { SUPERVISOR_SOURCE } from './command-supervisor.js';
import type { StepKind, StepOutputs, WaitResult } from './types.js';

/** Name of the environment variable that contains the path of the step's output file. */
export const OUTPUT_ENV = 'KNIMECTL_OUTPUT';

/** Maximum number of characters of stdout kept as the `stdout` output. */
const STDOUT_TAIL_CHARS = 4096;

/** Interval for checking on a supervisor that is not a child of this process (after a resume). */
const ATTACHED_POLL_MS = 200;

const commandConfig = z
  .strictObject({
    command: z
      .array(z.string().min(1))
      .min(1)
      .refine((argv) => !argv.some((arg) => arg.includes('$' + '{{')), {
        message: `command arguments must not contain \${{ }} expressions; pass values through env and read them as environment variables`,
      })
      .describe('Program and its arguments, run without a shell'),
    env: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value)),
      )
      .optional()
      .describe(`Environment variables for the command; values may use \${{ }} expressions`),
    'working-directory': z
      .string()
      .optional()
      .describe('Working directory, relative to the pipeline file; defaults to its folder'),
    'kill-after': durationSchema
      .optional()
      .describe('Time between SIGTERM and SIGKILL to the process group on timeout or cancel (default 10s)'),
  })
  .describe('with: block of a command step');

export type CommandConfig = z.infer<typeof commandConfig>;

/** Supervisors started by this process, so `wait` can react to their exit without polling. */
const children = new Map<number, Promise<void>>();

function statusPath(dir: string): string {
  return path.join(dir, 'status.json');
}

interface ExitStatus {
  exitCode: number | null;
  signal: string | null;
  error: string | null;
}

function readStatus(dir: string): ExitStatus | undefined {
  try {
    return JSON.parse(readFileSync(statusPath(dir), 'utf8')) as ExitStatus;
  } catch {
    return undefined;
  }
}

/** Reads the `claim` file a supervisor writes; returns its pid, `reconciled`, or undefined when absent. */
function readClaim(dir: string): number | 'reconciled' | 'empty' | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'claim'), 'utf8');
  } catch {
    return undefined;
  }
  if (text === 'reconciled') return 'reconciled';
  const match = /^supervisor (\d+)$/.exec(text);
  return match ? Number(match[1]) : 'empty';
}

/**
 * Tells whether process `pid` is still the supervisor of `dir`. On Linux the command line is checked,
 * so a reused pid is not mistaken for the supervisor; elsewhere only the pid's existence is checked.
 */
function isSupervisorAlive(pid: number, dir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(dir);
  } catch {
    return true;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Parses `key=value` lines and `key<<DELIMITER` blocks from the output file. */
export function parseOutputFile(text: string): StepOutputs {
  const outputs: StepOutputs = {};
  const lines = text.split(/\r?\n/);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;

    const heredoc = /^([A-Za-z_][\w-]*)<<(\S+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i++]!);
      outputs[heredoc[1]!] = body.join('\n');
      continue;
    }

    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq) : '';
    if (!/^[A-Za-z_][\w-]*$/.test(key)) {
      throw new StepConfigError(
        `invalid line ${i + 1} in the output file: expected key=value or key<<DELIMITER, got ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
    outputs[key] = line.slice(eq + 1);
  }

  return outputs;
}

/** Reads the end of the captured stdout without loading a large file into memory. */
function stdoutTail(dir: string): string {
  let fd: number;
  try {
    fd = openSync(path.join(dir, 'stdout.log'), 'r');
  } catch {
    return '';
  }
  try {
    // Four bytes per character is the UTF-8 maximum, so this covers STDOUT_TAIL_CHARS characters.
    const size = fstatSync(fd).size;
    const length = Math.min(size, STDOUT_TAIL_CHARS * 4);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').slice(-STDOUT_TAIL_CHARS).trim();
  } finally {
    closeSync(fd);
  }
}

async function resultFromStatus(dir: string, status: ExitStatus, command: string): Promise<WaitResult> {
  if (status.error !== null) {
    return { status: 'failed', error: `command ${command} could not be started: ${status.error}` };
  }

  const outputs: StepOutputs = { exitCode: status.exitCode, stdout: stdoutTail(dir) };
  let fileOutputs: StepOutputs = {};
  try {
    fileOutputs = parseOutputFile(await readFile(path.join(dir, 'outputs.txt'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      return { status: 'failed', error: `command ${command}: ${(error as Error).message}`, outputs };
    }
  }
  Object.assign(outputs, fileOutputs);

  if (status.signal !== null) {
    return { status: 'failed', error: `command ${command} was killed by ${status.signal}`, outputs };
  }
  if (status.exitCode !== 0) {
    return { status: 'failed', error: `command ${command} exited with code ${status.exitCode}`, outputs };
  }
  return { status: 'succeeded', outputs };
}

/**
 * Runs a local program without a shell. Values reach it only through environment variables, and it
 * reports outputs as `key=value` lines in the file named by `$KNIMECTL_OUTPUT`. The program runs under a
 * supervisor in its own process group, so a resumed run attaches to it instead of starting it again.
 */
export const commandStep: StepKind<CommandConfig> = {
  name: 'command',
  description: 'Run a local program with arguments (no shell); outputs come from $KNIMECTL_OUTPUT',
  remoteSystem: 'local',
  configSchema: commandConfig,

  async start(config, ctx) {
    const dir = ctx.attemptDir;
    mkdirSync(dir, { recursive: true });
    const cwd = path.resolve(ctx.baseDir, config['working-directory'] ?? '.');
    if (!existsSync(cwd)) {
      throw new StepConfigError(`working directory ${cwd} of step ${ctx.step} does not exist`);
    }

    const outputFile = path.join(dir, 'outputs.txt');
    closeSync(openSync(outputFile, 'a'));
    const env: Record<string, string> = {
      ...ctx.env,
      ...config.env,
      [OUTPUT_ENV]: outputFile,
      KNIMECTL_RUN_ID: ctx.runId,
      KNIMECTL_STEP: ctx.step,
      KNIMECTL_ATTEMPT: String(ctx.attempt),
    };

    const [program, ...args] = config.command;
    const supervisor = spawn(process.execPath, ['-e', SUPERVISOR_SOURCE, '--', dir, cwd, program!, ...args], {
      cwd,
      env,
      detached: true,
      stdio: 'ignore',
    });
    const pid = supervisor.pid;
    if (pid === undefined) {
      throw new StepConfigError(`could not start a supervisor process for step ${ctx.step}`);
    }
    children.set(
      pid,
      new Promise((resolve) => {
        supervisor.once('exit', () => resolve());
        supervisor.once('error', () => resolve());
      }),
    );

    return { id: String(pid), details: { dir } };
  },

  async reconcile(_config, ctx) {
    const dir = ctx.attemptDir;
    if (!existsSync(dir)) return undefined;

    // A supervisor writes its claim right after it starts; claiming the attempt here first makes any
    // late supervisor exit without running the command.
    try {
      const fd = openSync(path.join(dir, 'claim'), 'wx');
      writeSync(fd, 'reconciled');
      closeSync(fd);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    for (let i = 0; i < 50; i++) {
      const claim = readClaim(dir);
      if (typeof claim === 'number') return { id: String(claim), details: { dir } };
      if (claim === 'reconciled') return undefined;
      await sleepUntil(ctx.clock, ctx.clock.now() + 20);
    }
    throw new RemoteWorkLostError(`attempt folder ${dir} has a claim file without a supervisor pid`);
  },

  async attach(remote) {
    const dir = String(remote.details?.dir);
    if (readStatus(dir)) return;
    if (!isSupervisorAlive(Number(remote.id), dir)) {
      throw new RemoteWorkLostError(
        `supervisor process ${remote.id} of this attempt ended without recording an exit status in ${dir}`,
      );
    }
  },

  async wait(remote, config, ctx) {
    const dir = String(remote.details?.dir);
    const pid = Number(remote.id);
    const command = config.command[0]!;
    const exited = children.get(pid);

    for (;;) {
      ctx.signal.throwIfAborted();
      const status = readStatus(dir);
      if (status) {
        children.delete(pid);
        return resultFromStatus(dir, status, command);
      }

      if (exited) {
        await raceAbort(exited, ctx.signal);
        const final = readStatus(dir);
        children.delete(pid);
        if (final) return resultFromStatus(dir, final, command);
        return { status: 'failed', error: `supervisor of command ${command} ended without an exit status` };
      }

      if (!isSupervisorAlive(pid, dir)) {
        const final = readStatus(dir);
        if (final) return resultFromStatus(dir, final, command);
        return { status: 'failed', error: `supervisor of command ${command} ended without an exit status` };
      }
      // The program runs in real time, whatever clock the runner uses.
      await sleepUntil(systemClock, Date.now() + ATTACHED_POLL_MS, ctx.signal);
    }
  },

  async cancel(remote, config) {
    const dir = String(remote.details?.dir);
    const pid = Number(remote.id);
    if (readStatus(dir) || !isSupervisorAlive(pid, dir)) return;

    killGroup(pid, 'SIGTERM');
    const graceMs = parseDuration(config['kill-after'] ?? '10s')!;
    const until = Date.now() + graceMs;
    while (Date.now() < until) {
      if (readStatus(dir) || !isSupervisorAlive(pid, dir)) return;
      await sleepUntil(systemClock, Date.now() + 50);
    }
    killGroup(pid, 'SIGKILL');
  },
};

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
