/**
 * Test helpers of the library tests: a client clock driven by a manual clock, and a scripted
 * `fetch` that records every request.
 */
import { ManualClock } from '../../src/simulator/common/clock.js';
import type { Clock, LogFields, Logger } from '../../src/transport/types.js';

/**
 * Client clock on top of a {@link ManualClock}: every `sleep` moves the manual clock forward by its
 * duration (firing the simulator's timers on the way), so long waits take no real time. Timers of
 * per-request timeouts are registered on the manual clock and fire only when time moves.
 */
export class SteppingClock implements Clock {
  readonly manual: ManualClock;
  /** Every sleep, in milliseconds, in call order. */
  readonly sleeps: number[] = [];

  constructor(manual = new ManualClock()) {
    this.manual = manual;
  }

  now(): number {
    return this.manual.now();
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.manual.advance(ms);
    await Promise.resolve();
    if (signal?.aborted) throw signal.reason;
  }

  setTimer(ms: number, callback: () => void): () => void {
    return this.manual.setTimer(this.manual.now() + ms, callback);
  }
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  contentType: string | undefined;
}

export type ScriptStep = Response | Error | ((request: Request) => Response | Promise<Response>);

/** `fetch` that answers from a queue and records each request; an empty queue fails the test. */
export function scriptedFetch(
  steps: ScriptStep[],
): typeof fetch & { requests: RecordedRequest[]; calls: string[] } {
  const requests: RecordedRequest[] = [];
  const queue = [...steps];
  const fn = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const request = new Request(input, init);
    const body = request.body ? await request.clone().text() : undefined;
    requests.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body,
      contentType: request.headers.get('content-type') ?? undefined,
    });
    const step = queue.shift();
    if (step === undefined)
      throw new Error(`unexpected request ${request.method} ${request.url}: script is empty`);
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(request);
    return step;
  }) as typeof fetch & { requests: RecordedRequest[]; calls: string[] };
  fn.requests = requests;
  Object.defineProperty(fn, 'calls', { get: () => requests.map((r) => `${r.method} ${r.url}`) });
  return fn;
}

/** JSON response with the Mason content type. */
export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    statusText: init.statusText,
    headers: { 'content-type': 'application/vnd.mason+json;charset=UTF-8', ...(init.headers as object) },
  });
}

export function text(body: string, status: number, contentType = 'text/plain'): Response {
  return new Response(body, { status, headers: { 'content-type': contentType } });
}

/** A connection reset, as Node's fetch reports it. */
export function connectionReset(): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
  });
}

export interface LogRecord {
  level: string;
  message: string;
  fields: LogFields | undefined;
}

/** Logger that keeps every record. */
export function memoryLogger(): Logger & { records: LogRecord[]; text(): string } {
  const records: LogRecord[] = [];
  const add = (level: string) => (message: string, fields?: LogFields) =>
    records.push({ level, message, fields });
  return {
    records,
    debug: add('debug'),
    info: add('info'),
    warn: add('warn'),
    error: add('error'),
    text: () =>
      records
        .map((record) => `${record.level} ${record.message} ${JSON.stringify(record.fields)}`)
        .join('\n'),
  };
}

export const ROOT = 'http://127.0.0.1:8080/knime/rest/v4';
