/**
 * Child process of the crash test: runs or resumes a pipeline against a Server simulator that the
 * test process owns, printing events as NDJSON on stdout. `CRASH_AT` makes it kill itself with
 * SIGKILL at an exact point:
 * - `<event>:<step>`, such as `step-starting:transform`: right after the runner emitted that event
 *   (`step-starting` follows the recorded intent, `step-started` the recorded job id);
 * - `after-start-request:<workflow>`: after the server created a job, before the runner records it.
 *
 * Usage: crash-driver.ts run <pipeline> <ledger> <server-url> | resume <run-id> <ledger> <server-url>
 */

import type { KnimeClient } from '../../../src/job/api.js';
import { createClient } from '../../../src/job/client.js';
import type { PipelineEvent } from '../../../src/pipeline/events.js';
import { resumeRun, runPipeline } from '../../../src/pipeline/runner.js';

const [mode, target, ledgerPath, url] = process.argv.slice(2) as [string, string, string, string];
const crashAt = process.env.CRASH_AT ?? '';

function crash(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

const client = createClient({ url, validateUrl: false });

// A client whose start crashes the process once the server created the job.
const crashingClient: KnimeClient = new Proxy(client, {
  get(object, property) {
    if (property === 'start') {
      return async (...args: Parameters<KnimeClient['start']>) => {
        const handle = await object.start(...args);
        if (crashAt === `after-start-request:${args[0]}`) crash();
        return handle;
      };
    }
    // Methods run with the real client as `this`, because it keeps its state in private fields.
    const value = Reflect.get(object, property, object);
    return typeof value === 'function' ? value.bind(object) : value;
  },
});

const onEvent = (event: PipelineEvent) => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
  if ('step' in event && crashAt === `${event.type}:${event.step}`) crash();
};

const options = {
  ledgerPath,
  onEvent,
  connections: { sim: crashingClient },
  pollIntervalMs: 20,
  maxParallel: 4,
};

const result = mode === 'run' ? await runPipeline(target, options) : await resumeRun(target, options);
process.stdout.write(`${JSON.stringify({ type: 'result', outcome: result.outcome, runId: result.runId })}\n`);
