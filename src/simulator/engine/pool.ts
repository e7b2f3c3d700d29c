import type { JobEngine } from './engine.js';

/** A job lent out by {@link JobPools}; call `release` exactly once when the request is done. */
export interface PooledJob {
  readonly jobId: string;
  /** True when the pool was full and the job was created for this request only. */
  readonly temporary: boolean;
  /** Returns a pooled job to its pool, or discards a temporary one. */
  release(): void;
}

const UNUSABLE = new Set(['LOAD_ERROR', 'NOT_EXECUTABLE', 'VANISHED', 'DISCARDED', 'UNDEFINED']);

/**
 * Loaded jobs kept per workflow and user for `:job-pool` requests, so a request skips the load. A
 * request that finds every pooled job busy gets a temporary job that is discarded afterwards.
 */
export class JobPools {
  readonly #engine: JobEngine;
  readonly #size: number;
  readonly #pools = new Map<string, { ids: string[]; leased: Set<string> }>();

  constructor(engine: JobEngine, size: number) {
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`job pool size must be a whole number >= 0, got ${size}`);
    this.#engine = engine;
    this.#size = size;
  }

  /**
   * Lends a job of `workflowPath` for `owner`, creating one when none is free.
   *
   * @throws {EngineError} `workflow-not-found` or `not-a-workflow`.
   */
  acquire(workflowPath: string, owner: string): PooledJob {
    const workflow = this.#engine.workflowAt(workflowPath).path;
    const key = `${owner}\u0000${workflow}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = { ids: [], leased: new Set() };
      this.#pools.set(key, pool);
    }

    pool.ids = pool.ids.filter((id) => {
      const job = this.#engine.getJob(id);
      return job !== undefined && !UNUSABLE.has(job.state);
    });
    const free = pool.ids.find((id) => !pool.leased.has(id));
    if (free) return this.#lease(pool, free);

    if (pool.ids.length < this.#size) {
      const job = this.#engine.createJob(workflow, owner);
      pool.ids.push(job.id);
      return this.#lease(pool, job.id);
    }

    const job = this.#engine.createJob(workflow, owner);
    return {
      jobId: job.id,
      temporary: true,
      release: () => {
        if (this.#engine.getJob(job.id)) this.#engine.discard(job.id);
      },
    };
  }

  #lease(pool: { leased: Set<string> }, jobId: string): PooledJob {
    pool.leased.add(jobId);
    return { jobId, temporary: false, release: () => pool.leased.delete(jobId) };
  }
}
