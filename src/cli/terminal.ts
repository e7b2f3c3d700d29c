import type { Writable } from 'node:stream';

/** Streams and environment of one CLI invocation, injectable for tests. */
export interface Terminal {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * Writes to stdout and stderr with every registered secret replaced by `***`. Secrets are
 * registered as soon as they are read, so no code path (errors from a dependency, `--debug`
 * traces, echoed output values) can print one.
 */
export class Output {
  readonly #secrets = new Set<string>();
  debugEnabled = false;
  quiet = false;
  /** Whether anything was printed on stdout; an error document is printed only when nothing was. */
  stdoutWritten = false;

  constructor(readonly terminal: Terminal) {}

  /** Registers a secret; values shorter than 3 characters are too common to replace safely. */
  addSecret(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 3) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.#secrets) result = result.split(secret).join('***');
    return result;
  }

  /** Writes machine output (results) to stdout. */
  out(text: string): void {
    this.stdoutWritten = true;
    this.terminal.stdout.write(this.redact(text));
  }

  /** Writes a human message line to stderr. */
  info(line: string): void {
    if (!this.quiet) this.terminal.stderr.write(`${this.redact(line)}\n`);
  }

  /** Writes a warning line to stderr, also in quiet mode. */
  warn(line: string): void {
    this.terminal.stderr.write(`warning: ${this.redact(line)}\n`);
  }

  /** Writes an error line to stderr. */
  error(line: string): void {
    this.terminal.stderr.write(`${this.redact(line)}\n`);
  }

  /** Writes a `--debug` line to stderr. */
  debug(line: string): void {
    if (this.debugEnabled) this.terminal.stderr.write(`debug: ${this.redact(line)}\n`);
  }

  /** Whether progress may animate: stderr is a TTY and `CI` is unset. */
  get interactive(): boolean {
    return this.terminal.stderr.isTTY === true && !this.terminal.env.CI;
  }
}

/** Returns the process's own terminal. */
export function processTerminal(): Terminal {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}
