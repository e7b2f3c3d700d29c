import {
  AlteryxClient,
  type AlteryxClientOptions,
  type AlteryxClock,
  type AlteryxLogger,
} from '../../src/alteryx/index.js';
import { type AlteryxSimulatorOptions, createAlteryxSimulator } from '../../src/simulator/alteryx/index.js';
import { ManualClock } from '../../src/simulator/common/clock.js';

export const SALES = '6540f2a1b3c4d5e6f7a8b9c0';
export const INVENTORY = '6540f2a1b3c4d5e6f7a8b9c1';
export const CLEANUP = '6540f2a1b3c4d5e6f7a8b9c2';
export const LEDGER = '6540f2a1b3c4d5e6f7a8b9c3';
export const API_SECRET = 'sim-api-secret';

export const salesAnswers = { Region: 'AMER', StartDate: '2024-05-01', Channels: ['Retail', 'Online'] };

/**
 * Client clock on top of the simulator's ManualClock. A sleep moves the manual clock forward by its
 * length, so simulated jobs progress while the client polls, and tests take no wall time.
 */
export function steppingClock(manual: ManualClock): AlteryxClock {
  return {
    now: () => manual.now(),
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      await Promise.resolve();
      manual.advance(ms);
      if (signal?.aborted) throw signal.reason;
    },
    setTimer: (ms, callback) => manual.setTimer(manual.now() + ms, callback),
  };
}

/** One request the client sent, as the test fetch saw it. */
export interface SentRequest {
  method: string;
  /** Path and query relative to the origin, such as `/webapi/v3/jobs/abc?x=1`. */
  path: string;
  atMs: number;
  body: string;
  headers: Headers;
}

/**
 * A scripted interception: when `match` accepts a request for the n-th time and n is at most
 * `times`, `respond` decides what happens. It may return a Response (sent instead of the
 * simulator's), throw (a network error), or call `forward` to let the simulator answer first.
 */
export interface Interception {
  match: (request: SentRequest) => boolean;
  times?: number;
  respond: (request: SentRequest, forward: () => Promise<Response>) => Promise<Response>;
}

export interface MemoryLogRecord {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

export function memoryLogger(): AlteryxLogger & { records: MemoryLogRecord[] } {
  const records: MemoryLogRecord[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    records.push({ level, message, fields });
  };
  return { records, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A connection reset as Node's fetch reports it. */
export function resetError(): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
  });
}

/** A simulator on a ManualClock and a client that reaches it in-process through a recording fetch. */
export function setup(
  simOptions: AlteryxSimulatorOptions = {},
  clientOptions: Partial<AlteryxClientOptions> = {},
  interceptions: Interception[] = [],
) {
  const manual = new ManualClock();
  const sim = createAlteryxSimulator({ clock: manual, runMs: 10_000, ...simOptions });
  const sent: SentRequest[] = [];
  const hits = new Map<Interception, number>();
  const logger = memoryLogger();

  const recordingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? await request.clone().text() : '';
    const entry: SentRequest = {
      method: request.method,
      path: `${url.pathname}${url.search}`,
      atMs: manual.now(),
      body,
      headers: request.headers,
    };
    sent.push(entry);

    const forward = () => sim.fetch(request);
    for (const interception of interceptions) {
      if (!interception.match(entry)) continue;
      const count = (hits.get(interception) ?? 0) + 1;
      hits.set(interception, count);
      if (count <= (interception.times ?? Number.POSITIVE_INFINITY))
        return interception.respond(entry, forward);
    }
    return forward();
  };

  const client = new AlteryxClient({
    baseUrl: sim.baseUrl,
    apiKey: 'sim-api-key',
    apiSecret: API_SECRET,
    fetch: recordingFetch,
    clock: steppingClock(manual),
    logger,
    retry: { random: () => 0.5 },
    reconcile: { checks: 2, delayMs: 500 },
    ...clientOptions,
  });

  /** Requests other than token requests, as `METHOD path` without the query. */
  const calls = () =>
    sent
      .filter((r) => !r.path.includes('oauth2/token'))
      .map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`);

  return { manual, sim, client, sent, calls, logger };
}
