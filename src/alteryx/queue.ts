import type { AlteryxClient, PreparedJob } from './client.js';
import {
  AlteryxQueueOutcomeError,
  CancelledError,
  type KnimeError,
  NetworkError,
  ProtocolError,
  ServerError,
  TimeoutError,
} from './errors.js';
import type { AlteryxHttp } from './http.js';
import { type AlteryxJob, parseJob } from './wire.js';

/** Settings of the check after a lost queue response. */
export interface ReconcileSettings {
  /** Number of job-list checks before the request counts as not received. */
  checks: number;
  /** Pause before each check after the first, in milliseconds. */
  delayMs: number;
  signal: AbortSignal | undefined;
}

/** A 2xx response to a queue request whose body is not a job, so the server accepted the request. */
class UnreadableQueueResponse extends ProtocolError {}

function parseQueuedJob(body: unknown): AlteryxJob {
  try {
    return parseJob(body);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    throw new UnreadableQueueResponse(
      `the queue request was accepted but its answer is unusable: ${error.message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Whether a failed queue request may still have created a job: no response, a cut or unreadable
 * body, a per-request timeout, or a 5xx/408/429 from the server or a proxy in front of it. A 4xx
 * answer is final, and a 401 is handled before the server does any work.
 */
function outcomeUnknown(error: unknown): boolean {
  if (error instanceof UnreadableQueueResponse) return true;
  if (error instanceof NetworkError || error instanceof ServerError) return true;
  if (error instanceof TimeoutError && error.clock === 'request') return true;
  if (error instanceof ProtocolError && error.status !== undefined && error.status < 300) return true;
  return false;
}

/**
 * Queues a prepared job once. A snapshot of the workflow's recent jobs is taken first. When the
 * queue response is lost, the job list is compared with the snapshot. One new job is adopted, and
 * several are reported as candidates. Only when no new job appears after every check is the
 * request sent once more.
 */
export async function queueWithReconciliation(
  client: AlteryxClient,
  http: AlteryxHttp,
  prepared: PreparedJob,
  settings: ReconcileSettings,
): Promise<AlteryxJob> {
  const workflowId = prepared.workflow.id;
  const logger = client.logger;
  const snapshot = await snapshotJobIds(client, workflowId, settings.signal);

  for (let sends = 1; ; sends++) {
    try {
      const body = await http.json({
        method: 'POST',
        path: `v3/workflows/${encodeURIComponent(workflowId)}/jobs`,
        json: prepared.body,
        idempotent: false,
        signal: settings.signal,
      });
      const job = parseQueuedJob(body);
      logger.info('alteryx job queued', { workflowId, jobId: job.id, status: job.status });
      return job;
    } catch (error) {
      if (error instanceof CancelledError) {
        throw new CancelledError(
          `queueing workflow ${workflowId} was aborted; the request may have created a job, so check the workflow's jobs before queueing again`,
          { cause: error, request: error.request },
        );
      }
      if (!outcomeUnknown(error)) throw error;

      const failure = error as KnimeError;
      if (!snapshot) {
        throw new AlteryxQueueOutcomeError(
          `queue request for workflow ${workflowId} failed (${failure.message}) and may have created a job; it was not sent again because the workflow's job list could not be read to check. Check the workflow's jobs before queueing again`,
          { cause: failure, request: failure.request },
        );
      }

      logger.warn('alteryx queue request outcome unknown; checking the job list', {
        workflowId,
        error: failure.message,
      });
      const found = await findNewJobs(client, workflowId, snapshot, settings);
      if (found.length === 1 && found[0]) {
        logger.warn('alteryx queue response was lost; adopting the job it created', {
          workflowId,
          jobId: found[0],
        });
        return client.getJob(found[0], { signal: settings.signal });
      }
      if (found.length > 1) {
        throw new AlteryxQueueOutcomeError(
          `queue request for workflow ${workflowId} failed (${failure.message}) and ${found.length} new jobs appeared meanwhile (${found.join(', ')}); it is unclear which one this request created, so none was adopted and the request was not sent again`,
          { cause: failure, request: failure.request, candidateJobIds: found },
        );
      }
      if (sends >= 2) {
        throw new NetworkError(
          `queue request for workflow ${workflowId} failed twice (${failure.message}); no job was created`,
          { cause: failure, request: failure.request },
        );
      }
      logger.warn('alteryx queue request created no job; sending it once more', { workflowId });
    }
  }
}

/** Ids of the workflow's newest jobs, or undefined when the list cannot be read. */
async function snapshotJobIds(
  client: AlteryxClient,
  workflowId: string,
  signal: AbortSignal | undefined,
): Promise<Set<string> | undefined> {
  try {
    const jobs = await client.listWorkflowJobs(workflowId, { limit: 20, signal });
    return new Set(jobs.map((job) => job.id));
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    client.logger.warn('alteryx job list unreadable; a lost queue response cannot be reconciled', {
      workflowId,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

// NOTE: a job that someone else queued between the snapshot and the check looks like ours, so it is
// adopted when it is the only new job. The V3 API has no field for a caller-chosen marker.
async function findNewJobs(
  client: AlteryxClient,
  workflowId: string,
  snapshot: Set<string>,
  settings: ReconcileSettings,
): Promise<string[]> {
  for (let check = 1; check <= settings.checks; check++) {
    if (check > 1) {
      try {
        await client.clock.sleep(settings.delayMs, settings.signal);
      } catch (cause) {
        throw new CancelledError(`checking for a lost queue response of workflow ${workflowId} was aborted`, {
          cause,
        });
      }
    }
    const jobs = await client.listWorkflowJobs(workflowId, { limit: 20, signal: settings.signal });
    const fresh = jobs.filter((job) => !snapshot.has(job.id)).map((job) => job.id);
    if (fresh.length > 0) return fresh;
  }
  return [];
}
