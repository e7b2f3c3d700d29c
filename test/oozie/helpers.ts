import { OozieClient, type OozieClientOptions } from '../../src/oozie/index.js';
import { ManualClock } from '../../src/simulator/common/clock.js';
import {
  createOozieSimulator,
  DEFAULT_APP_ROOT,
  IN_PROCESS_OOZIE_URL,
  type OozieSimulatorOptions,
} from '../../src/simulator/oozie/index.js';
import type { Clock, LogFields, Logger } from '../../src/transport/types.js';

/**
 * Client clock driven by the simulator's manual clock: a sleep moves simulated time forward at
 * once, so a ten-minute job finishes in milliseconds and every poll sees the state of its time.
 */
export function clientClock(manual: ManualClock): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => manual.now(),
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      slept.push(ms);
      manual.advance(ms);
      if (signal?.aborted) throw signal.reason;
    },
    setTimer: (ms, callback) => manual.setTimer(manual.now() + ms, callback),
  };
}

/** One request as the simulator received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number | 'error';
  oozieCode?: string;
}

export function recordingLogger(): Logger & {
  records: Array<{ level: string; message: string; fields?: LogFields }>;
} {
  const records: Array<{ level: string; message: string; fields?: LogFields }> = [];
  const at = (level: string) => (message: string, fields?: LogFields) =>
    records.push({ level, message, fields });
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const APP = (name: string) => `${DEFAULT_APP_ROOT}/${name}`;

/** Simulator plus client wired through in-process fetch, with every request recorded. */
export function setup(
  simOptions: OozieSimulatorOptions = {},
  clientOptions: Partial<OozieClientOptions> = {},
) {
  const manual = new ManualClock(Date.UTC(2024, 4, 1, 8, 31, 2));
  const sim = createOozieSimulator({ clock: manual, ...simOptions });
  const clock = clientClock(manual);
  const requests: RecordedRequest[] = [];
  const logger = recordingLogger();

  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const entry: RecordedRequest = {
      method: init?.method ?? 'GET',
      path: url.pathname.replace(/^\/oozie/, ''),
      query: Object.fromEntries(url.searchParams),
      status: 'error',
    };
    requests.push(entry);
    const response = await sim.fetch(input, init);
    entry.status = response.status;
    entry.oozieCode = response.headers.get('oozie-error-code') ?? undefined;
    return response;
  };

  const client = new OozieClient({
    baseUrl: IN_PROCESS_OOZIE_URL,
    user: 'etl',
    fetch: recordingFetch,
    clock,
    logger,
    retry: { baseDelayMs: 100, random: () => 0.5 },
    ...clientOptions,
  });

  /** Method and path of each request, such as `GET /v2/job/…`. */
  const sequence = () => requests.map((r) => `${r.method} ${r.path.replace(/\/job\/[^/]+$/, '/job/{id}')}`);

  return { sim, manual, clock, client, requests, sequence, logger };
}
