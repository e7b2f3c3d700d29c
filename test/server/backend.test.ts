import { describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  JobFailedError,
  NetworkError,
  NotFoundError,
  PermissionError,
  ProtocolError,
  ServerError,
  TimeoutError,
} from '../../src/errors/index.js';
import { createClient } from '../../src/job/client.js';
import { blobInput } from '../../src/job/inputs.js';
import type { WorkflowDescription } from '../../src/job/types.js';
import { parseJob, parseTimestamp } from '../../src/server/parse.js';
import {
  connectionReset,
  json,
  memoryLogger,
  ROOT,
  type ScriptStep,
  SteppingClock,
  scriptedFetch,
  text,
} from '../library/support.js';

const ID = '5b0e2c1a-3f4d-4c55-9a61-0f1d2e3c4b5a';
const OTHER = '0d6c5e7f-1111-4a2b-8c3d-222233334444';
const WF = '/Examples/Scoring';
const JOBS = `${ROOT}/repository/Examples/Scoring:jobs`;
const JOB = `${ROOT}/jobs/${ID}`;

const NO_INPUTS: WorkflowDescription = {
  workflow: WF,
  inputs: [],
  outputs: [],
  inputResources: [],
  outputResources: [],
};

function job(state: string, extra: Record<string, unknown> = {}) {
  return { id: ID, workflow: WF, state, nodeMessages: [], ...extra };
}

function created(body: unknown = job('IDLE'), location = JOB): Response {
  return new Response(JSON.stringify(body), {
    status: 201,
    headers: { location, 'content-type': 'application/vnd.mason+json' },
  });
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function setup(steps: ScriptStep[], extra: Partial<Parameters<typeof createClient>[0]> = {}) {
  const fetch = scriptedFetch(steps);
  const clock = new SteppingClock();
  const logger = memoryLogger();
  const client = createClient({
    url: 'http://127.0.0.1:8080/knime',
    fetch,
    clock,
    logger,
    validateUrl: false,
    retry: { random: () => 0.5 },
    ...extra,
  });
  return { client, fetch, clock, logger };
}

const start = { description: NO_INPUTS };

describe('job creation (POST {wf}:jobs)', () => {
  it('sends no request before the creation', async () => {
    const { client, fetch } = setup([created(), json(job('EXECUTING'))]);
    await client.start(WF, {}, start);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `POST ${JOB}?async=true`]);
  });

  it.each([
    [403, PermissionError],
    [404, NotFoundError],
  ])('stops after HTTP %i without further requests', async (status, errorClass) => {
    const { client, fetch } = setup([text('refused', status)]);
    const error = await client.start(WF, {}, start).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect(fetch.calls).toEqual([`POST ${JOBS}`]);
  });

  it('rejects a 200 instead of 201', async () => {
    const { client, fetch } = setup([json(job('IDLE'))]);
    await expect(client.start(WF, {}, start)).rejects.toThrow(/returned HTTP 200 instead of 201 Created/);
    expect(fetch.calls).toHaveLength(1);
  });

  it('takes the id from Location when the body has none', async () => {
    const { client } = setup([created({ state: 'IDLE' }), json(job('EXECUTING'))]);
    const handle = await client.start(WF, {}, start);
    expect(handle.id).toBe(ID);
  });

  it('rejects a body id that differs from Location', async () => {
    const { client, fetch } = setup([created(job('IDLE'), `${ROOT}/jobs/${OTHER}`)]);
    await expect(client.start(WF, {}, start)).rejects.toThrow(/in the body but .* in the Location header/);
    expect(fetch.calls).toHaveLength(1);
  });

  it('rejects a negative clock skew tolerance', () => {
    expect(() => setup([], { server: { clockSkewToleranceMs: -1 } })).toThrow(/clockSkewToleranceMs is -1/);
  });
});

