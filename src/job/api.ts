/**
 * The public surface of the job-control library: the client and the job handle.
 */
import type { DiscardPolicy, WaitOptions } from './options.js';
import type {
  Backend,
  CallOptions,
  Inputs,
  JobListFilter,
  JobStatus,
  OneShotMode,
  RepositoryEntry,
  WorkflowDescription,
} from './types.js';

/** Options of `KnimeClient.start`. */
export interface StartOptions extends CallOptions {
  /**
   * Check the inputs against the workflow's `:openapi` description before creating the job.
   * @default true
   */
  validateInputs?: boolean;
  /**
   * With `validateInputs`, also check each value's JSON type against the type the workflow
   * publishes (a string for a string input, and so on). Turn it off for a workflow whose published
   * example does not show the type it accepts.
   * @default true
   */
  checkInputTypes?: boolean;
  /** Description to check against, when the caller already has one (saves a request). */
  description?: WorkflowDescription;
  /**
   * Limit for the new job to finish loading, in milliseconds. A job that is still loading then is
   * discarded, because it never ran.
   * @default 60000
   */
  loadTimeoutMs?: number;
}

/** Options of `KnimeClient.run`. */
export interface RunOptions extends StartOptions, Omit<WaitOptions, 'signal'> {
  /** When to discard the job after the run. @default { onSuccess: true, onFailure: false } */
  discard?: DiscardPolicy;
  /**
   * Output names that must be present in `outputValues`. `true` means every output of the
   * workflow's description.
   * @default true
   */
  expectOutputs?: boolean | readonly string[];
  /** Download every output resource into this folder before the discard. */
  downloadDir?: string;
}

/** Options of `KnimeClient.execute` (one synchronous call, no job handle). */
export interface ExecuteOnceOptions extends StartOptions {
  /** @default 'execution' */
  mode?: OneShotMode;
  /**
   * Server-side wait in milliseconds, sent as `timeout`. The HTTP request times out a little later.
   * @default 60000
   */
  timeoutMs?: number;
  /** @default true */
  expectOutputs?: boolean | readonly string[];
  /** @default false */
  acceptPartial?: boolean;
}

/** Result of `run` and `execute`. */
export interface RunResult {
  status: JobStatus;
  outputs: Record<string, unknown>;
  /** Files written by `downloadDir`, keyed by resource name. */
  files: Record<string, string>;
  /** Whether the job was discarded after the run. */
  discarded: boolean;
}

/** Options of `JobHandle.outputs`. */
export interface OutputsOptions extends CallOptions {
  /** Output names that must be present. `true` means all outputs of the description. @default true */
  expect?: boolean | readonly string[];
  /**
   * Return the outputs of an `EXECUTION_FAILED_WITH_CONTENT` job.
   * @default true after a `wait` of this handle with `acceptPartial`, false otherwise
   */
  acceptPartial?: boolean;
}

/** Result of one download. */
export interface DownloadResult {
  name: string;
  path: string;
  bytes: number;
  contentType: string | undefined;
}

/** Handle of one remote job. Obtain it from `KnimeClient.start` or `KnimeClient.getJob`. */
export interface JobHandle {
  readonly id: string;
  readonly workflow: string | undefined;
  /** Last status this handle saw, without a request. */
  readonly lastStatus: JobStatus | undefined;

