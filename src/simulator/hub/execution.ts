import type { ExecutionRequest } from '../engine/inputs.js';
import type { ExecutionContext } from './contexts.js';
import { type Deployment, discardFlagsOf } from './deployments.js';
import { type HubContext, HubError, preferencesOf, respond } from './http.js';
import { jobJson } from './job-json.js';
import type { JobOrigin, JobView } from './jobs.js';
import type { HubParts } from './parts.js';
import { requireScope } from './parts.js';
import type { WorkflowReference } from './spaces.js';

export interface NewJobInput {
  readonly reference: WorkflowReference;
  readonly context: ExecutionContext;
  readonly deployment?: Deployment;
  readonly timeoutMs: number;
  readonly asyncLoading: boolean;
  readonly configuration?: Record<string, unknown>;
  readonly actions?: unknown[];
  readonly requiredExecutionContextFeatures?: string[];
  readonly presetInputs?: Record<string, unknown>;
}

/**
 * Creates a job for the caller. Deployments in `ACCOUNT` run mode run their jobs as the team; all
 * other jobs run as the calling user. The initiator is the application password when one was used.
 *
 * @throws {HubError} 403 when the caller may not use the workflow's space, and the errors of
 *   {@link HubJobs.create}.
 */
export async function newJob(c: HubContext, parts: HubParts, input: NewJobInput): Promise<JobView> {
  const caller = c.var.hub.caller;
  const scope = input.deployment?.scope ?? input.reference.item.owner.id;
  requireScope(parts, c, scope, `workflow '${input.reference.item.path}'`);

  const creator =
    input.deployment?.runMode === 'ACCOUNT'
      ? (parts.accounts.byId(input.deployment.scope) ?? caller.user)
      : caller.user;
  const initiator = caller.applicationPassword
    ? { id: caller.applicationPassword.id, name: caller.applicationPassword.name }
    : { id: caller.user.id, name: caller.user.name };
  const discard = input.deployment
    ? discardFlagsOf(input.deployment)
    : { onSuccess: false, onFailure: false };
  const createdBy = c.req.header('knime-created-by');

  const origin: JobOrigin = {
    scope,
    creator,
    initiator,
    createdVia: 'generic client',
    ...(createdBy === undefined ? {} : { createdBy }),
    ...(input.deployment ? { deployment: { id: input.deployment.id, type: input.deployment.type } } : {}),
    configuration: input.configuration ?? input.deployment?.configuration ?? {},
    actions: input.actions ?? input.deployment?.actions ?? [],
    discardAfterSuccessfulExec: discard.onSuccess,
    discardAfterFailedExec: discard.onFailure,
    requiredExecutionContextFeatures: input.requiredExecutionContextFeatures ?? ['EXECUTION'],
  };
  return parts.jobs.create({
    reference: input.reference,
    context: input.context,
    origin,
    timeoutMs: input.timeoutMs,
    asyncLoading: input.asyncLoading,
    ...(input.presetInputs ? { presetInputs: input.presetInputs } : {}),
    signal: c.req.raw.signal,
  });
}

/**
 * Builds the response of an execution request: the job, or its outputs alone under
 * `Prefer: edge-compatible`.
 */
export function executionResponse(c: HubContext, parts: HubParts, view: JobView, status = 200): Response {
  const body = jobJson(c, view, parts.jobs, parts.options, { full: true, root: true });
  if (!preferencesOf(c).edgeCompatible) return respond(c, body, { status });
  const outputs = (body.outputValues as Record<string, unknown> | undefined) ?? {};
  const shaped =
    parts.options.edgeCompatibleShape === 'outputs' ? outputs : { id: view.job.id, outputValues: outputs };
  return respond(c, shaped, { status });
}

export interface OneShotInput extends Omit<NewJobInput, 'asyncLoading'> {
  readonly request: ExecutionRequest;
  readonly reset: boolean;
  /** Keep the job after the response (deployments only). */
  readonly keepJob: boolean;
  /** Builds the response from the finished job, before the job is discarded. @default the job JSON */
  readonly render?: (view: JobView) => Response;
}

/**
 * Creates a job, executes it synchronously and discards it unless `keepJob` is set. The timeout
 * covers load and execution. On a 504 the job is cancelled and discarded, or kept when the
 * `oneShotTimeout` option is `keep`.
 */
export async function runOneShot(c: HubContext, parts: HubParts, input: OneShotInput): Promise<Response> {
  const clock = parts.engine.clock;
  const deadlineMs = clock.now() + input.timeoutMs;
  const render = input.render ?? ((view: JobView) => executionResponse(c, parts, view));
  const created = await newJob(c, parts, { ...input, asyncLoading: false });
  const job = created.job;

  if (created.states.jobState !== 'LOADED' || created.states.workflowState === 'NOT_EXECUTABLE') {
    // Load error or not executable: return the job as it is.
    try {
      return render(created);
    } finally {
      if (!input.keepJob) parts.jobs.discard(job);
    }
  }

  let finished: JobView;
  try {
    finished = await parts.jobs.execute(job, input.request, {
      reset: input.reset,
      async: false,
      timeoutMs: Math.max(0, deadlineMs - clock.now()),
      signal: c.req.raw.signal,
    });
  } catch (error) {
    const timedOut = error instanceof HubError && error.status === 504;
    const keep = input.keepJob || (timedOut && parts.options.oneShotTimeout === 'keep');
    if (!keep && parts.jobs.get(job.id)) parts.jobs.discard(job);
    if (timedOut && keep) {
      throw new HubError(504, error.title, [...error.details, `The job '${job.id}' was kept.`], undefined, {
        'knime-job-id': job.id,
      });
    }
    throw error;
  }

  try {
    return render(finished);
  } finally {
    if (!input.keepJob && parts.jobs.get(job.id)) parts.jobs.discard(job);
  }
}
