/**
 * The pipeline runner: starts each step as soon as its needs have ended and its `if:` holds, up to
 * `maxParallel` at once, and records everything in the ledger so a run can be resumed after a crash.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { type PipelineClock, systemClock } from './clock.js';
import { DependencyGraph } from './dag.js';
import { formatDuration } from './duration.js';
import { ExpressionError, RunNotResumableError, StepConfigError } from './errors.js';
import type { PipelineEvent } from './events.js';
import {
  type DistributiveOmit,
  executeStep,
  type RunScope,
  resolveValue,
  type StepEnd,
} from './execute-step.js';
import { type EvaluationContext, evaluate, isTruthy, type StepView } from './expression/evaluate.js';
import {
  type AttemptRecord,
  DEFAULT_LEDGER_PATH,
  Ledger,
  type RunOutcome,
  type StepRecord,
} from './ledger/ledger.js';
import { loadPipeline, type Pipeline, type PipelineStep } from './load.js';
import { exitCodeForOutcome } from './outcome.js';
import { resolveParams } from './params.js';
import type { JsonValue, PipelineLogger, StepOutputs } from './steps/types.js';

/** Options shared by {@link runPipeline} and {@link resumeRun}. */
export interface RunnerOptions {
  /** Ledger file. @default `.knimectl/ledger.db` in the working directory */
  readonly ledgerPath?: string;
  /** Maximum number of steps running at once. @default 4 */
  readonly maxParallel?: number;
  /** Aborting cancels running remote work and ends the run as `cancelled`; it can be resumed. */
  readonly signal?: AbortSignal;
  /** Receives progress events in order; exceptions it throws are logged and ignored. */
  readonly onEvent?: (event: PipelineEvent) => void;
  /**
   * Named connections for steps that reach a server: a map from name to a client, or a function
   * that returns one (for example, from a CLI profile).
   */
  readonly connections?: Readonly<Record<string, unknown>> | ((name: string) => unknown | Promise<unknown>);
  /** @default the system clock */
  readonly clock?: PipelineClock;
  /** @default a logger that drops everything */
  readonly logger?: PipelineLogger;
  /** Environment passed to steps and read by `env.X`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Poll interval of steps that poll, unless a step sets `poll-interval`. @default 5000 */
  readonly pollIntervalMs?: number;
  /** Time a cancel request may take after a timeout or abort. @default 60000 */
  readonly cancelTimeoutMs?: number;
  /** Folder for per-attempt files (command output). @default `runs` next to the ledger file */
  readonly attemptsDir?: string;
}

export interface RunPipelineOptions extends RunnerOptions {
  /** Params by name, as text from `--param name=value` or typed values. */
  readonly params?: Readonly<Record<string, string | JsonValue>>;
  /** Run again although a run with the same pipeline and params already succeeded. @default false */
  readonly rerun?: boolean;
}

export interface ResumeRunOptions extends RunnerOptions {
  /** Resume even though the pipeline file changed since the run started. @default false */
  readonly allowChangedPipeline?: boolean;
}

/** Final state of one step in a {@link RunResult}. */
export interface StepSummary {
  readonly name: string;
  readonly state: StepRecord['state'];
  readonly conclusion: string | null;
  readonly error: string | null;
  readonly skipReason: string | null;
  readonly outputs: StepOutputs | null;
}

export interface RunResult {
  readonly runId: string;
  readonly outcome: RunOutcome;
  /** Exit code for the CLI (0 ok, 1 failed step, 5 timeout, 6 cancelled); see `exitCodeForOutcome` for signals. */
  readonly exitCode: number;
  readonly error: string | null;
  readonly steps: readonly StepSummary[];
}

/** Abort reason when the pipeline's own `timeout` passes. */
export class RunTimeoutError extends Error {
  override readonly name = 'RunTimeoutError';
}

