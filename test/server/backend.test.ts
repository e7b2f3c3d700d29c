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

function setup(steps: ScriptStep[]) {
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
  });
  return { client, fetch, clock, logger };
}

const start = { description: NO_INPUTS };

describe('job creation (POST {wf}:jobs)', () => {
  it.each([
    [403, PermissionError],
    [404, NotFoundError],
    [500, ServerError],
  ])('stops after HTTP %i without further requests', async (status, errorClass) => {
    const { client, fetch } = setup([json({ jobs: [] }), text('refused', status)]);
    const error = await client.start(WF, {}, start).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect(fetch.calls).toEqual([`GET ${JOBS}`, `POST ${JOBS}`]);
  });

  it('rejects a 200 instead of 201', async () => {
    const { client, fetch } = setup([json({ jobs: [] }), json(job('IDLE'))]);
    await expect(client.start(WF, {}, start)).rejects.toThrow(/returned HTTP 200 instead of 201 Created/);
    expect(fetch.calls).toHaveLength(2);
  });

  it('takes the id from Location when the body has none', async () => {
    const { client } = setup([json({ jobs: [] }), created({ state: 'IDLE' }), json(job('EXECUTING'))]);
    const handle = await client.start(WF, {}, start);
    expect(handle.id).toBe(ID);
  });

  it('rejects a body id that differs from Location', async () => {
    const { client, fetch } = setup([json({ jobs: [] }), created(job('IDLE'), `${ROOT}/jobs/${OTHER}`)]);
    await expect(client.start(WF, {}, start)).rejects.toThrow(/in the body but .* in the Location header/);
    expect(fetch.calls).toHaveLength(2);
  });
});

describe('lost responses', () => {
  it('adopts the job a lost creation made, without a second POST', async () => {
    const { client, fetch, logger } = setup([
      json({ jobs: [job('EXECUTION_FINISHED', { id: OTHER })] }),
      connectionReset(),
      json({ jobs: [job('EXECUTION_FINISHED', { id: OTHER }), job('IDLE')] }),
      json(job('EXECUTING')),
    ]);
    const handle = await client.start(WF, {}, start);
    expect(handle.id).toBe(ID);
    expect(fetch.calls).toEqual([`GET ${JOBS}`, `POST ${JOBS}`, `GET ${JOBS}`, `POST ${JOB}?async=true`]);
    expect(logger.records.some((r) => r.message.includes('adopted the job'))).toBe(true);
  });

  it('sends the creation again when it did not land', async () => {
    const { client, fetch } = setup([
      json({ jobs: [] }),
      connectionReset(),
      json({ jobs: [] }),
      created(),
      json(job('EXECUTING')),
    ]);
    await client.start(WF, {}, start);
    expect(fetch.calls).toEqual([
      `GET ${JOBS}`,
      `POST ${JOBS}`,
      `GET ${JOBS}`,
      `POST ${JOBS}`,
      `POST ${JOB}?async=true`,
    ]);
  });

  it('refuses to guess between several new jobs', async () => {
    const { client, fetch } = setup([
      json({ jobs: [] }),
      connectionReset(),
      json({ jobs: [job('IDLE'), job('IDLE', { id: OTHER })] }),
    ]);
    const error = await client.start(WF, {}, start).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain(`2 new jobs of ${WF} appeared meanwhile (${ID}, ${OTHER})`);
    expect(fetch.calls).toHaveLength(3);
  });

  it('does not resend an execute that landed', async () => {
    const { client, fetch } = setup([
      json({ jobs: [] }),
      created(),
      connectionReset(),
      json(job('EXECUTING')),
    ]);
    await client.start(WF, {}, start);
    expect(fetch.calls).toEqual([`GET ${JOBS}`, `POST ${JOBS}`, `POST ${JOB}?async=true`, `GET ${JOB}`]);
  });

  it('resends an execute that did not land', async () => {
    const { client, fetch } = setup([
      json({ jobs: [] }),
      created(),
      connectionReset(),
      json(job('IDLE')),
      json(job('EXECUTING')),
    ]);
    await client.start(WF, {}, start);
    expect(fetch.calls).toEqual([
      `GET ${JOBS}`,
      `POST ${JOBS}`,
      `POST ${JOB}?async=true`,
      `GET ${JOB}`,
      `POST ${JOB}?async=true`,
    ]);
  });
});

describe('execution answers (HTTP 200 is not success)', () => {
  async function waitAfter(executeBody: unknown, polls: unknown[]) {
    const { client, fetch } = setup([
      json({ jobs: [] }),
      created(),
      json(executeBody),
      ...polls.map((body) => json(body)),
    ]);
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
    const { client } = setup([
      json({ jobs: [] }),
      created(),
      json(job('EXECUTING')),
      ...polls.map((p) => json(p)),
    ]);
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
    const { client } = setup([
      json({ jobs: [] }),
      created(),
      json(job('EXECUTING')),
      json({ id: ID, status: 'FINISHED' }),
    ]);
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
    const { client, fetch } = setup([json({ jobs: [] }), created(), json(job('EXECUTING'))]);
    await client.start(
      WF,
      {
        'line-count': { integer: 2 },
        'file-upload': blobInput(new Blob(['a,b\n']), { filename: 'data.csv' }),
      },
      { description },
    );
    const execute = fetch.requests[2]!;
    expect(execute.contentType).toMatch(/^multipart\/form-data; boundary=.+/);
    expect(execute.body).toContain('name="line-count-3"');
    expect(execute.body).toContain('Content-Type: application/json');
    expect(execute.body).toContain('{"integer":2}');
    expect(execute.body).toContain('name="file-upload"; filename="data.csv"');
  });

  it('sends {} when there are no inputs', async () => {
    const { client, fetch } = setup([json({ jobs: [] }), created(), json(job('EXECUTING'))]);
    await client.start(WF, {}, start);
    expect(fetch.requests[2]?.body).toBe('{}');
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
