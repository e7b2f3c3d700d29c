/**
 * Public types of the job handle and of the backend contract that KNIME Server (REST API v4) and
 * KNIME Business Hub implement.
 */
import type { NodeMessage } from '../errors/index.js';

export type { NodeMessage };

/**
 * Normalised outcome of a job state, the same for every backend.
 *
 * - `queued`: accepted, waiting for an executor or for the execution to start
 * - `loading`: the workflow is being loaded
 * - `ready`: loaded and not executed
 * - `running`: executing
 * - `paused`: waiting for user interaction (`INTERACTION_REQUIRED`)
 * - `succeeded`, `failed`, `cancelled`: finished
 * - `gone`: discarded or vanished, or HTTP 404 while waiting
 * - `unknown`: a state the client does not know, or `UNDEFINED`
 */
export type Outcome =
  | 'queued'
  | 'loading'
  | 'ready'
  | 'running'
  | 'paused'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'gone'
  | 'unknown';

/** Outcomes after which the state no longer changes. */
export const TERMINAL_OUTCOMES: ReadonlySet<Outcome> = new Set(['succeeded', 'failed', 'cancelled', 'gone']);

/**
 * A job as a backend reads it from the wire, before normalisation. Timestamps are epoch
 * milliseconds.
 */
export interface JobSnapshot {
  id: string;
  /** Raw state as the server sends it (Server `state`; Hub `workflowState ?? state`). */
  state: string;
  /** Hub only: lifecycle state of the job container (`jobState`). */
  jobState?: string;
  workflow?: string;
  name?: string;
  owner?: string;
  createdVia?: string;
  nodeMessages: NodeMessage[];
  /** `outputValues`; `undefined` when the key is absent. */
  outputValues?: Record<string, unknown>;
  /** Names of output resources the job reports, when it reports any. */
  outputResources?: string[];
  createdAt?: number;
  startedAt?: number;
  finishedAt?: number;
  /** The whole response body, for debugging and fields the client does not model. */
  raw: Record<string, unknown>;
}

/** Normalised status of a job, as `JobHandle.status()`, waits and job lists return it. */
export interface JobStatus {
  jobId: string;
  workflow: string | undefined;
  name: string | undefined;
  owner: string | undefined;
  /** Raw state as the server sent it, such as `EXECUTION_FINISHED`. */
  state: string;
  /** Hub only: raw `jobState`. */
  jobState: string | undefined;
  outcome: Outcome;
  /** `outcome`, or `unknown(<raw state>)` for states the client does not know. */
  label: string;
  /** Whether the state no longer changes. */
  terminal: boolean;
  /** Whether the job failed but produced content (`EXECUTION_FAILED_WITH_CONTENT`). */
  partial: boolean;
  /** `outputValues`, or `undefined` when the server sent none. */
  outputs: Record<string, unknown> | undefined;
  outputResources: string[] | undefined;
  nodeMessages: NodeMessage[];
  /** Messages of type `ERROR`. */
  failedNodes: NodeMessage[];
  /** Epoch milliseconds. */
  createdAt: number | undefined;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  /** `finishedAt - startedAt` when both are known, in milliseconds. */
  durationMs: number | undefined;
}

/** One input or output parameter of a workflow, from its `:openapi` description. */
export interface ParameterDescription {
  /** Name under which the server publishes the parameter (short or fully qualified). */
  name: string;
  /** Name without the `-<node id>` suffix, equal to `name` when it has none. */
  shortName: string;
  description: string;
  required: boolean;
  /** JSON schema of the value, as KNIME derives it from the example value. */
  schema: Record<string, unknown>;
  example: unknown;
}

/** A file input or output (Container Input/Output (File)). */
export interface ResourceDescription {
  name: string;
  shortName: string;
  contentType: string | undefined;
  description: string;
}

/** Inputs and outputs of a workflow. */
export interface WorkflowDescription {
  workflow: string;
  inputs: ParameterDescription[];
  outputs: ParameterDescription[];
  inputResources: ResourceDescription[];
  outputResources: ResourceDescription[];
}

/** Entry of a repository listing. */
export interface RepositoryEntry {
  /** Absolute repository path with decoded names, such as `/Examples/Q1 Sales`. */
  path: string;
  type: 'Workflow' | 'WorkflowGroup' | string;
  owner: string | undefined;
}

