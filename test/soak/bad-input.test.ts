/**
 * Bad-input corpus: malformed pipeline files, bad inputs and options, garbage server bodies, wrong
 * content types and truncated downloads. Every case must end within its deadline with a typed error
 * whose message names the bad value (or the request), and the CLI cases with the documented exit
 * code and no stack trace.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKnimeError, type KnimeError } from '../../src/errors/index.js';
import { createClient } from '../../src/job/client.js';
import { fileInput } from '../../src/job/inputs.js';
import { PipelineFileError } from '../../src/pipeline/errors.js';
import { parsePipeline } from '../../src/pipeline/load.js';
import { type RunningServerSimulator, startServerSimulator } from '../../src/simulator/index.js';
import { spawnCli } from '../cli/helpers.js';
import { connectionEnv, demoWorkspace, testUser } from '../cli/support/simulator.js';
import { simulatedServer } from '../library/simulator.js';
import { SteppingClock } from '../library/support.js';
import { CLI_CASES } from './support/cli-cases.js';
import { GARBAGE_ANSWERS, garbageFetch } from './support/garbage.js';
import { BAD_PIPELINES } from './support/pipeline-cases.js';

/** Real-time limit of one library case; a hang fails the case instead of the whole file. */
const CASE_DEADLINE_MS = 10_000;
/** Real-time limit of one CLI process. */
const CLI_DEADLINE_MS = 30_000;
/** A V8 stack frame line, which must never reach a user. */
const STACK_FRAME = /\n\s+at \S.*:\d+:\d+/;

