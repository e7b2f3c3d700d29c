import { usageError } from './exit.js';

export type DiscardPolicyName = 'always' | 'never' | 'on-success' | 'on-failure';

/**
 * Ending of a job, for the discard decision. `interrupted` covers jobs that knimectl itself
 * cancelled (deadline passed, SIGINT, SIGTERM).
 */
export type JobEnding = 'succeeded' | 'failed' | 'interrupted';

/**
 * Whether to discard a job. A job that knimectl cancelled is discarded by every policy except
 * `never`: nothing in it is worth inspecting, and a kept job uses executor memory until someone
 * discards it. A job that failed on its own is kept by the default policy, so that its node
 * messages can be read on the server.
 */
export function shouldDiscard(policy: DiscardPolicyName, ending: JobEnding): boolean {
  switch (policy) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'on-success':
      return ending !== 'failed';
    case 'on-failure':
      return ending !== 'succeeded';
  }
}

export function parseDiscardPolicy(value: unknown): DiscardPolicyName {
  if (value === 'always' || value === 'never' || value === 'on-success' || value === 'on-failure')
    return value;
  throw usageError(`invalid --discard "${String(value)}"`, 'use always, never, on-success or on-failure');
}