/** A file sent as a multipart part for a Container Input (File) parameter. */
export interface FileInput {
  readonly kind: 'file';
  /** Path of the file on disk; streamed, never read into memory. */
  readonly path?: string;
  /** In-memory content, for small generated files. */
  readonly blob?: Blob;
  /** File name sent in the part. @default the base name of `path`, or `upload` */
  readonly filename?: string;
  /** @default application/octet-stream */
  readonly contentType?: string;
}

/** Input values keyed by parameter name (short or fully qualified). */
export type Inputs = Record<string, unknown>;

/** Inputs after the local check, keyed by the names that go on the wire. */
export interface PreparedInputs {
  json: Record<string, unknown>;
  files: Record<string, FileInput>;
}

/** Filter of `listJobs`. */
export interface JobListFilter {
  /** Repository path of the workflow; lists only its jobs. */
  workflow?: string;
  /** Keep only jobs in these raw states or outcomes. */
  state?: string | readonly string[];
  signal?: AbortSignal;
}

/** Stream of one output resource. */
export interface ResourceStream {
  body: ReadableStream<Uint8Array>;
  /** Parsed `Content-Length`, when the server sent one. */
  contentLength: number | undefined;
  contentType: string | undefined;
  /** File name from `Content-Disposition`, when the server sent one. */
  filename: string | undefined;
  /** URL without credentials, for error messages. */
  url: string;
}

/** One-shot execution modes of KNIME Server. */
export type OneShotMode = 'execution' | 'job-pool';

/** Options every backend call accepts. */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * Contract between the job handle and one product. KNIME Server (REST API v4) implements it in
 * `src/server/`, KNIME Business Hub in `src/hub/`. Methods throw errors of `src/errors/`.
 */
export interface Backend {
  readonly kind: 'server' | 'hub';
  /** REST root without credentials, for messages. */
  readonly baseUrl: string;

  /**
   * Checks once that the URL answers like this product's REST API.
   * @throws ProtocolError when it does not (for example an HTML 404 page)
   */
  validate(options?: CallOptions): Promise<void>;

  listRepository(path: string, options?: CallOptions & { deep?: boolean }): Promise<RepositoryEntry[]>;
  describeWorkflow(workflow: string, options?: CallOptions): Promise<WorkflowDescription>;

  /**
   * Creates (loads) a job. Never retried blindly: a lost response is reconciled against the job
   * list, so that exactly one job exists afterwards.
   */
  createJob(workflow: string, options?: CallOptions): Promise<JobSnapshot>;
  /**
   * Starts the execution of a loaded job with inputs and returns right after the start. A lost
   * response is reconciled by re-reading the job's state.
   */
  executeJob(
    jobId: string,
    inputs: PreparedInputs,
    options?: CallOptions & { knownState?: JobSnapshot },
  ): Promise<JobSnapshot | undefined>;
  getJob(jobId: string, options?: CallOptions): Promise<JobSnapshot>;
  listJobs(filter?: JobListFilter): Promise<JobSnapshot[]>;
  /** Requests cancellation of a running execution. */
  cancelJob(jobId: string, options?: CallOptions): Promise<void>;
  /** Discards the job. Resolves `already-gone` on HTTP 404. */
  discardJob(jobId: string, options?: CallOptions): Promise<'discarded' | 'already-gone'>;
  /**
   * Names of the job's output resources (Container Output (File) nodes), for downloads of all
   * outputs. Empty when the product reports none.
   */
  listOutputResources(jobId: string, options?: CallOptions): Promise<string[]>;
  openOutputResource(
    jobId: string,
    name: string,
    options?: CallOptions & { accept?: string },
  ): Promise<ResourceStream>;
  /**
   * Runs a workflow in one synchronous call (`:execution` or `:job-pool`) and returns the job body.
   * Not retried: on a lost response the outcome is unknown and reported as a network error.
   */
  executeOnce(
    workflow: string,
    inputs: PreparedInputs,
    options: CallOptions & { mode: OneShotMode; timeoutMs: number },
  ): Promise<JobSnapshot>;
}
