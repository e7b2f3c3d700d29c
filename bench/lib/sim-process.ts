/**
 * A KNIME Server simulator in its own process on 127.0.0.1, for benchmarks that must not share an
 * event loop or CPU accounting with the client. It counts every request at the server (and the bytes of job lists) and serves
 * two control routes that are not counted: `GET /__bench/stats` (request counts and the engine's
 * counters) and `POST /__bench/reset` (zeroes the request counts).
 *
 * Usage: node --import tsx bench/lib/sim-process.ts WORKSPACE_DIR
 * Prints one JSON line `{"url": "...", "pid": N}` on stdout once it listens, and exits on SIGTERM.
 */
import { serveOnLoopback } from '../../src/simulator/common/transport.js';
import { createServerSimulator } from '../../src/simulator/index.js';
import { RequestCounter } from './counting.js';

const workspace = process.argv[2];
if (!workspace) {
  process.stderr.write('usage: sim-process.ts WORKSPACE_DIR\n');
  process.exit(2);
}

const simulator = await createServerSimulator({ workspace });
const counter = new RequestCounter();
/** Bytes of `GET {workflow}:jobs` responses, which grow with the number of the workflow's jobs. */
let listBytes = 0;
const server = await serveOnLoopback({
  async fetch(request: Request, env?: unknown) {
    const { pathname } = new URL(request.url);
    if (pathname === '/__bench/stats') {
      const stats = simulator.stats.toJSON();
      const executions = Object.values(stats.executionsByJob);
      return Response.json({
        requests: counter.snapshot(),
        listJobsResponseBytes: listBytes,
        jobsCreated: stats.jobsCreated,
        executionsStarted: stats.executionsStarted,
        executionsFinished: stats.executionsFinished,
        discards: stats.discards,
        maxConcurrentExecutions: stats.maxConcurrentExecutions,
        jobsExecutedMoreThanOnce: executions.filter((count) => count > 1).length,
        jobsLeft: simulator.engine.listJobs({}).length,
        cpuMicros: process.cpuUsage(),
      });
    }
    if (pathname === '/__bench/reset') {
      counter.reset();
      listBytes = 0;
      return Response.json({ ok: true });
    }
    const operation = counter.record(request.method, request.url);
    const response = await simulator.app.fetch(request, env);
    if (operation === 'list jobs') listBytes += (await response.clone().arrayBuffer()).byteLength;
    return response;
  },
});

const url = `${server.origin}${new URL(simulator.baseUrl).pathname}`;
process.stdout.write(`${JSON.stringify({ url, origin: server.origin, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
