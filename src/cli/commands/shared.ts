import type { ConnectionOptions } from '../connection.js';
import { parseDiscardPolicy } from '../discard-policy.js';
import { parseDuration } from '../duration.js';
import type { FollowOptions } from '../follow.js';
import { resultFormat } from '../print.js';

/** Picks the connection flags out of a command's options. */
export function connectionOptions(options: Record<string, unknown>): ConnectionOptions {
  const picked: ConnectionOptions = {};
  if (typeof options.server === 'string') picked.server = options.server;
  if (typeof options.hub === 'string') picked.hub = options.hub;
  if (typeof options.user === 'string') picked.user = options.user;
  if (typeof options.profile === 'string') picked.profile = options.profile;
  if (options.passwordStdin === true) picked.passwordStdin = true;
  if (typeof options.passwordFile === 'string') picked.passwordFile = options.passwordFile;
  if (typeof options.caFile === 'string') picked.caFile = options.caFile;
  if (typeof options.retries === 'string') picked.retries = options.retries;
  if (typeof options.requestTimeout === 'string') picked.requestTimeout = options.requestTimeout;
  return picked;
}

/** Reads the wait flags of `run` and `wait`. */
export function followOptions(options: Record<string, unknown>): FollowOptions {
  return {
    timeoutMs: typeof options.timeout === 'string' ? parseDuration(options.timeout, '--timeout') : undefined,
    loadTimeoutMs: parseDuration(String(options.loadTimeout ?? '60s'), '--load-timeout'),
    discard: parseDiscardPolicy(options.discard ?? 'on-success'),
    acceptPartial: options.acceptPartial === true,
    outputDir: typeof options.outputDir === 'string' ? options.outputDir : undefined,
    format: resultFormat(options),
  };
}
