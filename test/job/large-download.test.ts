/**
 * A large output resource is written to disk completely while the process memory stays flat: the
 * download streams from the response body into the file without buffering the resource.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/job/client.js';
import { simulatedServer, WORKFLOWS } from '../library/simulator.js';
import { SteppingClock } from '../library/support.js';

/** Size of the generated output resource: large against the memory bound, small enough to stay fast. */
const RESOURCE_BYTES = 64 * 1024 * 1024;
/** Allowed growth of the resident set while the download runs; a buffered download exceeds it. */
const MAX_RSS_GROWTH_BYTES = RESOURCE_BYTES / 4;
/** Chunks between two forced garbage collections while sampling (64 KiB chunks, so every 1 MiB). */
const CHUNKS_PER_COLLECTION = 16;

/**
 * Forces a full garbage collection. Without it, V8 lets released chunks pile up before it collects
 * them (about 25 MiB with Node 20 on a 2-core machine), which measures V8's policy instead of what
 * the download keeps.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('large output download', () => {
  it('writes 64 MiB with flat memory', { timeout: 60_000 }, async () => {
    const { simulator, manual } = await simulatedServer({
      workflows: {
        ...WORKFLOWS,
        '/Examples/Big': {
          outputResources: [{ shortName: 'big', nodeIdPath: '5' }],
          simulation: {
            outputResources: { big: { contentType: 'application/octet-stream', bytes: RESOURCE_BYTES } },
          },
        },
      },
    });

    let peakRss = 0;
    let chunks = 0;
    const sampleRss = () => {
      chunks += 1;
      if (chunks % CHUNKS_PER_COLLECTION !== 0) return;
      collectGarbage();
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    };
    const sampledFetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const response = await simulator.fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (!url.includes('/output-resources/') || response.body === null) return response;
      const sampled = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            sampleRss();
            controller.enqueue(chunk);
          },
        }),
      );
      return new Response(sampled, { status: response.status, headers: response.headers });
    }) as typeof fetch;
    const client = createClient({
      url: simulator.baseUrl,
      fetch: sampledFetch,
      clock: new SteppingClock(manual),
      retry: { random: () => 0.5 },
    });
    const handle = await client.start('/Examples/Big', {});
    await handle.wait();
    const dir = await mkdtemp(join(tmpdir(), 'knimectl-large-'));
    dirs.push(dir);

    collectGarbage();
    const rssBefore = process.memoryUsage().rss;
    peakRss = rssBefore;
    const result = await handle.download('big', join(dir, 'big.bin'));

    expect(result.bytes).toBe(RESOURCE_BYTES);
    expect((await stat(join(dir, 'big.bin'))).size).toBe(RESOURCE_BYTES);
    expect(chunks).toBeGreaterThanOrEqual(RESOURCE_BYTES / (64 * 1024));
    expect(peakRss - rssBefore).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  });
});
