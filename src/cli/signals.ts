import { ExitCode, type ExitCodeValue } from './exit.js';
import type { Output } from './terminal.js';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/**
 * Turns the first SIGINT or SIGTERM into an abort of `signal`, so that the running command can
 * cancel the remote job, apply the discard policy and exit 130 or 143. A second signal exits at
 * once without clean-up.
 */
export class InterruptGuard {
  readonly #controller = new AbortController();
  readonly #handlers = new Map<InterruptSignal, () => void>();
  #received: InterruptSignal | undefined;

  constructor(
    private readonly output: Output,
    private readonly describeWork: () => string,
  ) {
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      const handler = () => this.#onSignal(name);
      this.#handlers.set(name, handler);
      process.on(name, handler);
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The first signal received, if any. */
  get received(): InterruptSignal | undefined {
    return this.#received;
  }

  /** Exit code for the received signal: 130 for SIGINT, 143 for SIGTERM. */
  get exitCode(): ExitCodeValue {
    return this.#received === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint;
  }

  dispose(): void {
    for (const [name, handler] of this.#handlers) process.off(name, handler);
    this.#handlers.clear();
  }

  #onSignal(name: InterruptSignal): void {
    if (this.#received !== undefined) {
      this.output.error(
        `${name} received again: exiting without clean-up; ${this.describeWork()} may still run`,
      );
      process.exit(name === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint);
    }
    this.#received = name;
    this.output.error(`${name} received: cancelling ${this.describeWork()} (send it again to exit at once)`);
    this.#controller.abort(new Error(`interrupted by ${name}`));
  }
}
