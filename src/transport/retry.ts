/**
 * Retry policy of idempotent requests: which failures are transient, and how long to wait before
 * the next attempt (capped exponential back-off with jitter, `Retry-After`, and a time budget).
 */
import type { RetryOptions } from './types.js';

export interface ResolvedRetryOptions {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: number;
  maxRetryAfterMs: number;
  budgetMs: number;
  random: () => number;
}

export function resolveRetryOptions(options: RetryOptions | false | undefined): ResolvedRetryOptions {
  const given = options === false ? { maxRetries: 0 } : (options ?? {});
  return {
    maxRetries: given.maxRetries ?? 4,
    baseDelayMs: given.baseDelayMs ?? 250,
    maxDelayMs: given.maxDelayMs ?? 8000,
    jitter: Math.min(1, Math.max(0, given.jitter ?? 0.2)),
    maxRetryAfterMs: given.maxRetryAfterMs ?? 60_000,
    budgetMs: given.budgetMs ?? 30_000,
    random: given.random ?? Math.random,
  };
}

/** HTTP statuses that are worth another attempt of an idempotent request. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `nowMs`.
 * Returns `undefined` when the header is absent or invalid.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Delay before retry number `retry` (1 for the first retry), in milliseconds. A `Retry-After`
 * value wins over the back-off when it is longer.
 */
export function retryDelay(options: ResolvedRetryOptions, retry: number, retryAfterMs?: number): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  const spread = exponential * options.jitter;
  const jittered = exponential - spread + options.random() * 2 * spread;
  const delay = Math.max(0, Math.round(jittered));
  return retryAfterMs === undefined ? delay : Math.max(delay, retryAfterMs);
}
