import type { ExecutionTicket, JobSnapshot } from '../engine/engine.js';
import { EngineError } from '../engine/errors.js';
import type { ExecutionRequest } from '../engine/inputs.js';
import { HttpError, mason, type ServerContext, type ServerParts } from './http.js';
import { jobJson } from './serialize.js';

/** Clock time at which a synchronous wait with `timeoutMs` ends; undefined for no limit. */
export function deadlineFor(parts: ServerParts, timeoutMs: number | undefined): number | undefined {
  return timeoutMs === undefined ? undefined : parts.engine.clock.now() + timeoutMs;
}

/**
 * Waits for the execution of `ticket` as a synchronous request does.
 *
 * @throws {HttpError} 504 when `deadlineMs` passes first. By default the job keeps running; with
 *   `syncTimeout: 'cancel'` it is cancelled.
 */
export async function waitSynchronously(
  c: ServerContext,
  parts: ServerParts,
  ticket: ExecutionTicket,
  deadlineMs: number | undefined,
  timeoutMs: number | undefined,
): Promise<JobSnapshot> {
  const result = await parts.engine.waitForExecution(ticket, { deadlineMs, signal: c.req.raw.signal });
  if (result.outcome === 'settled') return result.job;
  throw syncTimeoutError(parts, result.job, timeoutMs ?? 0);
}

/** Waits until a new job has loaded, or throws the 504 of {@link waitSynchronously}. */
export async function waitLoaded(
  c: ServerContext,
  parts: ServerParts,
  jobId: string,
  deadlineMs: number | undefined,
  timeoutMs: number | undefined,
): Promise<JobSnapshot> {
  const result = await parts.engine.waitForLoad(jobId, { deadlineMs, signal: c.req.raw.signal });
  if (result.outcome === 'settled') return result.job;
  throw syncTimeoutError(parts, result.job, timeoutMs ?? 0);
}

function syncTimeoutError(parts: ServerParts, job: JobSnapshot, timeoutMs: number): HttpError {
  if (parts.options.syncTimeout === 'cancel' && parts.engine.getJob(job.id)) {
    parts.engine.cancel(job.id);
    return new HttpError(
      504,
      `Job ${job.id} did not finish within timeout=${timeoutMs} ms and was cancelled`,
    );
  }
  return new HttpError(
    504,
    `Job ${job.id} did not finish within timeout=${timeoutMs} ms; it is still ${job.state}, poll GET /jobs/${job.id} for its result`,
  );
}

export interface OneShotOptions {
  readonly request: ExecutionRequest;
  readonly reset: boolean;
  readonly timeoutMs: number | undefined;
  /** The job to run and how to give it back afterwards (discard, or return it to a pool). */
  readonly jobId: string;
  /** `timedOut` is true when the request ended with 504 and the job outlived it. */
  readonly release: (job: JobSnapshot | undefined, timedOut: boolean) => void;
}

/**
 * Runs a one-shot execution (`:execution`, `:job-pool`): waits for the load, executes, waits for
 * the end, returns the job or only its `outputValues`, and then releases the job.
 */
export async function runOneShot(
  c: ServerContext,
  parts: ServerParts,
  run: OneShotOptions,
): Promise<Response> {
  const { engine, options } = parts;
  const deadlineMs = deadlineFor(parts, run.timeoutMs);
  let ticket: ExecutionTicket | undefined;

  try {
    const loaded = await waitLoaded(c, parts, run.jobId, deadlineMs, run.timeoutMs);
    let finished: JobSnapshot;
    if (loaded.state === 'LOAD_ERROR' || loaded.state === 'NOT_EXECUTABLE') {
      finished = loaded;
    } else {
      ticket = engine.execute(run.jobId, run.request, { reset: run.reset });
      finished = await waitSynchronously(c, parts, ticket, deadlineMs, run.timeoutMs);
    }

    run.release(finished, false);
    const gone = engine.getJob(run.jobId) === undefined;
    const body =
      options.executionResponse === 'outputs'
        ? finished.outputValues === undefined
          ? {}
          : { outputValues: finished.outputValues }
        : jobJson(finished, c.var.scope, options, { root: true, withoutControls: gone });
    return mason(c, body);
  } catch (error) {
    if (error instanceof HttpError && error.status === 504) {
      // The job outlives the request: release it only once its execution has ended.
      if (ticket) {
        engine.waitForExecution(ticket).then(
          (result) => run.release(result.job, true),
          () => run.release(undefined, true),
        );
      } else {
        run.release(engine.getJob(run.jobId), true);
      }
      throw error;
    }
    if (error instanceof EngineError || error instanceof HttpError)
      run.release(engine.getJob(run.jobId), false);
    throw error;
  }
}