describe('lost responses', () => {
  it('adopts the job a lost creation made, without a second POST', async () => {
    const { client, fetch, logger } = setup([
      connectionReset(),
      json({ jobs: [job('EXECUTION_FINISHED', { id: OTHER }), job('IDLE')] }),
      json(job('EXECUTING')),
    ]);
    const handle = await client.start(WF, {}, start);
    expect(handle.id).toBe(ID);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `GET ${JOBS}`, `POST ${JOB}?async=true`]);
    expect(logger.records.some((r) => r.message.includes('adopted an unexecuted job'))).toBe(true);
  });

  it('sends the creation again when it did not land', async () => {
    const { client, fetch } = setup([
      connectionReset(),
      json({ jobs: [] }),
      created(),
      json(job('EXECUTING')),
    ]);
    await client.start(WF, {}, start);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `GET ${JOBS}`, `POST ${JOBS}`, `POST ${JOB}?async=true`]);
  });

  it.each([500, 502, 503, 504])('adopts the job after HTTP %i on creation', async (status) => {
    const { client, fetch } = setup([
      text('Internal error', status),
      json({ jobs: [job('IDLE')] }),
      json(job('EXECUTING')),
    ]);
    const handle = await client.start(WF, {}, start);
    expect(handle.id).toBe(ID);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `GET ${JOBS}`, `POST ${JOB}?async=true`]);
  });

  it('resends after HTTP 500 only when no job was created', async () => {
    const { client, fetch } = setup([
      text('Internal error', 500),
      json({ jobs: [] }),
      created(),
      json(job('EXECUTING')),
    ]);
    const handle = await client.start(WF, {}, start);
    expect(handle.id).toBe(ID);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `GET ${JOBS}`, `POST ${JOBS}`, `POST ${JOB}?async=true`]);
  });

  it('gives up with the HTTP 500 after the attempts run out', async () => {
    const steps: ScriptStep[] = [];
    for (let attempt = 0; attempt < 2; attempt += 1)
      steps.push(text('Internal error', 500), json({ jobs: [] }));
    const { client, fetch } = setup(steps, { server: { maxUnlandedAttempts: 2 } });
    const error = await client.start(WF, {}, start).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(500);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `GET ${JOBS}`, `POST ${JOBS}`, `GET ${JOBS}`]);
  });

  it('skips executed, foreign and old jobs', async () => {
    const { client, fetch, clock } = setup(
      [
        connectionReset(),
        (): Response =>
          json({
            jobs: [
              job('EXECUTING', { id: 'executing', startedExecutionAt: iso(clock.now()) }),
              job('IDLE', { id: 'foreign', owner: 'bob' }),
              job('IDLE', { id: 'old', owner: 'alice', createdAt: iso(clock.now() - 6 * 60_000) }),
            ],
          }),
        created(),
        json(job('EXECUTING')),
      ],
      { auth: { type: 'basic', username: 'alice', password: 'secret' } },
    );
    const handle = await client.start(WF, {}, start);
    expect(handle.id).toBe(ID);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `GET ${JOBS}`, `POST ${JOBS}`, `POST ${JOB}?async=true`]);
  });

  it('adopts a job created within the clock skew tolerance', async () => {
    const { client, clock } = setup(
      [
        connectionReset(),
        (): Response => json({ jobs: [job('IDLE', { createdAt: iso(clock.now() - 60_000) })] }),
        json(job('EXECUTING')),
      ],
      { server: { clockSkewToleranceMs: 120_000 } },
    );
    const handle = await client.start(WF, {}, start);
    expect(handle.id).toBe(ID);
  });

  it('adopts the oldest of several fresh jobs', async () => {
    const { client, fetch, clock } = setup([
      connectionReset(),
      (): Response =>
        json({
          jobs: [
            job('IDLE', { id: OTHER, createdAt: iso(clock.now() + 2000) }),
            job('IDLE', { createdAt: iso(clock.now() + 1000) }),
          ],
        }),
      json(job('EXECUTING')),
    ]);
    const handle = await client.start(WF, {}, start);
    expect(handle.id).toBe(ID);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `GET ${JOBS}`, `POST ${JOB}?async=true`]);
  });

  it('gives a parallel creation the job a lost creation left behind', async () => {
    let openGate = (): void => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const both = [job('IDLE'), job('IDLE', { id: OTHER })];
    const { client, fetch } = setup([
      connectionReset(),
      async (): Promise<Response> => {
        await gate;
        return created();
      },
      json({ jobs: both }),
      (): Response => {
        openGate();
        return json(job('EXECUTING'));
      },
      json({ jobs: both }),
      json(job('EXECUTING', { id: OTHER })),
    ]);
    const [first, second] = await Promise.all([client.start(WF, {}, start), client.start(WF, {}, start)]);
    expect(first.id).toBe(ID);
    expect(second.id).toBe(OTHER);
    expect(fetch.calls).toEqual([
      `POST ${JOBS}`,
      `POST ${JOBS}`,
      `GET ${JOBS}`,
      `POST ${JOB}?async=true`,
      `GET ${JOBS}`,
      `POST ${ROOT}/jobs/${OTHER}?async=true`,
    ]);
  });

  it('does not resend an execute that landed', async () => {
    const { client, fetch } = setup([created(), connectionReset(), json(job('EXECUTING'))]);
    await client.start(WF, {}, start);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `POST ${JOB}?async=true`, `GET ${JOB}`]);
  });

  it('resends an execute that did not land', async () => {
    const { client, fetch } = setup([
      created(),
      connectionReset(),
      json(job('IDLE')),
      json(job('EXECUTING')),
    ]);
    await client.start(WF, {}, start);
    expect(fetch.calls).toEqual([
      `POST ${JOBS}`,
      `POST ${JOB}?async=true`,
      `GET ${JOB}`,
      `POST ${JOB}?async=true`,
    ]);
  });

  it('reconciles an execute answered with HTTP 500', async () => {
    const { client, fetch } = setup([created(), text('Internal error', 500), json(job('EXECUTING'))]);
    await client.start(WF, {}, start);
    expect(fetch.calls).toEqual([`POST ${JOBS}`, `POST ${JOB}?async=true`, `GET ${JOB}`]);
  });
});