/** Settles `promise` within the case deadline; rejects with a clear message on a hang. */
async function withinDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not settle within ${CASE_DEADLINE_MS} ms`)),
      CASE_DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `action` and returns what it threw; fails when it returns. */
async function thrownBy(action: () => Promise<unknown>, what: string): Promise<Error> {
  try {
    const value = await withinDeadline(action(), what);
    throw new Error(`${what} returned ${JSON.stringify(value)?.slice(0, 200)} instead of failing`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(what)) throw error;
    return error as Error;
  }
}

describe('malformed pipeline files', () => {
  it('corpus has enough cases', () => {
    expect(BAD_PIPELINES.length).toBeGreaterThanOrEqual(35);
  });

  it.each(BAD_PIPELINES)('$name', ({ name, text, names }) => {
    const file = `/pipelines/${name}.yaml`;
    let error: unknown;
    try {
      parsePipeline(text, file);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(PipelineFileError);
    const message = (error as Error).message;
    expect(message).toContain(`${file}:`);
    expect(message).toMatch(names);
    expect(message).not.toMatch(STACK_FRAME);
  });
});

describe('garbage server bodies and wrong content types', () => {
  const operations = [
    'check URL',
    'describe workflow',
    'list jobs',
    'create job',
    'execute job',
    'read job',
  ] as const;
  const cases = operations.flatMap((operation) => GARBAGE_ANSWERS.map((answer) => ({ operation, answer })));
  /** JSON bodies that parse but are neither a job nor an OpenAPI document. */
  const parsesAsJson = new Set([
    'empty body with 200',
    'JSON array',
    'JSON null',
    'JSON object of wrong shape',
    'JSON without content type',
  ]);

  it.each(cases)('$operation answered with $answer.name', async ({ operation, answer }) => {
    const { simulator, manual } = await simulatedServer();
    if (operation === 'list jobs') {
      // The client reads the job list only to reconcile a lost creation answer.
      simulator.faults.configure({
        seed: 1,
        rules: [{ method: 'POST', path: ':jobs$', lostResponseRate: 1 }],
      });
    }
    const client = createClient({
      url: simulator.baseUrl,
      fetch: garbageFetch(simulator.fetch, operation, answer),
      clock: new SteppingClock(manual),
      retry: { random: () => 0.5 },
    });

    const error = await thrownBy(
      () => client.run('/Examples/Greeting', { name: 'Ada' }),
      `${operation} case`,
    );

    expect(isKnimeError(error), String(error)).toBe(true);
    expect(error.message).not.toMatch(STACK_FRAME);
    if (answer.status !== 200) {
      expect(error.message).toContain(String(answer.status));
      expect(error.message).toMatch(/(GET|POST) http:\/\/knime-server\.test\//);
    } else if (operation === 'execute job' && parsesAsJson.has(answer.name)) {
      // The execute request never reached the engine, so the job stays IDLE, which after an execute
      // request means the workflow was left unconfigured.
      expect((error as KnimeError).code).toBe('job-failed');
      expect(error.message).toMatch(/state IDLE/);
    } else {
      expect((error as KnimeError).code).toBe('protocol');
      expect(error.message).toMatch(/(GET|POST) http:\/\/knime-server\.test\/\S+/);
    }
  });

  it.each(GARBAGE_ANSWERS)('discard answered with $name keeps the result', async (answer) => {
    const { simulator, manual } = await simulatedServer();
    const client = createClient({
      url: simulator.baseUrl,
      fetch: garbageFetch(simulator.fetch, 'discard job', answer),
      clock: new SteppingClock(manual),
      retry: { random: () => 0.5 },
    });
    const result = await withinDeadline(client.run('/Examples/Greeting', { name: 'Ada' }), 'discard case');
    expect(result.outputs).toEqual({ greeting: 'Hello, Ada!' });
  });
});

describe('bad inputs and options of the library', () => {
  const cases: Array<{
    name: string;
    call: (client: ReturnType<typeof createClient>) => Promise<unknown>;
    code: string;
    names: RegExp;
  }> = [
    {
      name: 'unknown input name',
      call: (c) => c.run('/Examples/Greeting', { nmae: 'Ada' }),
      code: 'invalid-input',
      names: /nmae.*did you mean `name`/,
    },
    {
      name: 'input on a workflow without inputs',
      call: (c) => c.run('/Team A/Q1 Sales & Costs #2', { x: 1 }),
      code: 'invalid-input',
      names: /`x`/,
    },
    {
      name: 'input name shared by two nodes',
      call: (c) => c.run('/Examples/Duplicates', { 'line-count': { integer: 1 } }),
      code: 'invalid-input',
      names: /line-count/,
    },
    {
      name: 'missing required input',
      call: (c) => c.run('/Examples/Required', {}),
      code: 'invalid-input',
      names: /customers|400/,
    },
    {
      name: 'workflow not found',
      call: (c) => c.run('/Examples/Nope', {}),
      code: 'not-found',
      names: /\/Examples\/Nope/,
    },
    {
      name: 'workflow in a missing folder',
      call: (c) => c.run('/Nowhere/At/All', {}),
      code: 'not-found',
      names: /\/Nowhere\/At\/All/,
    },
    {
      name: 'job id not found',
      call: (c) => c.getJob('00000000-0000-4000-8000-000000000000').status(),
      code: 'not-found',
      names: /00000000-0000-4000-8000-000000000000/,
    },
    {
      name: 'file input that does not exist',
      call: async (c) =>
        c.run('/Examples/Files', { 'file-upload': await fileInput('/nonexistent/input.csv') }),
      code: 'invalid-input',
      names: /\/nonexistent\/input\.csv/,
    },
    {
      name: 'negative timeout',
      call: (c) => c.run('/Examples/Greeting', { name: 'Ada' }, { timeoutMs: -5 }),
      code: 'timeout',
      names: /-5 ms/,
    },
    {
      name: 'failed workflow',
      call: (c) => c.run('/Examples/Fail', {}),
      code: 'job-failed',
      names: /Column Filter 0:12|EXECUTION_FAILED/,
    },
    {
      name: 'load error',
      call: (c) => c.run('/Examples/LoadError', {}),
      code: 'job-failed',
      names: /LOAD_ERROR/,
    },
    {
      name: 'not executable',
      call: (c) => c.run('/Examples/NotExecutable', {}),
      code: 'job-failed',
      names: /NOT_EXECUTABLE/,
    },
    {
      name: 'interaction required',
      call: (c) => c.run('/Examples/Interactive', {}),
      code: 'job-failed',
      names: /INTERACTION_REQUIRED/,
    },
  ];

  it.each(cases)('$name', async ({ name, call, code, names }) => {
    const { client } = await simulatedServer();
    const error = await thrownBy(() => call(client), name);

    expect(isKnimeError(error), String(error)).toBe(true);
    expect((error as KnimeError).code).toBe(code);
    expect(error.message).toMatch(names);
    expect(error.message).not.toMatch(STACK_FRAME);
  });

  // A NaN deadline would mean no deadline, and a poll factor below 1 would shrink each poll delay
  // down to polling without pause, so both are rejected before the job is created.
  const knownGaps: typeof cases = [
    {
      name: 'deadline that is not a number',
      call: (c) => c.run('/Examples/Greeting', { name: 'Ada' }, { deadline: Number.NaN }),
      code: 'invalid-input',
      names: /deadline/,
    },
    {
      name: 'poll factor below one',
      call: (c) => c.run('/Examples/Greeting', { name: 'Ada' }, { poll: { factor: 0.5 } }),
      code: 'invalid-input',
      names: /factor/,
    },
  ];

  it.each(knownGaps)('$name', async ({ name, call, code, names }) => {
    const { client } = await simulatedServer();
    const error = await thrownBy(() => call(client), name);

    expect((error as KnimeError).code).toBe(code);
    expect(error.message).toMatch(names);
  });
});

describe('truncated downloads', () => {
  const truncate = { seed: 1, rules: [{ method: 'GET', path: '/output-resources/', truncateRate: 1 }] };

  it.each([
    ['download to a folder', 'folder'],
    ['download to a file', 'file'],
    ['download of every output', 'all'],
    ['run with a download folder', 'run'],
  ] as const)('%s leaves no file', async (_, mode) => {
    const { client, simulator } = await simulatedServer();
    const dir = mkdtempSync(join(tmpdir(), 'knimectl-soak-dl-'));
    const upload = join(dir, 'upload.csv');
    writeFileSync(upload, 'a,b\n1,2\n'.repeat(1000));
    const out = join(dir, 'out');

    const error = await thrownBy(async () => {
      const inputs = {
        'file-upload': await fileInput(upload, { contentType: 'text/csv' }),
        'line-count': { integer: 2 },
      };
      if (mode === 'run') {
        simulator.faults.configure(truncate);
        return client.run('/Examples/Files', inputs, { downloadDir: out });
      }
      const handle = await client.start('/Examples/Files', inputs);
      await handle.wait();
      simulator.faults.configure(truncate);
      if (mode === 'folder') return handle.download('blob', dir);
      if (mode === 'file') return handle.download('blob', join(dir, 'blob.bin'));
      return handle.downloadOutputs(out);
    }, mode);

    expect(isKnimeError(error), String(error)).toBe(true);
    expect((error as KnimeError).code).toBe('network');
    expect(error.message).toMatch(/truncated/);
    const left = [...readdirSync(dir), ...(existsSync(out) ? readdirSync(out) : [])];
    expect(left.filter((file) => file !== 'upload.csv' && file !== 'out')).toEqual([]);
  });
});

describe('bad command lines against a loopback simulator', () => {
  let simulator: RunningServerSimulator;
  let faulty: RunningServerSimulator;
  let garbage: Server;
  let garbageUrl: string;
  let dir: string;

  beforeAll(async () => {
    simulator = await startServerSimulator({ workspace: demoWorkspace, port: 0, users: [testUser] });
    faulty = await startServerSimulator({
      workspace: demoWorkspace,
      port: 0,
      users: [testUser],
      timeScale: 20,
      faults: { seed: 1, rules: [{ method: 'GET', path: '/output-resources/', truncateRate: 1 }] },
    });
    garbage = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/knime`;
    dir = mkdtempSync(join(tmpdir(), 'knimectl-soak-cli-'));
    writeFileSync(join(dir, 'data.csv'), 'a,b\n1,2\n'.repeat(2000));
  });

  afterAll(async () => {
    await simulator?.close();
    await faulty?.close();
    await new Promise((resolve) => garbage?.close(resolve));
  });

  /** Spawns the CLI with the connection of `url` and kills it after the deadline. */
  async function runBounded(args: string[], url: string, extraEnv: Record<string, string | null> = {}) {
    const origin = new URL(url).origin;
    const expanded = args.map((arg) => arg.replaceAll('{dir}', dir).replaceAll('{origin}', origin));
    const env: Record<string, string | undefined> = { ...connectionEnv(url) };
    for (const [key, value] of Object.entries(extraEnv)) env[key] = value ?? undefined;
    const spawned = spawnCli(expanded, { env });
    const timer = setTimeout(() => spawned.child.kill('SIGKILL'), CLI_DEADLINE_MS);
    try {
      return await spawned.done;
    } finally {
      clearTimeout(timer);
    }
  }

  it('corpus has enough cases', () => {
    expect(CLI_CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.concurrent.each(CLI_CASES)('$name', { timeout: CLI_DEADLINE_MS + 5_000 }, async (entry) => {
    const result = await runBounded(entry.args, simulator.url, entry.env);

    expect(result.signal, 'the CLI hung and was killed').toBeNull();
    expect(result.code, result.stderr).toBe(entry.exitCode);
    expect(result.stderr).toMatch(entry.names);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('server answering HTML pages exits 7', { timeout: CLI_DEADLINE_MS + 5_000 }, async () => {
    const result = await runBounded(['run', '/Demo/Hello World', '--input', 'name="Ada"'], garbageUrl);

    expect(result.signal).toBeNull();
    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).toContain(garbageUrl);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('truncated output download exits 7 and leaves no file', {
    timeout: CLI_DEADLINE_MS + 5_000,
  }, async () => {
    const out = join(dir, 'truncated-out');
    const result = await runBounded(
      ['run', '/Demo/File Convert', '--file', `file-upload=@${join(dir, 'data.csv')}`, '--output-dir', out],
      faulty.url,
    );

    expect(result.signal).toBeNull();
    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).toMatch(/truncated/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
