import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { sleepUntil } from '../clock.js';
import { durationSchema, parseDuration } from '../duration.js';
import { StepConfigError } from '../errors.js';
import { findMatches } from './glob.js';
import type { JsonValue, StepContext, StepKind, WaitResult } from './types.js';

const httpCondition = z
  .strictObject({
    url: z.string().describe('URL to poll with GET; its host must be in the pipeline allowed-hosts'),
    status: z.number().int().min(100).max(599).optional().describe('Expected HTTP status (default: any 2xx)'),
    'json-pointer': z
      .string()
      .regex(/^(\/.*)?$/, 'must be a JSON pointer such as /state or empty for the whole body')
      .optional()
      .describe('JSON pointer into the response body'),
    equals: z
      .json()
      .optional()
      .describe('Value the JSON pointer must equal; without it the pointer must only exist'),
    headers: z.record(z.string(), z.string()).optional().describe('Request headers'),
    'request-timeout': durationSchema.optional().describe('Time limit of one request (default 30s)'),
  })
  .describe('HTTP condition');

const waitConfig = z
  .strictObject({
    file: z
      .string()
      .min(1)
      .optional()
      .describe('Glob (* ? [..] **) that must match at least one file, relative to the pipeline file'),
    http: httpCondition.optional(),
    'poll-interval': durationSchema
      .optional()
      .describe('Time between checks (default: the runner poll interval)'),
  })
  .refine((config) => (config.file === undefined) !== (config.http === undefined), {
    message: 'set exactly one of file or http',
  })
  .describe('with: block of a wait step');

export type WaitConfig = z.infer<typeof waitConfig>;

/** Host names of loopback, the allow-list used when a pipeline sets none. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;

/** Throws unless `url` uses http(s) and its host is in `allowedHosts`. */
export function checkAllowedUrl(url: string, allowedHosts: readonly string[], step: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StepConfigError(`step ${step}: ${JSON.stringify(url)} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new StepConfigError(`step ${step}: URL ${url} must use http or https`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (!allowedHosts.some((allowed) => allowed.toLowerCase() === host)) {
    throw new StepConfigError(
      `step ${step}: host ${host} is not allowed; add it to allowed-hosts in the pipeline file (allowed: ${allowedHosts.join(', ')})`,
    );
  }
  return parsed;
}

/** Resolves a JSON pointer (RFC 6901) in `document`; returns `undefined` when the path does not exist. */
export function resolvePointer(document: unknown, pointer: string): JsonValue | undefined {
  if (pointer === '') return document as JsonValue;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(token)) current = current[Number(token)];
    else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else return undefined;
    if (current === undefined) return undefined;
  }
  return current as JsonValue;
}

interface CheckResult {
  met: boolean;
  outputs: Record<string, JsonValue>;
  detail: string;
}

async function checkFile(pattern: string, ctx: StepContext): Promise<CheckResult> {
  const matches = await findMatches(pattern, ctx.baseDir);
  return {
    met: matches.length > 0,
    outputs: { path: matches[0] ?? null, matches, count: matches.length },
    detail: `no file matches ${pattern}`,
  };
}

async function checkHttp(http: NonNullable<WaitConfig['http']>, ctx: StepContext): Promise<CheckResult> {
  const url = checkAllowedUrl(http.url, ctx.allowedHosts, ctx.step);
  const timeoutMs = parseDuration(http['request-timeout'] ?? '30s')!;
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new Error(`request timed out after ${timeoutMs}ms`)),
    timeoutMs,
  );

  let response: Response;
  try {
    response = await ctx.fetch(url, {
      headers: http.headers,
      signal: AbortSignal.any([ctx.signal, timeout.signal]),
    });
  } catch (error) {
    ctx.signal.throwIfAborted();
    return { met: false, outputs: {}, detail: `GET ${url.href} failed: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }

  const statusOk = http.status === undefined ? response.ok : response.status === http.status;
  if (!statusOk) {
    await response.body?.cancel();
    return {
      met: false,
      outputs: { status: response.status },
      detail: `GET ${url.href} returned ${response.status}, expected ${http.status ?? '2xx'}`,
    };
  }
  if (http['json-pointer'] === undefined) {
    await response.body?.cancel();
    return { met: true, outputs: { status: response.status }, detail: '' };
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return {
      met: false,
      outputs: { status: response.status },
      detail: `GET ${url.href} did not return JSON`,
    };
  }
  const value = resolvePointer(body, http['json-pointer']);
  const met =
    value !== undefined && (http.equals === undefined || isDeepStrictEqual(value, http.equals as unknown));
  return {
    met,
    outputs: { status: response.status, value: value ?? null },
    detail: `JSON pointer ${http['json-pointer']} of GET ${url.href} is ${JSON.stringify(value)}, expected ${
      http.equals === undefined ? 'any value' : JSON.stringify(http.equals)
    }`,
  };
}

/**
 * A sensor: waits until a file matching a glob exists or an HTTP endpoint on an allowed host returns
 * the expected response. Nothing remote is started, so a resumed run simply checks again; the step's `timeout`
 * is the deadline.
 */
export const waitStep: StepKind<WaitConfig> = {
  name: 'wait',
  description: 'Wait until a file matching a glob exists or an HTTP endpoint returns the expected response',
  remoteSystem: 'sensor',
  configSchema: waitConfig,

  async start(config, ctx) {
    if (config.http) checkAllowedUrl(config.http.url, ctx.allowedHosts, ctx.step);
    return { id: config.file !== undefined ? `file:${config.file}` : `http:${config.http!.url}` };
  },

  async reconcile() {
    return undefined;
  },

  async attach() {},

  async wait(_remote, config, ctx): Promise<WaitResult> {
    const intervalMs = config['poll-interval'] ? parseDuration(config['poll-interval'])! : ctx.pollIntervalMs;
    let last = '';

    for (;;) {
      ctx.signal.throwIfAborted();
      const result =
        config.file !== undefined ? await checkFile(config.file, ctx) : await checkHttp(config.http!, ctx);
      if (result.met) return { status: 'succeeded', outputs: result.outputs };

      if (result.detail !== last) {
        ctx.logger.debug(`step ${ctx.step} is waiting: ${result.detail}`, { step: ctx.step });
        last = result.detail;
      }
      await sleepUntil(ctx.clock, ctx.clock.now() + intervalMs, ctx.signal);
    }
  },

  async cancel() {},
};
