/**
 * Runs the attempts of one step: resolves its `with:` block, records intent and remote reference in
 * the ledger, waits under the attempt's deadline, cancels on timeout or abort, and retries with backoff.
 */
import path from 'node:path';
import type { PipelineClock } from './clock.js';
import { sleepUntil } from './clock.js';
import { formatDuration } from './duration.js';
import { ExpressionError, StepConfigError, StepNotStartedError, StepTimeoutError } from './errors.js';
import type { PipelineEvent } from './events.js';
import { type EvaluationContext, resolveTemplate } from './expression/evaluate.js';
import { hasExpression } from './expression/parser.js';
import type { AttemptRecord, AttemptState, Ledger } from './ledger/ledger.js';
import type { Pipeline, PipelineStep } from './load.js';
import type { PipelineLogger, RemoteRef, StepContext, StepOutputs } from './steps/types.js';

/** Everything the step executor needs from the run. */
export interface RunScope {
  readonly ledger: Ledger;
  readonly pipeline: Pipeline;
  readonly runId: string;
  readonly clock: PipelineClock;
  readonly logger: PipelineLogger;
  readonly emit: (event: DistributiveOmit<PipelineEvent, 'time' | 'runId'>) => void;
  /** Aborts when the run is cancelled or its deadline passes. */
  readonly signal: AbortSignal;
  readonly fetch: typeof fetch;
  readonly resolveConnection: (name: string) => Promise<unknown>;
  /** Environment for steps: the runner's environment and the pipeline's resolved `env`. */
  readonly env: Readonly<Record<string, string>>;
  /** Folder that contains the `<run>/<step>/<attempt>` folders. */
  readonly attemptsRoot: string;
  readonly pollIntervalMs: number;
  /** Time a cancel request may take after a timeout or abort, in milliseconds. */
  readonly cancelTimeoutMs: number;
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type StepOutcome = 'succeeded' | 'failed' | 'timed-out' | 'cancelled';

export interface StepEnd {
  readonly outcome: StepOutcome;
  readonly outputs: StepOutputs;
  readonly error: string | null;
  /** Number of the last attempt, or null when none started (for example, an expression failed). */
  readonly attempt: number | null;
}

interface AttemptEnd {
  readonly state: AttemptState;
  readonly outputs: StepOutputs;
  readonly error: string | null;
}

/** Error of a `${{ }}` expression at run time, with its position in the pipeline file. */
function expressionFailure(
  pipeline: Pipeline,
  at: (string | number)[],
  error: ExpressionError,
  step: string,
): string {
  const position = pipeline.locate(at, error.offset);
  return `${position.file}:${position.line}:${position.column}: step ${step}: ${error.message}`;
}

/**
 * Resolves every `${{ }}` in `value`, located at `at` in the pipeline file. Errors name the step (or
 * the part of the file), the path and the position.
 */
export function resolveValue(
  pipeline: Pipeline,
  value: unknown,
  at: (string | number)[],
  context: EvaluationContext,
  step: string,
): unknown {
  if (typeof value === 'string') {
    if (!hasExpression(value)) return value;
    try {
      return resolveTemplate(value, context);
    } catch (error) {
      if (error instanceof ExpressionError) {
        throw new StepConfigError(expressionFailure(pipeline, at, error, step));
      }
      throw error;
    }
  }

  if (Array.isArray(value)) {
    return value.map((item, i) => resolveValue(pipeline, item, [...at, i], context, step));
  }

  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = resolveValue(pipeline, item, [...at, key], context, step);
    }
    return result;
  }
  return value;
}

