/**
 * Reasons the job engine rejects a request. The HTTP layer maps each code to a status code, some of
 * them configurable because the real server's choice is not publicly documented.
 */
export type EngineErrorCode =
  /** No workflow at the repository path. */
  | 'workflow-not-found'
  /** The repository path names a folder or data file, not a workflow. */
  | 'not-a-workflow'
  /** No job with this id, or it was discarded. */
  | 'job-not-found'
  /** Unknown parameter name, missing required input, or a value of the wrong shape. */
  | 'invalid-input'
  /** New inputs while the job is executing (knime-core: "Cannot apply new parameters ..."). */
  | 'busy'
  /** The job already ran and the request did not ask for `reset=true`. */
  | 'needs-reset'
  /** The job is in a state that cannot execute (`NOT_EXECUTABLE`, `LOAD_ERROR`, `VANISHED`, ...). */
  | 'not-executable'
  /** Discarding an executing job while the engine is configured to reject that. */
  | 'discard-executing'
  /** Swapping an executing job, or using a swapped job while swapped jobs must be loaded first. */
  | 'swap-conflict'
  /** Output resource unknown, or not available in the job's state. */
  | 'resource-not-found';

/** Error thrown by {@link JobEngine} methods; `message` is the text the server puts in its error body. */
export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown when a `knimectl-simulation.json` file is invalid. The message names the file and the key.
 */
export class SidecarError extends Error {
  override readonly name = 'SidecarError';

  constructor(
    readonly file: string,
    readonly key: string,
    detail: string,
  ) {
    super(`${file}: ${key === '' ? '(root)' : key}: ${detail}`);
  }
}
