/**
 * Checks of wait and poll options, run before any request so that a bad option never creates a
 * job or turns a wait into one without a deadline or a busy loop.
 */
import { InvalidInputError } from '../errors/index.js';
import type { PollOptions, WaitOptions } from './options.js';

/**
 * Rejects wait options that are not numbers where numbers are expected, and poll options that
 * make the poll delays shrink or vanish.
 * @throws InvalidInputError naming the option and its value
 */
export function checkWaitOptions(options: WaitOptions): void {
  for (const name of [
    'deadline',
    'timeoutMs',
    'loadTimeoutMs',
    'executionTimeoutMs',
    'noProgressTimeoutMs',
  ] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value))) {
      throw invalid(name, value, 'give a number of milliseconds, or leave it out');
    }
  }
  const failures = options.maxPollFailures;
  if (failures !== undefined && !(Number.isInteger(failures) && failures >= 0)) {
    throw invalid('maxPollFailures', failures, 'give a whole number, 0 or more');
  }
  if (options.poll !== undefined) checkPollOptions(options.poll);
}

/**
 * Rejects a poll schedule whose delays are not finite, are negative, or shrink.
 * @throws InvalidInputError naming the option and its value
 */
export function checkPollOptions(poll: PollOptions): void {
  const { factor, maxIntervalMs, initialIntervalsMs } = poll;
  if (factor !== undefined && !(Number.isFinite(factor) && factor >= 1)) {
    throw invalid(
      'poll.factor',
      factor,
      'give a finite number of 1 or more, so that poll delays never shrink',
    );
  }
  if (maxIntervalMs !== undefined && !(Number.isFinite(maxIntervalMs) && maxIntervalMs > 0)) {
    throw invalid('poll.maxIntervalMs', maxIntervalMs, 'give a finite number of milliseconds above 0');
  }
  if (initialIntervalsMs !== undefined) {
    if (!Array.isArray(initialIntervalsMs)) {
      throw invalid('poll.initialIntervalsMs', initialIntervalsMs, 'give an array of milliseconds');
    }
    initialIntervalsMs.forEach((interval, index) => {
      if (!(Number.isFinite(interval) && interval >= 0)) {
        throw invalid(
          `poll.initialIntervalsMs[${index}]`,
          interval,
          'give a finite number of milliseconds, 0 or more',
        );
      }
    });
  }
}

function invalid(name: string, value: unknown, fix: string): InvalidInputError {
  return new InvalidInputError(`wait option ${name} is invalid: ${String(value)}; ${fix}`);
}
