import {
  CancelledError,
  InvalidInputError,
  type KnimeError,
  NetworkError,
  NotFoundError,
  ServerError,
  TimeoutError,
} from '../errors/index.js';
import type { OozieClient, OozieCommandResult } from './client.js';
import { type OozieFailingAction, OozieJobFailedError, OozieJobSuspendedError } from './errors.js';
import type { OozieActionInfo, OozieJob } from './types.js';

/** Action of a wait when the job is `SUSPENDED` or an action waits for manual intervention. */
export type SuspendedPolicy = 'fail' | 'wait' | 'resume';

/** Options of {@link waitForJob}. */
export interface OozieWaitOptions {
  /** Aborts the wait; the job is killed first unless `killOnAbort` is false. */
  signal?: AbortSignal;
  /** Maximum wait in milliseconds of the client clock. @default no limit */
  timeoutMs?: number;
  /** Absolute deadline in epoch milliseconds of the client clock; the earlier of the two wins. */
  deadline?: number;
  /** First and shortest poll interval in milliseconds. @default 1000 */
  minPollMs?: number;
  /** Maximum poll interval in milliseconds; the interval grows while nothing changes. @default 30000 */
  maxPollMs?: number;
  /**
   * `fail` throws OozieJobSuspendedError and leaves the job suspended, `wait` keeps polling until
   * the deadline, `resume` sends `resume` (at most `maxResumes` times) and keeps waiting.
   * @default 'fail'
   */
  onSuspended?: SuspendedPolicy;
  /** @default 3 */
  maxResumes?: number;
  /**
   * Maximum time in milliseconds that the job may stay paused (`SUSPENDED`, or an action in
   * `START_MANUAL`/`END_MANUAL`) under `wait` or `resume`. When it runs out, the wait ends like a
   * timeout (TimeoutError with clock `no-progress`, kill unless `killOnTimeout` is false).
   * @default no limit besides the deadline
   */
  pausedTimeoutMs?: number;
  /**
   * Client clock time of the submit. Until `notFoundGraceMs` after it, `E0604` (job unknown)
   * means "not visible yet" rather than "gone". @default the start of the wait
   */
  submittedAt?: number;
  /** @default 30000 */
  notFoundGraceMs?: number;
  /** @default true */
  killOnTimeout?: boolean;
  /** @default true */
  killOnAbort?: boolean;
  /**
   * Poll `show=info` (status and actions) instead of the cheaper `show=status`. The final read is
   * always `show=info`. @default true
   */
  watchActions?: boolean;
  /** Called whenever the status or an action's status changes. */
  onProgress?: (job: OozieJob | { id: string; status: string }) => void;
}

const MANUAL_STATES = new Set(['START_MANUAL', 'END_MANUAL']);

/** Last action that explains a failure: errors first, then any action with an error code. */
export function findFailingAction(actions: readonly OozieActionInfo[]): OozieFailingAction | undefined {
  const work = actions.filter((a) => a.type !== ':KILL:');
  const failing =
    [...work].reverse().find((a) => ['ERROR', 'FAILED', 'START_MANUAL', 'END_MANUAL'].includes(a.status)) ??
    [...work].reverse().find((a) => a.errorCode);
  if (!failing) return undefined;
  return {
    id: failing.id,
    name: failing.name,
    type: failing.type,
    status: failing.status,
    errorCode: failing.errorCode ?? null,
    errorMessage: failing.errorMessage ?? null,
    externalId: failing.externalId ?? null,
    consoleUrl: failing.consoleUrl && failing.consoleUrl !== '-' ? failing.consoleUrl : null,
  };
}

/** Returns whether a poll failure is worth another poll rather than ending the wait. */
function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof ServerError) return true;
  return error instanceof TimeoutError && error.clock === 'request';
}

