import type { JobHandle } from '../job/api.js';
import type { JobStatus } from '../job/types.js';
import { type DiscardPolicyName, type JobEnding, shouldDiscard } from './discard-policy.js';
import { toExitError } from './error-map.js';
import { CliExitError, ExitCode } from './exit.js';
import { printResult, type ResultFormat } from './print.js';
import { JobProgress } from './progress.js';
import { type JobResultDocument, resultDocument } from './result.js';
import type { InterruptGuard } from './signals.js';
import type { Output } from './terminal.js';

/** Options shared by `run` and `wait`. */
export interface FollowOptions {
  timeoutMs: number | undefined;
  loadTimeoutMs: number;
  discard: DiscardPolicyName;
  acceptPartial: boolean;
  outputDir: string | undefined;
  format: ResultFormat;
}

/**
 * Waits for a job, reads its outputs, downloads its files, applies the discard policy and prints
 * the result. Returns the exit code; errors were already printed.
 */
export async function followJob(
  handle: JobHandle,
  options: FollowOptions,
  guard: InterruptGuard,
  output: Output,
): Promise<number> {
  const progress = new JobProgress(output, handle.workflow);
  let final: JobStatus | undefined;
  let failure: unknown;

  // A signal that arrived before the wait (during the start) aborts the wait at once.
  try {
    final = await handle.wait({
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      loadTimeoutMs: options.loadTimeoutMs,
      acceptPartial: options.acceptPartial,
      signal: guard.signal,
      cancelOnAbort: true,
      onStateChange: (status) => progress.update(status),
    });
  } catch (error) {
    failure = error;
  } finally {
    progress.finish();
  }

  let outputs: Record<string, unknown> = {};
  let files: Record<string, string> | undefined;
  if (failure === undefined) {
    try {
      outputs = await handle.outputs({ signal: guard.signal });
      if (options.outputDir !== undefined) {
        const downloads = await handle.downloadOutputs(options.outputDir, { signal: guard.signal });
        files = Object.fromEntries(downloads.map((download) => [download.name, download.path]));
        for (const download of downloads) output.info(`wrote ${download.path} (${download.bytes} bytes)`);
      }
    } catch (error) {
      failure = error;
    }
  }

  const ending = classifyEnding(failure, guard);
  if (ending.cancelRemote) await cancelQuietly(handle, output);

  let discarded = false;
  if (ending.kind !== undefined && shouldDiscard(options.discard, ending.kind)) {
    discarded = await discardQuietly(handle, output);
  }

  const status = final ?? handle.lastStatus ?? (await statusQuietly(handle));
  const exitError = failure === undefined ? undefined : exitErrorFor(failure, guard, handle);

  // The hint of a failed job already names the discard command, so the kept line leaves it out.
  if (ending.kind !== undefined && !shouldDiscard(options.discard, ending.kind)) {
    const discardHint = `knimectl discard ${handle.id}`;
    output.info(
      exitError?.hint?.includes(discardHint) === true
        ? `kept job ${handle.id} (--discard ${options.discard})`
        : `kept job ${handle.id} (--discard ${options.discard}); discard it with \`${discardHint}\``,
    );
  }

  // A failed job's outputValues hold the workflow's template values, not results, so they are left out.
  const document: JobResultDocument = status
    ? resultDocument(status, { outputs, discarded })
    : emptyDocument(handle, discarded);
  if (files !== undefined) document.files = files;
  if (exitError !== undefined) document.error = exitError.message;

  printResult(document, options.format, output, exitError === undefined);

  if (exitError !== undefined) {
    output.error(`error: ${exitError.message}`);
    for (const node of document.failedNodes) {
      if (!exitError.message.includes(node.message)) output.error(`  ${node.node}: ${node.message}`);
    }
    if (exitError.hint) output.error(exitError.hint);
    return exitError.code;
  }
  return ExitCode.ok;
}

interface Ending {
  /** Class for the discard policy; undefined when the job's state is not known (network error). */
  kind: JobEnding | undefined;
  /** Whether knimectl must make sure the remote job is cancelled. */
  cancelRemote: boolean;
}

function classifyEnding(failure: unknown, guard: InterruptGuard): Ending {
  if (failure === undefined) return { kind: 'succeeded', cancelRemote: false };
  if (guard.received !== undefined) return { kind: 'interrupted', cancelRemote: true };

  const code = (failure as { code?: unknown }).code;
  if (code === 'timeout') return { kind: 'interrupted', cancelRemote: true };
  if (code === 'job-failed' || code === 'cancelled') return { kind: 'failed', cancelRemote: false };
  return { kind: undefined, cancelRemote: false };
}

function exitErrorFor(failure: unknown, guard: InterruptGuard, handle: JobHandle): CliExitError {
  if (guard.received !== undefined) {
    return new CliExitError(
      guard.exitCode,
      `interrupted by ${guard.received}; job ${handle.id} was cancelled`,
    );
  }

  const error = toExitError(failure);
  if (error.code === ExitCode.jobFailed) {
    return new CliExitError(
      error.code,
      error.message,
      `inspect it with \`knimectl status ${handle.id}\`; discard it with \`knimectl discard ${handle.id}\``,
      { cause: failure },
    );
  }
  return error;
}

async function cancelQuietly(handle: JobHandle, output: Output): Promise<void> {
  if (handle.lastStatus?.terminal === true) return;
  try {
    const status = await handle.cancel();
    output.info(`cancelled job ${handle.id} (state ${status.state})`);
  } catch (error) {
    output.warn(
      `could not cancel job ${handle.id}: ${(error as Error).message}; run \`knimectl cancel ${handle.id}\``,
    );
  }
}

async function discardQuietly(handle: JobHandle, output: Output): Promise<boolean> {
  try {
    const result = await handle.discard();
    // The library already logs a job that is gone as a warning, so only a discard is reported here.
    if (result === 'discarded') output.info(`discarded job ${handle.id}`);
    return true;
  } catch (error) {
    output.warn(
      `could not discard job ${handle.id}: ${(error as Error).message}; run \`knimectl discard ${handle.id}\``,
    );
    return false;
  }
}

async function statusQuietly(handle: JobHandle): Promise<JobStatus | undefined> {
  try {
    return await handle.status();
  } catch {
    return undefined;
  }
}

function emptyDocument(handle: JobHandle, discarded: boolean): JobResultDocument {
  return {
    jobId: handle.id,
    workflow: handle.workflow,
    state: 'UNKNOWN',
    outcome: 'unknown',
    outputs: {},
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    failedNodes: [],
    discarded,
  };
}
