/**
 * The contract every step kind implements. A kind is one module in this folder that exports a
 * {@link StepKind} and is listed once in `registry.ts`; the loader, the JSON Schema, the runner and the
 * ledger pick it up from there.
 *
 * The runner drives each attempt of a step through these calls:
 *
 * 1. It records the intent to start in the ledger, then calls {@link StepKind.start}.
 * 2. It records the returned {@link RemoteRef} in the ledger before anything waits on it.
 * 3. It calls {@link StepKind.wait} until the remote work ends, the attempt's deadline passes or the
 *    run is aborted (both abort `ctx.signal`), and calls {@link StepKind.cancel} in the last two cases.
 *
 * After a crash of the runner, `resumeRun` calls {@link StepKind.reconcile} for an attempt whose intent
 * was recorded without a remote reference, and {@link StepKind.attach} followed by `wait` for one that
 * has a reference, so no remote work starts twice.
 */
import type { z } from 'zod';
import type { PipelineClock } from '../clock.js';

/** A JSON value as stored in the ledger and exposed to expressions. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Outputs of a step, exposed to later steps as `steps.<name>.outputs.<key>`. */
export type StepOutputs = Record<string, JsonValue>;

/** Structured logger the runner and the step kinds write to; the library never writes to stdout. */
export interface PipelineLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Reference to remote work started by a step: a job id on a server, a process id on this host. It is
 * stored in the ledger and must be enough to attach to the work from a new process.
 */
export interface RemoteRef {
  /** Identifier of the remote work, such as a KNIME job id. */
  readonly id: string;

  /** Further facts needed to attach later (JSON only), such as the output file of a local command. */
  readonly details?: { readonly [key: string]: JsonValue };
}

/** End of remote work, as reported by {@link StepKind.wait}. */
export type WaitResult =
  | { readonly status: 'succeeded'; readonly outputs: StepOutputs }
  | { readonly status: 'failed'; readonly error: string; readonly outputs?: StepOutputs }
  | { readonly status: 'cancelled'; readonly error: string };

/** Everything a step kind may use while it runs one attempt. */
export interface StepContext {
  readonly runId: string;

  /** Name of the step in the pipeline file. */
  readonly step: string;

  /** Attempt number, starting at 1. */
  readonly attempt: number;

  /** Folder of the pipeline file; relative paths in a step resolve against it. */
  readonly baseDir: string;

  /** Private folder of this attempt, created by the runner, for files such as captured output. */
  readonly attemptDir: string;

  /**
   * Environment for local processes: the runner's environment, then the pipeline's `env`, then the
   * step's `env`, with expressions already resolved.
   */
  readonly env: Readonly<Record<string, string>>;

  /** Host names or addresses that HTTP requests of this pipeline may reach. */
  readonly allowedHosts: readonly string[];

  readonly clock: PipelineClock;
  readonly logger: PipelineLogger;

  /**
   * Aborts when the attempt's deadline passes or the run is aborted. Its reason is a
   * `StepTimeoutError` or the run's abort reason.
   */
  readonly signal: AbortSignal;

  /** Absolute deadline of this attempt in epoch milliseconds, if the step has a timeout. */
  readonly deadline: number | undefined;

  /** Poll interval in milliseconds for kinds that poll, unless the step sets its own. */
  readonly pollIntervalMs: number;

  /** Looks up a named connection (a profile resolved by the CLI, or a client given by the caller). */
  readonly resolveConnection: (name: string) => Promise<unknown>;

  /** `fetch` to use for HTTP, injectable for tests. */
  readonly fetch: typeof fetch;
}

/** Facts about an attempt whose start was recorded as intended, but whose remote reference is missing. */
export interface StartIntent {
  /** Epoch milliseconds when the runner recorded the intent, just before calling `start`. */
  readonly intentAt: number;
}

/**
 * One step kind. `Config` is the parsed `with:` block of a step, after the runner resolved its
 * `${{ }}` expressions.
 */
export interface StepKind<Config = unknown> {
  /** Value of `kind:` in the pipeline file. */
  readonly name: string;

  /** One-line description for the JSON Schema and `validate` output. */
  readonly description: string;

  /** System name recorded in the ledger for each attempt, such as `local` or `knime`. */
  readonly remoteSystem: string;

  /**
   * Strict zod schema of the `with:` block. At load time, values that are a `${{ }}` expression are
   * not checked against it; at start time the resolved block must pass.
   */
  readonly configSchema: z.ZodType<Config>;

  /**
   * Starts the remote work and returns its reference without waiting for it to end. Must not retry a
   * request that may have created the work: throw instead, and the runner calls `reconcile` to find
   * it. Throw `StepNotStartedError` (or its subclass `StepConfigError`) when nothing was created, so
   * the runner skips that reconciliation.
   */
  start(config: Config, ctx: StepContext): Promise<RemoteRef>;

  /**
   * Finds remote work that `start` may have created before the runner crashed, between recording its
   * intent and recording the reference. Returns `undefined` when there is none, so a new start is safe.
   */
  reconcile(config: Config, ctx: StepContext, intent: StartIntent): Promise<RemoteRef | undefined>;

  /**
   * Checks that remote work from an earlier runner process still exists. Throws `RemoteWorkLostError`
   * when it is gone; the attempt then fails.
   */
  attach(remote: RemoteRef, config: Config, ctx: StepContext): Promise<void>;

  /**
   * Waits until the remote work ends. Rejects with `ctx.signal.reason` once `ctx.signal` aborts, and
   * leaves the remote work alone in that case: the runner calls `cancel`.
   */
  wait(remote: RemoteRef, config: Config, ctx: StepContext): Promise<WaitResult>;

  /** Cancels remote work. Resolves when the cancel request was accepted or the work had already ended. */
  cancel(remote: RemoteRef, config: Config, ctx: StepContext): Promise<void>;
}

/** Any step kind, with its config type erased, as held by the registry. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds kinds of different config types.
export type AnyStepKind = StepKind<any>;
