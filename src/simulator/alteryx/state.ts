import { randomBytes } from 'node:crypto';
import type { SimClock } from '../common/clock.js';
import type { ResolvedAlteryxOptions, SimCredential } from './options.js';
import type { SimScenario, SimWorkflow } from './workflows.js';

/** V3 priority names, from the lowest to the highest. */
export const priorityNames = ['Low', 'Default', 'Medium', 'High', 'Critical'] as const;
export type PriorityName = (typeof priorityNames)[number];

/** One message of a job, as the engine writes it. `status`: 1 info, 2 warning, 3 error. */
export interface SimMessage {
  status: number;
  text: string;
  toolId: number;
}

/** One output of a finished job. */
export interface SimJobOutput {
  id: string;
  fileName: string;
  availableFormats: string[];
  content: string;
}

/** A queued job and everything the simulator tracks about it. */
export interface SimJob {
  id: string;
  workflowId: string;
  /** API key of the caller that queued it, for visibility checks. */
  ownerKey: string;
  createdMs: number;
  status: string;
  disposition: string;
  priority: PriorityName;
  workerTag: string;
  credentialId: string | undefined;
  questions: Array<{ name: string; value: string }>;
  runWithE2: boolean;
  scenario: SimScenario;
  runMs: number;
  outputs: SimJobOutput[];
  messages: SimMessage[];
  /** Earliest time a worker may take the job, in epoch milliseconds. */
  eligibleMs: number;
  cancelTimer: (() => void) | undefined;
}

/** Counters that tests read to prove what the server did. */
export interface AlteryxSimulatorStats {
  /** Jobs created per workflow id. A client that queued twice shows 2 here. */
  jobsQueued: Record<string, number>;
  /** Queue requests per workflow id, including rejected ones. */
  queueRequests: Record<string, number>;
  /** Requests per route name, such as `getJob` or `token`. */
  requests: Record<string, number>;
  tokensIssued: number;
  /** API requests rejected with 401 because the token was missing, unknown, revoked or expired. */
  tokensRejected: number;
}

interface IssuedToken {
  credential: SimCredential;
  expiresMs: number;
}

/** Rank of each priority; a free worker takes the highest rank first, then the oldest job. */
const priorityRank: Record<PriorityName, number> = { Low: 0, Default: 1, Medium: 1, High: 2, Critical: 3 };

/** Mutable state of one simulated Alteryx Server: tokens, workflows, jobs and workers. */
export class AlteryxServerState {
  readonly stats: AlteryxSimulatorStats = {
    jobsQueued: {},
    queueRequests: {},
    requests: {},
    tokensIssued: 0,
    tokensRejected: 0,
  };

  readonly workflows = new Map<string, SimWorkflow>();
  readonly jobs = new Map<string, SimJob>();
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #clock: SimClock;
  readonly #options: ResolvedAlteryxOptions;
  #busyWorkers = 0;

  constructor(clock: SimClock, options: ResolvedAlteryxOptions, workflows: SimWorkflow[]) {
    this.#clock = clock;
    this.#options = options;
    for (const workflow of workflows) this.workflows.set(workflow.id, structuredClone(workflow));
  }

  count(route: string): void {
    this.stats.requests[route] = (this.stats.requests[route] ?? 0) + 1;
  }