const silentLogger: PipelineLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Run id: UTC start time and random suffix, so ids sort by start and read well in logs. */
function newRunId(now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Run key: the pipeline's name and a hash of its path and params, so the same run cannot start twice at once. */
export function runKeyFor(pipeline: Pipeline, params: Record<string, JsonValue>): string {
  const sorted = Object.fromEntries(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  const digest = createHash('sha256')
    .update(`${pipeline.file}\n${JSON.stringify(sorted)}`)
    .digest('hex');
  return `${pipeline.name}:${digest.slice(0, 16)}`;
}

function resolveLedgerPath(options: RunnerOptions): string {
  return path.resolve(options.ledgerPath ?? DEFAULT_LEDGER_PATH);
}

function stringEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

function connectionResolver(options: RunnerOptions): (name: string) => Promise<unknown> {
  return async (name) => {
    const connections = options.connections;
    const found =
      typeof connections === 'function'
        ? await connections(name)
        : connections && Object.hasOwn(connections, name)
          ? connections[name]
          : undefined;
    if (found === undefined) {
      throw new StepConfigError(
        `connection ${name} is not defined; add a profile named ${name} or pass it in connections`,
      );
    }
    return found;
  };
}

/** Per-step bookkeeping of the scheduler. */
interface StepRuntime {
  readonly step: PipelineStep;
  status: 'pending' | 'running' | 'done';
  conclusion: string;
  outcome: string;
  outputs: StepOutputs;
  /** Next attempt number for a fresh attempt. */
  nextAttempt: number;
  /** Failed or timed-out attempts so far, which use up retries. */
  failedAttempts: number;
  /** Unfinished attempt from an earlier runner process, to re-attach to. */
  resume: AttemptRecord | undefined;
  /** Position in the pipeline file, which orders steps that become ready together. */
  readonly position: number;
}

interface Execution {
  readonly ledger: Ledger;
  readonly pipeline: Pipeline;
  readonly runId: string;
  readonly params: Record<string, JsonValue>;
  readonly runtimes: Map<string, StepRuntime>;
  readonly options: RunnerOptions;
  readonly deadlineAt: number | null;
  readonly resumed: boolean;
  readonly graph: DependencyGraph;
}

/**
 * Runs a pipeline file to its end and returns the outcome. Throws `PipelineFileError`,
 * `PipelineParamError`, `RunInProgressError` or `RunAlreadySucceededError` before anything starts;
 * failures of steps are reported in the result, not thrown.
 */
export async function runPipeline(file: string, options: RunPipelineOptions = {}): Promise<RunResult> {
  const pipeline = await loadPipeline(file);
  const params = resolveParams(pipeline.params, options.params ?? {});
  const clock = options.clock ?? systemClock;
  const ledger = Ledger.open(resolveLedgerPath(options));

  try {
    const startedAt = clock.now();
    const run = ledger.createRun({
      id: newRunId(startedAt),
      pipelineName: pipeline.name,
      pipelinePath: pipeline.file,
      pipelineHash: pipeline.hash,
      params,
      runKey: runKeyFor(pipeline, params),
      rerun: options.rerun ?? false,
      startedAt,
      deadlineAt: pipeline.timeoutMs === undefined ? null : startedAt + pipeline.timeoutMs,
      steps: pipeline.steps.map((step) => ({ name: step.name, kind: step.kind.name })),
    });

    const runtimes = new Map<string, StepRuntime>();
    for (const [position, step] of pipeline.steps.entries()) {
      runtimes.set(step.name, {
        step,
        status: 'pending',
        conclusion: '',
        outcome: '',
        outputs: {},
        nextAttempt: 1,
        failedAttempts: 0,
        resume: undefined,
        position,
      });
    }

    return await execute({
      ledger,
      pipeline,
      runId: run.id,
      params,
      runtimes,
      options,
      deadlineAt: run.deadlineAt,
      resumed: false,
      graph: graphOf(pipeline),
    });
  } finally {
    ledger.close();
  }
}

/**
 * Resumes a run that was interrupted or ended without success: keeps succeeded steps and their
 * outputs, re-attaches to remote work that was running (keeping its original deadline), reconciles
 * starts that were not confirmed, and runs failed, cancelled and never-started steps as new attempts.
 * Throws `RunNotFoundError`, `RunInProgressError` or `RunNotResumableError`.
 */
export async function resumeRun(runId: string, options: ResumeRunOptions = {}): Promise<RunResult> {
  const ledger = Ledger.open(resolveLedgerPath(options));
  try {
    const existing = ledger.getRun(runId);
    if (existing.outcome === 'succeeded') {
      throw new RunNotResumableError(
        `run ${runId} already succeeded; start a new run with: knimectl pipeline run ${existing.pipelinePath} --rerun`,
      );
    }

    const pipeline = await loadPipeline(existing.pipelinePath);
    if (pipeline.hash !== existing.pipelineHash && !options.allowChangedPipeline) {
      throw new RunNotResumableError(
        `pipeline file ${existing.pipelinePath} changed since run ${runId} started; restore it, or resume with --allow-changed-pipeline if the change is safe`,
      );
    }
    const recorded = new Map(ledger.getSteps(runId).map((step) => [step.name, step]));
    const missing = pipeline.steps.filter((step) => !recorded.has(step.name)).map((step) => step.name);
    if (missing.length > 0) {
      throw new RunNotResumableError(
        `run ${runId} has no record of step(s) ${missing.join(', ')} in its ledger`,
      );
    }

    const run = ledger.claimRun(runId);
    const runtimes = new Map<string, StepRuntime>();
    for (const [position, step] of pipeline.steps.entries()) {
      runtimes.set(step.name, restoreRuntime(ledger, runId, step, recorded.get(step.name)!, position));
    }

    return await execute({
      ledger,
      pipeline,
      runId,
      params: run.params,
      runtimes,
      options,
      deadlineAt: run.deadlineAt,
      resumed: true,
      graph: graphOf(pipeline),
    });
  } finally {
    ledger.close();
  }
}

/** Rebuilds a step's bookkeeping from the ledger for a resumed run. */
function restoreRuntime(
  ledger: Ledger,
  runId: string,
  step: PipelineStep,
  record: StepRecord,
  position: number,
): StepRuntime {
  const attempts = ledger.getAttempts(runId, step.name);
  const last = attempts.at(-1);
  const runtime: StepRuntime = {
    step,
    status: 'pending',
    conclusion: '',
    outcome: '',
    outputs: {},
    nextAttempt: (last?.number ?? 0) + 1,
    failedAttempts: 0,
    resume: undefined,
    position,
  };

  const succeeded = record.state === 'succeeded' ? attempts.find((a) => a.state === 'succeeded') : undefined;
  if (record.state === 'succeeded' || last?.state === 'succeeded') {
    // The step finished in an earlier process, possibly just before it could record so on the step.
    const outputs = record.outputs ?? succeeded?.outputs ?? last?.outputs ?? {};
    runtime.status = 'done';
    runtime.outcome = 'succeeded';
    runtime.conclusion = 'succeeded';
    runtime.outputs = outputs;
    if (record.state !== 'succeeded') {
      ledger.setStepState(runId, step.name, {
        state: 'succeeded',
        conclusion: 'succeeded',
        outputs,
        endedAt: last?.endedAt ?? null,
      });
    }
    return runtime;
  }

  if (last && (last.state === 'starting' || last.state === 'running')) runtime.resume = last;
  // Attempts of an earlier process count toward retries only within the same resume: a resumed
  // run gives a failed step its full retry budget again.
  ledger.setStepState(runId, step.name, { state: 'pending' });
  return runtime;
}

function graphOf(pipeline: Pipeline): DependencyGraph {
  return new DependencyGraph(pipeline.steps.map((step) => ({ name: step.name, needs: step.needs })));
}

async function execute(execution: Execution): Promise<RunResult> {
  const { ledger, pipeline, runId, options } = execution;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const maxParallel = Math.max(1, Math.floor(options.maxParallel ?? 4));
  const attemptsRoot = path.resolve(options.attemptsDir ?? path.join(path.dirname(ledger.path), 'runs'));

  const emit = (event: DistributiveOmit<PipelineEvent, 'time' | 'runId'>) => {
    if (!options.onEvent) return;
    try {
      options.onEvent({ ...event, time: new Date(clock.now()).toISOString(), runId } as PipelineEvent);
    } catch (error) {
      logger.error(`onEvent handler failed: ${(error as Error).message}`, { runId });
    }
  };

  // The run's own signal: the caller's abort, or the pipeline's deadline.
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason ?? new Error('run aborted'));
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const cancelDeadline =
    execution.deadlineAt === null
      ? () => {}
      : clock.setTimer(execution.deadlineAt, () =>
          controller.abort(
            new RunTimeoutError(
              `pipeline ${pipeline.name} timed out: its timeout of ${formatDuration(pipeline.timeoutMs ?? 0)} (run clock) ran out`,
            ),
          ),
        );

  const runnerEnv = stringEnv(options.env ?? process.env);
  let env: Record<string, string> = runnerEnv;
  let runError: string | null = null;
  try {
    const envContext: EvaluationContext = {
      params: execution.params,
      env: runnerEnv,
      steps: {},
      status: { success: true, failure: false, cancelled: false },
    };
    const pipelineEnv = resolveValue(pipeline, pipeline.env, ['env'], envContext, '(pipeline env)') as Record<
      string,
      JsonValue
    >;
    env = {
      ...runnerEnv,
      ...Object.fromEntries(
        Object.entries(pipelineEnv).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ),
    };
  } catch (error) {
    runError = (error as Error).message;
  }

  const scope: RunScope = {
    ledger,
    pipeline,
    runId,
    clock,
    logger,
    emit,
    signal: controller.signal,
    fetch: options.fetch ?? globalThis.fetch,
    resolveConnection: connectionResolver(options),
    env,
    attemptsRoot,
    pollIntervalMs: options.pollIntervalMs ?? 5000,
    cancelTimeoutMs: options.cancelTimeoutMs ?? 60_000,
  };

  emit({
    type: 'run-started',
    pipeline: pipeline.name,
    file: pipeline.file,
    params: execution.params,
    resumed: execution.resumed,
  });
  logger.info(`${execution.resumed ? 'resuming' : 'starting'} run ${runId} of pipeline ${pipeline.name}`, {
    runId,
  });

  try {
    if (runError === null) await schedule(scope, execution, maxParallel);
  } finally {
    cancelDeadline();
    options.signal?.removeEventListener('abort', onAbort);
  }

  const outcome = runOutcome(execution, controller.signal, runError);
  if (outcome.error === null && runError !== null) outcome.error = runError;
  ledger.finishRun(runId, outcome.outcome, clock.now(), outcome.error);
  const exitCode = exitCodeForOutcome(outcome.outcome);
  emit({ type: 'run-ended', outcome: outcome.outcome, exitCode, error: outcome.error });
  logger.info(`run ${runId} of pipeline ${pipeline.name} ended: ${outcome.outcome}`, { runId });

  return {
    runId,
    outcome: outcome.outcome,
    exitCode,
    error: outcome.error,
    steps: ledger.getSteps(runId).map((step) => ({
      name: step.name,
      state: step.state,
      conclusion: step.conclusion,
      error: step.error,
      skipReason: step.skipReason,
      outputs: step.outputs,
    })),
  };
}

function runOutcome(
  execution: Execution,
  signal: AbortSignal,
  runError: string | null,
): { outcome: RunOutcome; error: string | null } {
  if (signal.aborted) {
    const reason = signal.reason;
    if (reason instanceof RunTimeoutError) return { outcome: 'timed-out', error: reason.message };
    return {
      outcome: 'cancelled',
      error: `run cancelled: ${reason instanceof Error ? reason.message : String(reason)}`,
    };
  }
  if (runError !== null) return { outcome: 'failed', error: runError };

  const ended = [...execution.runtimes.values()];
  const failed = ended.find((rt) => rt.conclusion === 'failed');
  if (failed) return { outcome: 'failed', error: `step ${failed.step.name} failed` };
  const timedOut = ended.find((rt) => rt.conclusion === 'timed-out');
  if (timedOut) return { outcome: 'timed-out', error: `step ${timedOut.step.name} timed out` };
  const cancelled = ended.find((rt) => rt.conclusion === 'cancelled');
  if (cancelled) return { outcome: 'cancelled', error: `step ${cancelled.step.name} was cancelled` };
  return { outcome: 'succeeded', error: null };
}

/** Whether a step's ancestors include a failed or timed-out step, and a cancelled one. */
interface UpstreamState {
  readonly failure: boolean;
  readonly cancelled: boolean;
  /** True when every ancestor had ended, so the state cannot change any more. */
  readonly settled: boolean;
}

/**
 * Returns the upstream state of `name` from its needs' conclusions and their own upstream state,
 * memoising settled results so each step costs only its number of needs. The walk uses an explicit
 * stack because a resumed run may reach a long chain of ended steps at once.
 */
function upstreamOf(execution: Execution, memo: Map<string, UpstreamState>, name: string): UpstreamState {
  const computed = new Map<string, UpstreamState>();
  const lookup = (step: string) => memo.get(step) ?? computed.get(step);
  const stack = [name];

  while (stack.length > 0) {
    const current = stack.at(-1)!;
    if (lookup(current) !== undefined) {
      stack.pop();
      continue;
    }

    const needs = execution.runtimes.get(current)!.step.needs;
    const unknown = needs.filter((need) => lookup(need) === undefined);
    if (unknown.length > 0) {
      stack.push(...unknown);
      continue;
    }

    let failure = false;
    let cancelled = false;
    let settled = true;
    for (const need of needs) {
      const rt = execution.runtimes.get(need)!;
      const above = lookup(need)!;
      failure ||= rt.conclusion === 'failed' || rt.conclusion === 'timed-out' || above.failure;
      cancelled ||= rt.conclusion === 'cancelled' || above.cancelled;
      settled &&= rt.status === 'done' && above.settled;
    }
    const state = { failure, cancelled, settled };
    // A resumed run can hold a step that ended before an ancestor that runs again, so only results
    // built from ended steps are kept across calls.
    if (settled) memo.set(current, state);
    else computed.set(current, state);
    stack.pop();
  }
  return lookup(name)!;
}

/**
 * Returns the `steps` object of an expression context: the steps `name` depends on, read on first
 * access, so a step does not pay for copying all its ancestors when its expressions read none.
 */
function stepsView(execution: Execution, name: string): Readonly<Record<string, StepView>> {
  const viewOf = (other: string): StepView | undefined => {
    if (!execution.runtimes.has(other) || !execution.graph.dependsOn(name, other)) return undefined;
    const rt = execution.runtimes.get(other)!;
    return { outcome: rt.outcome, conclusion: rt.conclusion, outputs: rt.outputs };
  };

  return new Proxy({} as Record<string, StepView>, {
    get: (_target, key) => (typeof key === 'string' ? viewOf(key) : undefined),
    has: (_target, key) => typeof key === 'string' && viewOf(key) !== undefined,
    getOwnPropertyDescriptor: (_target, key) => {
      const value = typeof key === 'string' ? viewOf(key) : undefined;
      return value === undefined
        ? undefined
        : { value, writable: false, enumerable: true, configurable: true };
    },
    ownKeys: () => [...execution.graph.ancestorsOf(name)],
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

/** Expression context of `step`: params, env and the ended steps it depends on. */
function contextFor(
  scope: RunScope,
  execution: Execution,
  upstream: Map<string, UpstreamState>,
  step: PipelineStep,
): EvaluationContext {
  const above = upstreamOf(execution, upstream, step.name);
  const needsSucceeded = step.needs.every((name) => execution.runtimes.get(name)!.conclusion === 'succeeded');
  return {
    params: execution.params,
    env: scope.env,
    steps: stepsView(execution, step.name),
    status: {
      success: needsSucceeded && !scope.signal.aborted,
      failure: above.failure,
      cancelled: scope.signal.aborted || above.cancelled,
    },
  };
}

/** Why a step whose `if:` was false is skipped, naming the need that did not succeed when there is one. */
function skipReason(execution: Execution, step: PipelineStep): string {
  const blocking = step.needs.find((name) => execution.runtimes.get(name)!.conclusion !== 'succeeded');
  if (blocking !== undefined && step.conditionSource === 'success()') {
    const conclusion = execution.runtimes.get(blocking)!.conclusion;
    return `needs ${blocking}, which ${conclusion === 'skipped' ? 'was skipped' : conclusion === 'cancelled' ? 'was cancelled' : conclusion}`;
  }
  return `if: ${step.conditionSource} was false`;
}

/** Starts steps as their needs end, up to `maxParallel` at once, until nothing more can start. */
async function schedule(scope: RunScope, execution: Execution, maxParallel: number): Promise<void> {
  const { ledger, runId } = execution;
  const running = new Map<string, Promise<void>>();
  const upstream = new Map<string, UpstreamState>();

  // Pending steps count their needs that have not ended. A step whose count reaches zero joins
  // `ready`, kept in file order, so each pass looks only at steps that can start.
  const waitingOn = new Map<string, number>();
  const ready: StepRuntime[] = [];
  let readyToResume = 0;
  const markReady = (rt: StepRuntime) => {
    let low = 0;
    let high = ready.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (ready[middle]!.position < rt.position) low = middle + 1;
      else high = middle;
    }
    ready.splice(low, 0, rt);
    if (rt.resume) readyToResume += 1;
  };
  for (const rt of execution.runtimes.values()) {
    if (rt.status !== 'pending') continue;
    const open = rt.step.needs.filter((name) => execution.runtimes.get(name)!.status !== 'done').length;
    waitingOn.set(rt.step.name, open);
    if (open === 0) markReady(rt);
  }

  const conclude = (rt: StepRuntime, end: StepEnd | { outcome: 'skipped'; reason: string }) => {
    rt.status = 'done';
    for (const name of execution.graph.dependentsOf(rt.step.name)) {
      const open = waitingOn.get(name);
      if (open === undefined) continue;
      waitingOn.set(name, open - 1);
      if (open === 1) markReady(execution.runtimes.get(name)!);
    }
    const now = scope.clock.now();
    if (end.outcome === 'skipped') {
      rt.outcome = 'skipped';
      rt.conclusion = 'skipped';
      rt.outputs = {};
      ledger.setStepState(runId, rt.step.name, {
        state: 'skipped',
        conclusion: 'skipped',
        skipReason: end.reason,
        endedAt: now,
      });
      scope.emit({ type: 'step-skipped', step: rt.step.name, reason: end.reason });
      return;
    }
    rt.outcome = end.outcome;
    rt.conclusion =
      end.outcome !== 'succeeded' && end.outcome !== 'cancelled' && rt.step.continueOnError
        ? 'succeeded'
        : end.outcome;
    rt.outputs = end.outputs;
    ledger.setStepState(runId, rt.step.name, {
      state: end.outcome,
      conclusion: rt.conclusion,
      outputs: end.outputs,
      error: end.error,
      endedAt: now,
    });
    scope.emit({
      type: 'step-ended',
      step: rt.step.name,
      attempt: end.attempt,
      outcome: rt.outcome,
      conclusion: rt.conclusion,
      error: end.error,
      outputs: end.outputs,
    });
  };

  const launch = (rt: StepRuntime, context: EvaluationContext) => {
    rt.status = 'running';
    ledger.setStepState(runId, rt.step.name, { state: 'running', startedAt: scope.clock.now() });
    const promise = executeStep(scope, rt.step, context, {
      firstAttempt: rt.nextAttempt,
      failedBefore: rt.failedAttempts,
      resume: rt.resume,
    })
      .catch(
        (error: unknown): StepEnd => ({
          outcome: 'failed',
          outputs: {},
          error: `internal error in step ${rt.step.name}: ${(error as Error).message}`,
          attempt: null,
        }),
      )
      .then((end) => {
        // A step cancelled by the run's abort stays resumable: it is recorded as cancelled and
        // `resumeRun` runs it again.
        conclude(rt, end);
        running.delete(rt.step.name);
      });
    running.set(rt.step.name, promise);
  };

  for (;;) {
    let progressed = true;
    while (progressed && !scope.signal.aborted) {
      progressed = false;
      // A full slot table leaves only attempts to re-attach to, so there is nothing to scan without one.
      if (running.size >= maxParallel && readyToResume === 0) break;

      // Steps that become ready during this pass are taken in the next one.
      const candidates = ready.splice(0, ready.length);
      let resumesLeft = readyToResume;
      readyToResume = 0;
      for (const [index, rt] of candidates.entries()) {
        const full = running.size >= maxParallel;
        if (full && resumesLeft === 0) {
          for (const waiting of candidates.slice(index)) markReady(waiting);
          break;
        }
        if (rt.resume) resumesLeft -= 1;
        // An attempt to re-attach to is already running remotely: it does not wait for a free slot.
        if (full && !rt.resume) {
          markReady(rt);
          continue;
        }

        const context = contextFor(scope, execution, upstream, rt.step);
        let run: boolean;
        try {
          run = rt.resume !== undefined || isTruthy(evaluate(rt.step.condition, context));
        } catch (error) {
          const failure =
            error instanceof ExpressionError
              ? conditionFailure(scope, rt.step, error)
              : (error as Error).message;
          conclude(rt, { outcome: 'failed', outputs: {}, error: failure, attempt: null });
          progressed = true;
          continue;
        }

        if (run) launch(rt, context);
        else conclude(rt, { outcome: 'skipped', reason: skipReason(execution, rt.step) });
        progressed = true;
      }
    }

    if (running.size === 0) return;
    await Promise.race(running.values());
  }
}

function conditionFailure(scope: RunScope, step: PipelineStep, error: ExpressionError): string {
  const position = scope.pipeline.locate(['steps', step.name, 'if'], step.conditionOffset + error.offset);
  return `${position.file}:${position.line}:${position.column}: step ${step.name}: if: ${error.message}`;
}