/** Parses the resolved `with:` block against the step kind's schema. */
function resolveConfig(scope: RunScope, step: PipelineStep, context: EvaluationContext): unknown {
  const resolved = resolveValue(scope.pipeline, step.with, ['steps', step.name, 'with'], context, step.name);
  const parsed = step.kind.configSchema.safeParse(resolved);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${['with', ...issue.path].join('.')}: ${issue.message}`,
    );
    throw new StepConfigError(`step ${step.name}: after resolving expressions, ${problems.join('; ')}`);
  }
  return parsed.data;
}

function makeContext(
  scope: RunScope,
  step: PipelineStep,
  attempt: number,
  signal: AbortSignal,
  deadline: number | null,
): StepContext {
  return {
    runId: scope.runId,
    step: step.name,
    attempt,
    baseDir: path.dirname(scope.pipeline.file),
    attemptDir: path.join(scope.attemptsRoot, scope.runId, step.name, String(attempt)),
    env: scope.env,
    allowedHosts: scope.pipeline.allowedHosts,
    clock: scope.clock,
    logger: scope.logger,
    signal,
    deadline: deadline ?? undefined,
    pollIntervalMs: step.pollIntervalMs ?? scope.pollIntervalMs,
    resolveConnection: scope.resolveConnection,
    fetch: scope.fetch,
  };
}

/** Creates an AbortSignal that fires on the run's abort or at `deadline` on the runner's clock. */
function attemptSignal(
  scope: RunScope,
  step: PipelineStep,
  deadline: number | null,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(scope.signal.reason);
  if (scope.signal.aborted) onRunAbort();
  else scope.signal.addEventListener('abort', onRunAbort, { once: true });

  let cancelTimer = () => {};
  if (deadline !== null) {
    const timeoutText = formatDuration(step.timeoutMs ?? Math.max(0, deadline - scope.clock.now()));
    cancelTimer = scope.clock.setTimer(deadline, () =>
      controller.abort(new StepTimeoutError(step.name, timeoutText)),
    );
  }

  return {
    signal: controller.signal,
    dispose: () => {
      cancelTimer();
      scope.signal.removeEventListener('abort', onRunAbort);
    },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Cancels remote work after a timeout or abort, bounded by `cancelTimeoutMs`; failures are logged. */
async function cancelRemote(
  scope: RunScope,
  step: PipelineStep,
  config: unknown,
  remote: RemoteRef,
  attempt: number,
): Promise<void> {
  const controller = new AbortController();
  const cancelTimer = scope.clock.setTimer(scope.clock.now() + scope.cancelTimeoutMs, () =>
    controller.abort(
      new Error(`cancel of step ${step.name} timed out after ${formatDuration(scope.cancelTimeoutMs)}`),
    ),
  );
  try {
    await step.kind.cancel(remote, config, makeContext(scope, step, attempt, controller.signal, null));
  } catch (error) {
    scope.logger.error(`cancel of step ${step.name} (remote id ${remote.id}) failed: ${message(error)}`, {
      runId: scope.runId,
      step: step.name,
      remoteId: remote.id,
    });
  } finally {
    cancelTimer();
  }
}

/**
 * Runs one attempt, or attaches to an unfinished one from the ledger (`resume`). Never throws for a
 * failure of the step itself, because the returned state records how the attempt ended.
 */
async function runAttempt(
  scope: RunScope,
  step: PipelineStep,
  config: unknown,
  number: number,
  resume: AttemptRecord | undefined,
): Promise<AttemptEnd> {
  const deadline = resume
    ? resume.deadlineAt
    : step.timeoutMs !== undefined
      ? scope.clock.now() + step.timeoutMs
      : null;
  const { signal, dispose } = attemptSignal(scope, step, deadline);
  const ctx = makeContext(scope, step, number, signal, deadline);
  const finish = (end: AttemptEnd): AttemptEnd => {
    scope.ledger.finishAttempt(scope.runId, step.name, number, {
      state: end.state,
      endedAt: scope.clock.now(),
      outputs: end.outputs,
      error: end.error,
    });
    return end;
  };

  try {
    let remote: RemoteRef;
    if (resume) {
      const attached = await attachAttempt(scope, step, config, ctx, resume);
      if ('state' in attached) return finish(attached);
      remote = attached.remote;
    } else {
      scope.ledger.recordIntent({
        runId: scope.runId,
        step: step.name,
        number,
        remoteSystem: step.kind.remoteSystem,
        intentAt: scope.clock.now(),
        deadlineAt: deadline,
      });
      scope.emit({ type: 'step-starting', step: step.name, attempt: number });

      const intentAt = scope.clock.now();
      try {
        signal.throwIfAborted();
        remote = await step.kind.start(config, ctx);
      } catch (error) {
        const failure = `step ${step.name} could not start: ${message(error)}`;
        // A StepNotStartedError means nothing was created. Any other error may have come after the
        // remote work was created, so the kind reconciles before the attempt counts as failed.
        const found =
          error instanceof StepNotStartedError
            ? undefined
            : await reconcileFailedStart(scope, step, config, number, intentAt);
        if (found === undefined) {
          return finish(
            signal.aborted ? abortedEnd(signal) : { state: 'failed', outputs: {}, error: failure },
          );
        }
        remote = found;
        scope.logger.warn(`${failure}; found its remote work ${remote.id} and attaches to it`, {
          runId: scope.runId,
          step: step.name,
          remoteId: remote.id,
        });
        if (signal.aborted) {
          scope.ledger.recordRemote(scope.runId, step.name, number, remote, scope.clock.now());
          await cancelRemote(scope, step, config, remote, number);
          return finish(abortedEnd(signal));
        }
      }

      scope.ledger.recordRemote(scope.runId, step.name, number, remote, scope.clock.now());
      scope.emit({
        type: 'step-started',
        step: step.name,
        attempt: number,
        remoteSystem: step.kind.remoteSystem,
        remoteId: remote.id,
        deadline: deadline === null ? null : new Date(deadline).toISOString(),
      });
    }

    try {
      const result = await step.kind.wait(remote, config, ctx);
      if (result.status === 'succeeded')
        return finish({ state: 'succeeded', outputs: result.outputs, error: null });
      if (result.status === 'cancelled')
        return finish({ state: 'cancelled', outputs: {}, error: result.error });
      return finish({ state: 'failed', outputs: result.outputs ?? {}, error: result.error });
    } catch (error) {
      if (!signal.aborted) {
        return finish({ state: 'failed', outputs: {}, error: `step ${step.name}: ${message(error)}` });
      }
      await cancelRemote(scope, step, config, remote, number);
      return finish(abortedEnd(signal));
    }
  } finally {
    dispose();
  }
}

function abortedEnd(signal: AbortSignal): AttemptEnd {
  if (signal.reason instanceof StepTimeoutError)
    return { state: 'timed-out', outputs: {}, error: signal.reason.message };
  return { state: 'cancelled', outputs: {}, error: `cancelled: ${message(signal.reason)}` };
}

/**
 * Asks the step kind whether a start that threw created remote work anyway. Uses its own signal,
 * bounded like a cancel, because the attempt's signal may have aborted; failures are logged.
 */
async function reconcileFailedStart(
  scope: RunScope,
  step: PipelineStep,
  config: unknown,
  number: number,
  intentAt: number,
): Promise<RemoteRef | undefined> {
  const controller = new AbortController();
  const cancelTimer = scope.clock.setTimer(scope.clock.now() + scope.cancelTimeoutMs, () =>
    controller.abort(new Error(`reconcile of step ${step.name} timed out`)),
  );
  try {
    const ctx = makeContext(scope, step, number, controller.signal, null);
    return await step.kind.reconcile(config, ctx, { intentAt });
  } catch (error) {
    scope.logger.error(`reconcile of step ${step.name} after a failed start failed: ${message(error)}`, {
      runId: scope.runId,
      step: step.name,
    });
    return undefined;
  } finally {
    cancelTimer();
  }
}

/**
 * Re-attaches to an attempt recorded by an earlier runner process. Returns the remote reference to
 * wait on, or how the attempt ended when it cannot be attached.
 */
async function attachAttempt(
  scope: RunScope,
  step: PipelineStep,
  config: unknown,
  ctx: StepContext,
  resume: AttemptRecord,
): Promise<{ remote: RemoteRef } | AttemptEnd> {
  let remote = resume.remote;
  try {
    if (remote === null) {
      const found = await step.kind.reconcile(config, ctx, { intentAt: resume.intentAt });
      if (!found) {
        return {
          state: 'abandoned',
          outputs: {},
          error: 'the runner stopped before the start was confirmed, and no remote work was found',
        };
      }
      remote = found;
      scope.ledger.recordRemote(scope.runId, step.name, resume.number, remote, scope.clock.now());
    } else {
      await step.kind.attach(remote, config, ctx);
    }
  } catch (error) {
    if (ctx.signal.aborted) return abortedEnd(ctx.signal);
    return {
      state: 'failed',
      outputs: {},
      error: `step ${step.name} could not re-attach: ${message(error)}`,
    };
  }

  scope.emit({
    type: 'step-attached',
    step: step.name,
    attempt: resume.number,
    remoteSystem: step.kind.remoteSystem,
    remoteId: remote.id,
  });
  return { remote };
}

/** Delay before retry `retry` (1-based) under the step's policy. */
export function retryDelay(step: PipelineStep, retry: number): number {
  const { delayMs, backoff, maxDelayMs } = step.retries;
  return Math.min(maxDelayMs, Math.round(delayMs * backoff ** (retry - 1)));
}

/**
 * Runs a step to its end: attempts, retries and the re-attach of an unfinished attempt. `firstAttempt`
 * is the number of the next attempt; `failedBefore` counts failed attempts of earlier runner processes,
 * which use up retries.
 */
export async function executeStep(
  scope: RunScope,
  step: PipelineStep,
  context: EvaluationContext,
  options: { firstAttempt: number; failedBefore: number; resume: AttemptRecord | undefined },
): Promise<StepEnd> {
  let config: unknown;
  try {
    config = resolveConfig(scope, step, context);
  } catch (error) {
    const resume = options.resume;
    if (resume === undefined) return { outcome: 'failed', outputs: {}, error: message(error), attempt: null };

    // NOTE: without its config the step cannot attach to or cancel the earlier runner's remote work
    // (for example, an env variable it reads is missing now), so that work is left running.
    const remote = resume.remote ? `remote work ${resume.remote.id}` : 'remote work it may have started';
    const failure = `${message(error)}; ${remote} of the earlier runner was not re-attached and may still run`;
    scope.ledger.finishAttempt(scope.runId, step.name, resume.number, {
      state: 'failed',
      endedAt: scope.clock.now(),
      error: failure,
    });
    return { outcome: 'failed', outputs: {}, error: failure, attempt: resume.number };
  }

  let number = options.resume?.number ?? options.firstAttempt;
  let resume = options.resume;
  let failures = options.failedBefore;

  for (;;) {
    const end = await runAttempt(scope, step, config, number, resume);
    resume = undefined;

    if (end.state === 'succeeded')
      return { outcome: 'succeeded', outputs: end.outputs, error: null, attempt: number };
    if (end.state === 'abandoned') {
      number++;
      continue;
    }
    if (end.state === 'cancelled' || scope.signal.aborted) {
      return { outcome: 'cancelled', outputs: end.outputs, error: end.error, attempt: number };
    }

    failures++;
    if (failures > step.retries.max) {
      return {
        outcome: end.state === 'timed-out' ? 'timed-out' : 'failed',
        outputs: end.outputs,
        error: end.error,
        attempt: number,
      };
    }

    const delayMs = retryDelay(step, failures);
    scope.emit({
      type: 'step-retrying',
      step: step.name,
      attempt: number,
      delayMs,
      error: end.error ?? end.state,
    });
    scope.logger.warn(
      `step ${step.name} attempt ${number} ${end.state}; retrying in ${formatDuration(delayMs)}`,
      {
        runId: scope.runId,
        step: step.name,
        error: end.error,
      },
    );
    try {
      await sleepUntil(scope.clock, scope.clock.now() + delayMs, scope.signal);
    } catch {
      return {
        outcome: 'cancelled',
        outputs: end.outputs,
        error: `cancelled while waiting to retry: ${end.error}`,
        attempt: number,
      };
    }
    number++;
  }
}