  /** Creates an access token for `credential` that expires after `tokenTtlSeconds`. */
  issueToken(credential: SimCredential): string {
    const token = randomBytes(24).toString('base64url');
    this.#tokens.set(token, {
      credential,
      expiresMs: this.#clock.now() + this.#options.tokenTtlSeconds * 1000,
    });
    this.stats.tokensIssued++;
    return token;
  }

  /** Returns the credential behind a valid token, or undefined for unknown and expired tokens. */
  authenticate(token: string): SimCredential | undefined {
    const issued = this.#tokens.get(token);
    if (!issued) return undefined;
    if (this.#clock.now() >= issued.expiresMs) {
      this.#tokens.delete(token);
      return undefined;
    }
    return issued.credential;
  }

  /** Makes every issued token invalid at once, as a restarted or reconfigured server does. */
  revokeTokens(): void {
    this.#tokens.clear();
  }

  /** Creates a queued job and schedules its life cycle on the clock. */
  queueJob(
    workflow: SimWorkflow,
    caller: SimCredential,
    request: {
      questions: Array<{ name: string; value: string }>;
      priority: PriorityName;
      workerTag: string;
      credentialId: string | undefined;
    },
  ): SimJob {
    const now = this.#clock.now();
    const job: SimJob = {
      id: newHexId(),
      workflowId: workflow.id,
      ownerKey: caller.apiKey,
      createdMs: now,
      status: 'Queued',
      disposition: this.#options.dispositionValues.pending,
      priority: request.priority,
      workerTag: request.workerTag,
      credentialId: request.credentialId,
      questions: request.questions,
      runWithE2: workflow.isAmp,
      scenario: workflow.scenario,
      runMs: workflow.runMs ?? this.#options.runMs,
      outputs: [],
      messages: [],
      eligibleMs: now + this.#options.queueDelayMs,
      cancelTimer: undefined,
    };

    this.jobs.set(job.id, job);
    this.stats.jobsQueued[workflow.id] = (this.stats.jobsQueued[workflow.id] ?? 0) + 1;

    if (job.eligibleMs > now) {
      job.cancelTimer = this.#clock.setTimer(job.eligibleMs, () => this.#dispatch());
    }
    this.#dispatch();
    return job;
  }

  /**
   * Stops a job that has not finished: status and disposition become `Cancelled`. Returns false for
   * a finished job. Only reachable through `cancelRoute: 'works'`.
   */
  cancelJob(job: SimJob): boolean {
    if (isTerminal(job.status)) return false;
    const wasRunning = job.status === 'Running';
    job.cancelTimer?.();
    job.cancelTimer = undefined;
    job.status = 'Cancelled';
    job.disposition = this.#options.dispositionValues.cancelled;
    job.messages.push({ status: 1, text: 'Job cancelled through the API', toolId: 0 });
    if (wasRunning) {
      this.#busyWorkers--;
      this.#dispatch();
    }
    return true;
  }

  /** Hands queued jobs to free workers, highest priority first, then oldest first. */
  #dispatch(): void {
    const now = this.#clock.now();
    while (this.#busyWorkers < this.#options.workers) {
      const next = [...this.jobs.values()]
        .filter((job) => job.status === 'Queued' && job.eligibleMs <= now && this.#canTake(job))
        .sort((a, b) => priorityRank[b.priority] - priorityRank[a.priority] || a.createdMs - b.createdMs)[0];
      if (!next) return;
      this.#start(next);
    }
  }

  #canTake(job: SimJob): boolean {
    if (job.scenario === 'stuck-queued') return false;
    return job.workerTag === '' || this.#options.workerTags.includes(job.workerTag);
  }

  #start(job: SimJob): void {
    this.#busyWorkers++;
    job.status = 'Running';
    job.cancelTimer?.();
    job.cancelTimer = undefined;
    if (job.scenario === 'never-finishes') return;

    job.cancelTimer = this.#clock.setTimer(this.#clock.now() + job.runMs, () => {
      job.cancelTimer = undefined;
      this.#finish(job);
      this.#busyWorkers--;
      this.#dispatch();
    });
  }

  #finish(job: SimJob): void {
    const workflow = this.workflows.get(job.workflowId);
    const dispositions = this.#options.dispositionValues;
    const seconds = (job.runMs / 1000).toFixed(1);

    switch (job.scenario) {
      case 'success':
      case 'warning': {
        job.outputs = (workflow?.outputs ?? []).map((output) => ({ id: newHexId(), ...output }));
        for (const output of job.outputs) {
          job.messages.push({ status: 1, text: `Output Data: ${output.fileName} written`, toolId: 3 });
        }
        if (job.scenario === 'warning') {
          job.messages.push({
            status: 2,
            text: 'Formula (2): conversion error: field "amount" is empty',
            toolId: 2,
          });
          job.messages.push({ status: 1, text: `Finished in ${seconds} seconds with 1 warning`, toolId: 0 });
          job.disposition = dispositions.warning;
        } else {
          job.messages.push({ status: 1, text: `Finished in ${seconds} seconds`, toolId: 0 });
          job.disposition = dispositions.success;
        }
        job.status = 'Completed';
        return;
      }
      case 'error':
      case 'completed-with-error': {
        job.messages.push({ status: 3, text: workflow?.errorMessage ?? 'Tool failed', toolId: 1 });
        job.messages.push({ status: 1, text: `Finished in ${seconds} seconds with 1 error`, toolId: 0 });
        job.status = job.scenario === 'error' ? 'Error' : 'Completed';
        job.disposition = dispositions.error;
        return;
      }
      case 'cancelled-by-admin': {
        job.messages.push({ status: 1, text: 'Job cancelled by an administrator', toolId: 0 });
        job.status = 'Cancelled';
        job.disposition = dispositions.cancelled;
        return;
      }
      case 'stuck-queued':
      case 'never-finishes':
        return;
    }
  }
}

/** Returns whether a job status is final. */
export function isTerminal(status: string): boolean {
  return status === 'Completed' || status === 'Cancelled' || status === 'Error';
}

/** Returns a new 24-character lowercase hex id, the shape of the ids in the vendor's examples. */
export function newHexId(): string {
  return randomBytes(12).toString('hex');
}