/**
 * Polls a workflow job until it ends, with an interval that starts at `minPollMs`, grows by half
 * while nothing changes and drops back on every change. Transient read failures do not end the
 * wait. Returns the job (`show=info`) when it `SUCCEEDED`.
 *
 * @throws OozieJobFailedError when the job ends `FAILED`, or `KILLED` without this client asking.
 * @throws CancelledError when it ends `KILLED` after this client's kill, or when `signal` aborts
 *   (after the kill, whose error lands in `cleanup`).
 * @throws TimeoutError (clock `deadline`) when the deadline passes, after the kill.
 * @throws OozieJobSuspendedError with `onSuspended: 'fail'`.
 * @throws NotFoundError when the job is unknown after the post-submit grace period.
 */
export async function waitForJob(
  client: OozieClient,
  id: string,
  options: OozieWaitOptions = {},
): Promise<OozieJob> {
  if (!/-W$/.test(id)) {
    throw new InvalidInputError(
      `cannot wait for Oozie job "${id}": only workflow jobs (ids ending in -W) can be waited for; ` +
        'for a coordinator, wait for the workflow id in the externalId of one of its actions',
      { jobId: id },
    );
  }
  const { clock, logger } = client;
  const startedAt = clock.now();
  const deadline = Math.min(
    options.deadline ?? Number.POSITIVE_INFINITY,
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : startedAt + options.timeoutMs,
  );
  const minPoll = options.minPollMs ?? 1_000;
  const maxPoll = Math.max(minPoll, options.maxPollMs ?? 30_000);
  const graceEnd = (options.submittedAt ?? startedAt) + (options.notFoundGraceMs ?? 30_000);
  const policy = options.onSuspended ?? 'fail';
  const watchActions = options.watchActions ?? true;

  let interval = minPoll;
  let fingerprint = '';
  let lastStatus: string | undefined;
  let resumes = 0;
  let warnedManual = false;
  let pausedSince: number | undefined;

  const stop = async (reason: 'timeout' | 'paused' | 'abort'): Promise<never> => {
    const kill = reason === 'abort' ? (options.killOnAbort ?? true) : (options.killOnTimeout ?? true);
    let killResult: OozieCommandResult | undefined;
    let cleanup: unknown;
    if (kill) {
      try {
        killResult = await client.kill(id);
      } catch (error) {
        cleanup = error;
        logger.error('Oozie kill after the wait ended failed', { jobId: id, error });
      }
    }
    const killText = !kill
      ? 'the job was left running'
      : killResult
        ? `kill ${killResult.effect === 'changed' ? 'done' : killResult.effect === 'skipped' ? 'skipped, the job had ended' : 'had no effect'} (status ${killResult.after})`
        : 'the kill failed';

    let error: KnimeError;
    if (reason === 'timeout') {
      const limitMs = deadline - startedAt;
      error = new TimeoutError(
        `Oozie wait for job ${id} timed out: the wait deadline of ${limitMs} ms on the client clock passed; ${killText}`,
        { clock: 'deadline', limitMs, lastState: lastStatus, jobId: id },
      );
    } else if (reason === 'paused') {
      const limitMs = options.pausedTimeoutMs ?? 0;
      error = new TimeoutError(
        `Oozie wait for job ${id} timed out: the job stayed paused (${lastStatus}) longer than the paused ` +
          `timeout of ${limitMs} ms on the client clock; ${killText}`,
        { clock: 'no-progress', limitMs, lastState: lastStatus, jobId: id },
      );
    } else {
      error = new CancelledError(`Oozie wait for job ${id} was aborted; ${killText}`, {
        jobId: id,
        cause: options.signal?.reason,
      });
    }
    error.cleanup = cleanup;
    throw error;
  };

  for (;;) {
    if (options.signal?.aborted) return stop('abort');
    if (clock.now() >= deadline) return stop('timeout');

    let job: OozieJob | undefined;
    let status: string;
    try {
      if (watchActions) {
        job = await client.getJob(id, options.signal);
        status = job.status;
      } else {
        status = await client.getStatus(id, options.signal);
      }
    } catch (error) {
      if (options.signal?.aborted) return stop('abort');
      if (error instanceof NotFoundError && clock.now() < graceEnd) {
        logger.debug('Oozie job not visible yet after submit, polling again', { jobId: id });
        await sleepOrStop();
        continue;
      }
      if (isTransient(error)) {
        logger.warn('Oozie job read failed, polling again', { jobId: id, error });
        await sleepOrStop();
        continue;
      }
      throw error;
    }
    lastStatus = status;

    const nextFingerprint = `${status}|${job?.actions.map((a) => `${a.name}:${a.status}`).join(',') ?? ''}`;
    if (nextFingerprint !== fingerprint) {
      fingerprint = nextFingerprint;
      interval = minPoll;
      options.onProgress?.(job ?? { id, status });
      logger.debug('Oozie job progress', { jobId: id, status });
    } else {
      interval = Math.min(maxPoll, Math.round(interval * 1.5));
    }

    if (status === 'SUCCEEDED') return job ?? client.getJob(id, options.signal);
    if (status === 'KILLED' || status === 'FAILED') {
      throw endError(client, job ?? (await client.getJob(id, options.signal)));
    }

    const manual = job?.actions.find((a) => MANUAL_STATES.has(a.status));
    const paused = status === 'SUSPENDED' || manual !== undefined;
    if (!paused) pausedSince = undefined;
    if (paused) {
      pausedSince ??= clock.now();
      if (options.pausedTimeoutMs !== undefined && clock.now() - pausedSince >= options.pausedTimeoutMs) {
        return stop('paused');
      }

      const pauseReason = manual
        ? `action "${manual.name}" waits for manual intervention (${manual.status}${manual.errorCode ? `, ${manual.errorCode}: ${manual.errorMessage}` : ''})`
        : 'the job is SUSPENDED';
      if (policy === 'fail') {
        throw new OozieJobSuspendedError(
          `Oozie workflow job ${id}: ${pauseReason}; resume it (oozie job -resume ${id}) or kill it, or wait with onSuspended "wait" or "resume"`,
          { state: status, jobId: id },
        );
      }
      if (policy === 'resume' && status === 'SUSPENDED' && resumes < (options.maxResumes ?? 3)) {
        resumes++;
        logger.warn('Oozie job is suspended, resuming it', { jobId: id, resume: resumes });
        await client.resume(id, options.signal);
        interval = minPoll;
      } else if (!warnedManual) {
        warnedManual = true;
        logger.warn(`Oozie job is paused: ${pauseReason}; waiting`, { jobId: id });
      }
    }

    await sleepOrStop();
  }

  async function sleepOrStop(): Promise<void> {
    const pausedDeadline =
      pausedSince !== undefined && options.pausedTimeoutMs !== undefined
        ? pausedSince + options.pausedTimeoutMs
        : Number.POSITIVE_INFINITY;
    const left = Math.min(deadline, pausedDeadline) - clock.now();
    if (left <= 0) return;
    try {
      await clock.sleep(Math.min(interval, left), options.signal);
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
  }
}

function endError(client: OozieClient, job: OozieJob): KnimeError {
  if (job.status === 'KILLED' && client.killRequested.has(job.id)) {
    return new CancelledError(`Oozie workflow job ${job.id} was killed on request`, {
      jobId: job.id,
      state: job.status,
    });
  }

  const failing = findFailingAction(job.actions);
  const killNode = job.actions.find((a) => a.type === ':KILL:');
  const parts = [`Oozie workflow job ${job.id}${job.appName ? ` (${job.appName})` : ''} ended ${job.status}`];
  if (failing) {
    const error = failing.errorCode
      ? `${failing.errorCode}: ${failing.errorMessage ?? ''}`.trim()
      : 'no error message';
    parts.push(`action "${failing.name}" (${failing.type}) ended ${failing.status} with ${error}`);
    if (failing.externalId) parts.push(`external id ${failing.externalId}`);
    if (failing.consoleUrl) parts.push(`console ${failing.consoleUrl}`);
  } else if (killNode?.errorMessage) {
    parts.push(killNode.errorMessage);
  }
  parts.push('the job log (show=log) has the details');

  return new OozieJobFailedError(parts.join('; '), {
    state: job.status,
    jobId: job.id,
    failingAction: failing,
    killMessage: killNode?.errorMessage ?? undefined,
  });
}
