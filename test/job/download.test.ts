import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NetworkError, TimeoutError } from '../../src/errors/index.js';
import { fileInFolder, sanitizeFileName, writeResource } from '../../src/job/download.js';
import { blobInput } from '../../src/job/inputs.js';
import { simulatedServer } from '../library/simulator.js';
import { SteppingClock } from '../library/support.js';

const folder = () => mkdtemp(join(tmpdir(), 'knimectl-download-'));

function streamOf(chunks: string[], failAfter?: number): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      if (failAfter !== undefined && index === failAfter) {
        controller.error(new TypeError('terminated'));
        return;
      }
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(chunk));
    },
  });
}

describe('file names', () => {
  it.each([
    ['report.csv', 'report.csv'],
    ['../../etc/passwd', '___.._etc_passwd'],
    ['..', 'output'],
    ['.hidden', '_hidden'],
    ['a/b\\c:d', 'a_b_c_d'],
    ['', 'output'],
    ['line\nbreak', 'line_break'],
  ])('sanitises %j', (name, safe) => {
    expect(sanitizeFileName(name)).toBe(safe);
  });

  it('keeps every name inside the folder', () => {
    for (const name of ['../x', '/etc/passwd', '..\\..\\x', '....']) {
      expect(fileInFolder('/tmp/out', name).startsWith('/tmp/out/')).toBe(true);
    }
  });
});

describe('writeResource', () => {
  const resource = (body: ReadableStream<Uint8Array>, contentLength?: number) => ({
    body,
    contentLength,
    contentType: 'text/plain',
    filename: undefined,
    url: 'http://127.0.0.1/knime/rest/v4/jobs/j/output-resources/r',
  });

  it('writes the whole body and renames at the end', async () => {
    const dir = await folder();
    const bytes = await writeResource(resource(streamOf(['ab', 'cd']), 4), join(dir, 'r.txt'), {
      name: 'r',
      jobId: 'j',
    });
    expect(bytes).toBe(4);
    expect(await readdir(dir)).toEqual(['r.txt']);
  });

  it('fails on a body shorter than Content-Length and leaves no file', async () => {
    const dir = await folder();
    const error = await writeResource(resource(streamOf(['ab']), 10), join(dir, 'r.txt'), {
      name: 'r',
      jobId: 'j',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain(
      'is truncated: GET http://127.0.0.1/knime/rest/v4/jobs/j/output-resources/r sent 2 of 10 bytes',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails on a cut connection and leaves no file', async () => {
    const dir = await folder();
    const error = await writeResource(resource(streamOf(['ab', 'cd'], 1)), join(dir, 'r.txt'), {
      name: 'r',
      jobId: 'j',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/broke off after [0-2] bytes \(terminated\)/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('stalled downloads', () => {
  it('times out when no data arrives and leaves no file', async () => {
    const dir = await folder();
    const clock = new SteppingClock();
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode('abc'));
        }
        // Afterwards the stream never delivers again, like a stalled connection.
        return new Promise(() => {});
      },
    });
    const writing = writeResource(
      { body, contentLength: 10, contentType: undefined, filename: undefined, url: 'http://127.0.0.1/r' },
      join(dir, 'r.bin'),
      { name: 'r', jobId: 'j', clock, idleTimeoutMs: 30_000 },
    ).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    clock.manual.advance(30_000);
    const error = (await writing) as TimeoutError;

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(
      'download of output `r` of job j stalled: no data for 30000 ms after 3 bytes (GET http://127.0.0.1/r)',
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('downloads from the simulator', () => {
  it('downloads every output resource into a folder', async () => {
    const { client } = await simulatedServer();
    const handle = await client.start('/Examples/Files', {
      'file-upload': blobInput(new Blob(['x,y\n'], { type: 'text/csv' }), { filename: 'in.csv' }),
    });
    await handle.wait();
    const dir = await folder();
    const results = await handle.downloadOutputs(dir);

    expect(results.map((r) => [r.name, r.bytes])).toEqual([
      ['copy', 4],
      ['blob', 300_000],
    ]);
    for (const result of results) {
      expect(result.path.startsWith(dir)).toBe(true);
      expect((await stat(result.path)).size).toBe(result.bytes);
    }
    expect(await readFile(results[0]!.path, 'utf8')).toBe('x,y\n');
  });

  it('reports a cut download as truncated and keeps no partial file', async () => {
    const { client, simulator } = await simulatedServer();
    const handle = await client.start('/Examples/Files', {
      'file-upload': blobInput(new Blob(['x'.repeat(1000)]), { filename: 'in.bin' }),
    });
    await handle.wait();
    simulator.faults.configure({ rules: [{ path: '/output-resources/', truncateRate: 1 }] });
    const dir = await folder();
    const error = await handle.download('blob', join(dir, 'blob.bin')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/output `blob` of job [0-9a-f-]+ is truncated/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('runs with downloadDir and discards after the download', async () => {
    const { client, simulator } = await simulatedServer();
    const dir = await folder();
    const result = await client.run(
      '/Examples/Files',
      { 'file-upload': blobInput(new Blob(['1\n'])) },
      { downloadDir: dir },
    );
    expect(Object.keys(result.files).sort()).toEqual(['blob', 'copy']);
    expect(simulator.stats.discards).toBe(1);
  });
});