describe('execution answers (HTTP 200 is not success)', () => {
  async function waitAfter(executeBody: unknown, polls: unknown[]) {
    const { client, fetch } = setup([created(), json(executeBody), ...polls.map((body) => json(body))]);
    const handle = await client.start(WF, {}, start);
    const result = await handle.wait({ noProgressTimeoutMs: 10_000 }).catch((e: unknown) => e);
    return { result, fetch };
  }

  it('returns on EXECUTION_FINISHED', async () => {
    const { result } = await waitAfter(job('EXECUTION_FINISHED'), [job('EXECUTION_FINISHED')]);
    expect((result as { outcome: string }).outcome).toBe('succeeded');
  });

  it('fails on EXECUTION_FAILED with node messages', async () => {
    const failed = job('EXECUTION_FAILED', {
      nodeMessages: [
        { node: 'Row Filter 0:4', messageType: 'WARNING', message: 'no rows' },
        { node: 'Column Filter 0:12', messageType: 'ERROR', message: 'Execute failed' },
      ],
    });
    const { result } = await waitAfter(failed, [failed]);
    expect(result).toBeInstanceOf(JobFailedError);
    expect((result as JobFailedError).nodeMessages).toEqual([
      { node: 'Column Filter 0:12', messageType: 'ERROR', message: 'Execute failed' },
    ]);
  });

  it('keeps waiting on EXECUTING', async () => {
    const { result, fetch } = await waitAfter(job('EXECUTING'), [
      job('EXECUTING'),
      job('EXECUTION_FINISHED'),
    ]);
    expect((result as { state: string }).state).toBe('EXECUTION_FINISHED');
    expect(fetch.calls.filter((call) => call === `GET ${JOB}`)).toHaveLength(2);
  });

  it('fails on NOT_EXECUTABLE without retrying', async () => {
    const { result, fetch } = await waitAfter(job('NOT_EXECUTABLE'), [job('NOT_EXECUTABLE')]);
    expect((result as JobFailedError).state).toBe('NOT_EXECUTABLE');
    expect(fetch.calls.filter((call) => call.startsWith('POST'))).toHaveLength(2);
  });

  it('fails on IDLE after the execute request', async () => {
    const { result } = await waitAfter(job('EXECUTING'), [job('IDLE')]);
    expect(result).toBeInstanceOf(JobFailedError);
    expect((result as JobFailedError).state).toBe('IDLE');
  });

  it('reports an unknown state and stops at the no-progress timeout', async () => {
    const polls = Array.from({ length: 40 }, () => job('FROBNICATING'));
    const labels: string[] = [];
    const { client } = setup([created(), json(job('EXECUTING')), ...polls.map((p) => json(p))]);
    const handle = await client.start(WF, {}, start);
    const error = (await handle
      .wait({ noProgressTimeoutMs: 10_000, cancelOnAbort: false, onStateChange: (s) => labels.push(s.label) })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(labels).toEqual(['running', 'unknown(FROBNICATING)']);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('no-progress');
    expect(error.message).toContain('(last state unknown(FROBNICATING))');
  });

  it('names the missing state field', async () => {
    const { client } = setup([created(), json(job('EXECUTING')), json({ id: ID, status: 'FINISHED' })]);
    const handle = await client.start(WF, {}, start);
    const error = await handle.wait({ maxPollFailures: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toBe(
      `GET ${JOB} returned job ${ID} without the field "state" (it has "status", which KNIME Server does not use)`,
    );
  });
});

describe('cancel', () => {
  it('polls until the job stops', async () => {
    const { client, fetch } = setup([
      json(job('EXECUTING')),
      new Response(null, { status: 204 }),
      json(job('EXECUTING')),
      json(job('EXECUTION_CANCELLED')),
    ]);
    const status = await client.getJob(ID).cancel();
    expect(status.outcome).toBe('cancelled');
    expect(fetch.calls).toEqual([`GET ${JOB}`, `DELETE ${JOB}/execution`, `GET ${JOB}`, `GET ${JOB}`]);
  });

  it('reports a job that keeps running after the cancel', async () => {
    const polls = Array.from({ length: 30 }, () => json(job('EXECUTING')));
    const { client, logger, clock } = setup([
      json(job('EXECUTING')),
      new Response(null, { status: 204 }),
      ...polls,
    ]);
    const started = clock.now();
    const status = await client.getJob(ID).cancel({ waitMs: 10_000 });
    expect(status.state).toBe('EXECUTING');
    expect(clock.now() - started).toBe(10_000);
    expect(logger.records.some((r) => r.message === 'cancel requested, but the job is still running')).toBe(
      true,
    );
  });

  it('reports a server without a cancel endpoint', async () => {
    const { client } = setup([json(job('EXECUTING')), text('no such route', 404), json(job('EXECUTING'))]);
    await expect(client.getJob(ID).cancel()).rejects.toThrow(
      /offers no cancel endpoint at \/execution; discard job/,
    );
  });
});

describe('request bodies', () => {
  it('sends multipart with a generated boundary and JSON parts', async () => {
    const description: WorkflowDescription = {
      ...NO_INPUTS,
      inputs: [
        {
          name: 'line-count-3',
          shortName: 'line-count',
          description: '',
          required: false,
          schema: {},
          example: null,
        },
      ],
      inputResources: [
        { name: 'file-upload', shortName: 'file-upload', contentType: 'text/csv', description: '' },
      ],
    };
    const { client, fetch } = setup([created(), json(job('EXECUTING'))]);
    await client.start(
      WF,
      {
        'line-count': { integer: 2 },
        'file-upload': blobInput(new Blob(['a,b\n']), { filename: 'data.csv' }),
      },
      { description },
    );
    const execute = fetch.requests[1]!;
    expect(execute.contentType).toMatch(/^multipart\/form-data; boundary=.+/);
    expect(execute.body).toContain('name="line-count-3"');
    expect(execute.body).toContain('Content-Type: application/json');
    expect(execute.body).toContain('{"integer":2}');
    expect(execute.body).toContain('name="file-upload"; filename="data.csv"');
  });

  it('sends {} when there are no inputs', async () => {
    const { client, fetch } = setup([created(), json(job('EXECUTING'))]);
    await client.start(WF, {}, start);
    expect(fetch.requests[1]?.body).toBe('{}');
  });
});

describe('validation of the server URL', () => {
  it('explains an HTML 404 from a wrong context root', async () => {
    const page = '<html><head><title>HTTP Status 404 – Not Found</title></head><body></body></html>';
    const fetch = scriptedFetch([text(page, 404, 'text/html')]);
    const client = createClient({ url: 'http://127.0.0.1:8080/wrong', fetch, clock: new SteppingClock() });
    const error = await client.listWorkflows().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(
      /^http:\/\/127\.0\.0\.1:8080\/wrong\/rest\/v4 did not answer like a KNIME Server REST API \(GET .* returned HTTP 404: HTML page: HTTP Status 404/,
    );
  });

  it('rejects JSON that is no repository item', async () => {
    const fetch = scriptedFetch([json({ hello: 'world' })]);
    const client = createClient({ url: 'http://127.0.0.1:8080/knime', fetch, clock: new SteppingClock() });
    await expect(client.validate()).rejects.toThrow(/JSON without a repository item/);
  });
});

describe('one-shot execution', () => {
  const oneShot = { description: NO_INPUTS, expectOutputs: false } as const;

  it('reports HTTP 504 as a timeout on the execution clock', async () => {
    const { client, fetch } = setup([text('Gateway Timeout', 504)]);
    const error = (await client
      .execute(WF, {}, { ...oneShot, timeoutMs: 1000 })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('execution');
    expect(error.message).toContain('server-side timeout of 1000 ms ran out');
    expect(fetch.calls).toEqual([
      `POST ${ROOT}/repository/Examples/Scoring:execution?timeout=1000&reset=true`,
    ]);
  });

  it('never repeats a one-shot call whose response was lost', async () => {
    const { client, fetch } = setup([connectionReset()]);
    const error = await client.execute(WF, {}, { ...oneShot, mode: 'job-pool' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('lost its response; the workflow may or may not have run');
    expect(fetch.calls).toHaveLength(1);
  });

  it('accepts an answer with only outputValues', async () => {
    const { client } = setup([json({ outputValues: { score: 1 } })]);
    const result = await client.execute(WF, {}, { ...oneShot, expectOutputs: ['score'] });
    expect(result.outputs).toEqual({ score: 1 });
  });

  it('fails on a failed workflow despite HTTP 200', async () => {
    const { client } = setup([json(job('EXECUTION_FAILED', { outputValues: { score: 0 } }))]);
    await expect(client.execute(WF, {}, oneShot)).rejects.toBeInstanceOf(JobFailedError);
  });

  it('reports a validation error of the server as invalid input', async () => {
    const { client } = setup([
      json(
        { '@error': { '@message': 'Parameter name "x" doesn\'t match any node in the workflow' } },
        { status: 400 },
      ),
    ]);
    const error = await client.execute(WF, {}, oneShot).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain("doesn't match any node");
  });

  it('does not retry a 503 of a one-shot call', async () => {
    const { client, fetch } = setup([text('busy', 503)]);
    await expect(client.execute(WF, {}, oneShot)).rejects.toBeInstanceOf(ServerError);
    expect(fetch.calls).toHaveLength(1);
  });
});

describe('job parsing', () => {
  it.each([
    ['2024-05-02T10:15:03.114Z', Date.UTC(2024, 4, 2, 10, 15, 3, 114)],
    [1714644903114, 1714644903114],
    [1714644903.114, 1714644903114],
    ['2025-07-01T10:00:00.123+02:00[Europe/Berlin]', Date.UTC(2025, 6, 1, 8, 0, 0, 123)],
    ['yesterday', undefined],
  ])('reads the timestamp %j', (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });

  it('ignores unknown fields and keeps them in raw', () => {
    const snapshot = parseJob({ ...job('IDLE'), futureField: 1 }, { method: 'GET', url: JOB });
    expect(snapshot.raw.futureField).toBe(1);
    expect(snapshot.state).toBe('IDLE');
  });
});

describe('workflow description (GET {wf}:openapi)', () => {
  const OPENAPI = `${ROOT}/repository/Examples/Scoring:openapi`;

  it.each([
    ['an empty object', {}, /a JSON object without "openapi", "components" or "paths" \(keys: none\)/],
    ['an object of another shape', { weird: true }, /\(keys: weird\)/],
    ['a JSON array', [1, 2], /a JSON array/],
    ['JSON null', null, /an empty body/],
  ])('rejects %s as a protocol error', async (_, body, names) => {
    const { client } = setup([json(body)]);
    const error = await client.describeWorkflow(WF).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain(`GET ${OPENAPI} returned`);
    expect((error as Error).message).toMatch(names);
  });

  it('reads a document without inputs as no inputs', async () => {
    const { client } = setup([json({ openapi: '3.0.1', paths: {}, components: { schemas: {} } })]);
    const description = await client.describeWorkflow(WF);
    expect(description.inputs).toEqual([]);
  });
});