  /** Reads the job once. @throws NotFoundError when the job no longer exists */
  status(options?: CallOptions): Promise<JobStatus>;
  /**
   * Waits until the job reaches a terminal state, by polling with growing intervals.
   * @returns the final status when the job succeeded (or failed with content and `acceptPartial`)
   * @throws JobFailedError when the job failed, was discarded or vanished
   * @throws CancelledError when the job was cancelled or `signal` aborted
   * @throws TimeoutError when a deadline ran out; the job is cancelled first (best effort)
   */
  wait(options?: WaitOptions): Promise<JobStatus>;
  /**
   * Requests cancellation and polls until the job is in a terminal state or `waitMs` (default
   * 30000) ran out; then it logs "cancel requested, but the job is still running". Sends nothing
   * when the job is already in a terminal state.
   * @returns the last status read
   * @throws ProtocolError when the server offers no cancel endpoint
   */
  cancel(options?: CallOptions & { waitMs?: number }): Promise<JobStatus>;
  /** Discards the job. Resolves `already-gone` (and logs a warning) on HTTP 404. */
  discard(options?: CallOptions): Promise<'discarded' | 'already-gone'>;
  /**
   * Reads `outputValues` of the finished job. A failed job carries template values there, so its
   * outputs are refused.
   * @throws JobFailedError when the job did not succeed, or naming the missing outputs when
   *   expected outputs are absent
   * @throws InvalidInputError when the job has not finished yet
   */
  outputs(options?: OutputsOptions): Promise<Record<string, unknown>>;
  /**
   * Streams one output resource to `dest` (a file path, or a folder to put it in). Writes to a
   * temporary name and renames it at the end, so a cut connection never leaves a short file.
   * @throws NetworkError when the body ends early or does not match `Content-Length`
   */
  download(name: string, dest: string, options?: CallOptions & { accept?: string }): Promise<DownloadResult>;
  /**
   * Downloads every output resource of the job (or only `names`) into `dir`, one file each, with
   * sanitised names that cannot leave the folder.
   */
  downloadOutputs(
    dir: string,
    options?: CallOptions & { names?: readonly string[] },
  ): Promise<DownloadResult[]>;
}

/** Client of one KNIME Server (or, later, KNIME Business Hub). Create it with `createClient`. */
export interface KnimeClient {
  readonly backend: Backend;
  /** REST root without credentials. */
  readonly baseUrl: string;

  /**
   * Checks once that the URL answers like a KNIME Server REST API.
   * @throws ProtocolError naming the URL when it does not
   */
  validate(options?: CallOptions): Promise<void>;
  /** Lists the repository below `path` (default `/`), with the whole tree by default. */
  listWorkflows(options?: CallOptions & { path?: string; deep?: boolean }): Promise<RepositoryEntry[]>;
  /** Reads the inputs, outputs and resources of a workflow from its `:openapi` description. */
  describeWorkflow(workflow: string, options?: CallOptions): Promise<WorkflowDescription>;
  /**
   * Checks the inputs locally, creates a job, and starts its execution.
   * @throws InvalidInputError before anything is created when the inputs do not match the workflow
   */
  start(workflow: string, inputs?: Inputs, options?: StartOptions): Promise<JobHandle>;
  /**
   * Rebuilds a handle for an existing job id. Sends no request.
   * @param options.executed whether the job was executed, so that `IDLE` counts as a failure
   *   @default true
   * @throws InvalidInputError when `jobId` is empty
   */
  getJob(jobId: string, options?: { workflow?: string; executed?: boolean }): JobHandle;
  /** Lists jobs, of one workflow or of all, filtered by raw state or outcome. */
  listJobs(filter?: JobListFilter): Promise<JobStatus[]>;
  /**
   * Starts a job, waits for it, reads its outputs and applies the discard policy: discard after
   * success, keep failed jobs and log their ids. The discard runs in a `finally` path after the
   * outputs were fetched.
   * @throws InvalidInputError before anything is created when the inputs do not match the workflow
   * @throws JobFailedError when the job failed or expected outputs are missing
   * @throws TimeoutError when a wait clock ran out; the job was cancelled (best effort) first
   * @throws CancelledError when `signal` aborted or the job was cancelled
   */
  run(workflow: string, inputs?: Inputs, options?: RunOptions): Promise<RunResult>;
  /**
   * Runs a workflow in one synchronous `:execution` or `:job-pool` call. Never repeated, because
   * the call carries no job id to reconcile with.
   * @throws TimeoutError when the server-side `timeout` ran out (HTTP 504)
   * @throws NetworkError when the response was lost; the workflow may or may not have run
   * @throws JobFailedError when the returned state is not a success or outputs are missing
   */
  execute(workflow: string, inputs?: Inputs, options?: ExecuteOnceOptions): Promise<RunResult>;
}
