import yoctoSpinner, { type Spinner } from 'yocto-spinner';
import type { JobStatus } from '../job/types.js';
import { formatElapsed } from './duration.js';
import type { Output } from './terminal.js';

/**
 * Shows the progress of one job on stderr. On a TTY (without `CI`) a spinner line shows the
 * workflow, job id, state and elapsed time. Otherwise one plain line is printed per state change.
 */
export class JobProgress {
  #spinner: Spinner | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #last: JobStatus | undefined;
  readonly #startedAt = Date.now();

  constructor(
    private readonly output: Output,
    private readonly workflow: string | undefined,
  ) {}

  /** Records a new state; prints a line when the raw state changed. */
  update(status: JobStatus): void {
    const changed = this.#last?.state !== status.state;
    this.#last = status;
    if (this.output.quiet) return;

    if (this.output.interactive) {
      this.#ensureSpinner();
      this.#spinner!.text = this.#line();
      return;
    }
    if (changed) this.output.info(this.#line());
  }

  /** Stops the spinner and prints the final line. */
  finish(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = undefined;
    if (this.#spinner) {
      const line = this.#line();
      if (this.#last?.outcome === 'succeeded') this.#spinner.success(line);
      else this.#spinner.stop(line);
      this.#spinner = undefined;
    }
  }

  #ensureSpinner(): void {
    if (this.#spinner) return;
    this.#spinner = yoctoSpinner({
      text: this.#line(),
      stream: this.output.terminal.stderr,
      handleSignals: false,
    }).start();
    this.#ticker = setInterval(() => {
      if (this.#spinner) this.#spinner.text = this.#line();
    }, 1000);
    this.#ticker.unref();
  }

  #line(): string {
    const status = this.#last;
    const workflow = status?.workflow ?? this.workflow ?? '';
    const job = status ? `job ${status.jobId}` : 'job';
    const state = status ? status.state : 'STARTING';
    return `${workflow} ${job} ${state} ${formatElapsed(Date.now() - this.#startedAt)}`.trim();
  }
}
