import type { PipelineEvent } from '../pipeline/index.js';
import type { Output } from './terminal.js';

/** Redraw period of the live lines on a TTY, in milliseconds. */
const REDRAW_MS = 1000;

/**
 * Progress of a pipeline run on stderr. On a TTY (and without `CI`) it keeps one live line per
 * running step with its elapsed time, and prints finished steps above them; otherwise it prints one
 * line per event. With `--json` every event is also one JSON line on stdout (NDJSON).
 */
export class PipelineProgress {
  readonly #output: Output;
  readonly #json: boolean;
  readonly #live: boolean;
  readonly #running = new Map<string, { startedAt: number; detail: string }>();
  #drawnLines = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(output: Output, json: boolean) {
    this.#output = output;
    this.#json = json;
    this.#live = output.interactive && !output.quiet;
  }

  /** Handles one event of the runner. */
  onEvent(event: PipelineEvent): void {
    if (this.#json) this.#output.out(`${JSON.stringify(event)}\n`);

    if (event.type === 'step-started' || event.type === 'step-attached') {
      const detail = `${event.remoteSystem} ${event.remoteId}`;
      this.#running.set(event.step, { startedAt: Date.now(), detail });
    }
    if (event.type === 'step-ended' || event.type === 'step-skipped') this.#running.delete(event.step);

    const line = describeEvent(event);
    if (!this.#live) {
      if (line !== undefined) this.#output.info(line);
      return;
    }

    this.#clear();
    if (line !== undefined && event.type !== 'step-started' && event.type !== 'step-attached') {
      this.#output.info(line);
    }
    this.#draw();
    if (this.#running.size > 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => {
        this.#clear();
        this.#draw();
      }, REDRAW_MS);
      this.#timer.unref();
    }
    if (this.#running.size === 0) this.#stopTimer();
  }

  /** Removes the live lines and stops redrawing. */
  stop(): void {
    this.#stopTimer();
    this.#clear();
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #draw(): void {
    const now = Date.now();
    const lines = [...this.#running].map(
      ([step, { startedAt, detail }]) =>
        `  ${step} running ${Math.round((now - startedAt) / 1000)}s (${detail})`,
    );
    for (const line of lines) this.#output.terminal.stderr.write(`${this.#output.redact(line)}\n`);
    this.#drawnLines = lines.length;
  }

  #clear(): void {
    if (this.#drawnLines === 0) return;
    // Move the cursor up over the live lines and erase to the end of the screen.
    this.#output.terminal.stderr.write(`\u001b[${this.#drawnLines}A\u001b[0J`);
    this.#drawnLines = 0;
  }
}

/** One human line per event; undefined for events that need no line. */
function describeEvent(event: PipelineEvent): string | undefined {
  switch (event.type) {
    case 'run-started':
      return `run ${event.runId} of ${event.pipeline} ${event.resumed ? 'resumed' : 'started'}`;
    case 'step-started':
      return `step ${event.step} started (attempt ${event.attempt}, ${event.remoteSystem} ${event.remoteId})`;
    case 'step-attached':
      return `step ${event.step} attached to ${event.remoteSystem} ${event.remoteId}`;
    case 'step-retrying':
      return `step ${event.step} retrying in ${event.delayMs}ms: ${event.error}`;
    case 'step-skipped':
      return `step ${event.step} skipped: ${event.reason}`;
    case 'step-ended':
      return `step ${event.step} ${event.outcome}${event.error ? `: ${event.error}` : ''}`;
    case 'run-ended':
      return `run ${event.runId} ${event.outcome}`;
    default:
      return undefined;
  }
}
