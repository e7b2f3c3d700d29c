import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AlteryxCancelUnsupportedError,
  AlteryxInvalidInputError,
  AlteryxJobFailedError,
  CancelledError,
  NotFoundError,
  TimeoutError,
} from '../../src/alteryx/index.js';
import { defineAlteryxWorkflows } from '../../src/simulator/alteryx/index.js';
import { CLEANUP, INVENTORY, LEDGER, SALES, salesAnswers, setup } from './support.js';

describe('alteryx client: job flows', () => {
  it('runs an app to success and downloads its outputs', async () => {
    const { client, sim, calls } = setup();
    const job = await client.queueJob(SALES, { answers: salesAnswers, priority: 'High' });
    const result = await job.wait({ timeoutMs: 600_000 });

    expect(result.state).toBe('succeeded');
    expect(result.job.status).toBe('Completed');
    expect(result.job.disposition).toBe('Success');
    expect(result.outputs.map((output) => output.fileName)).toEqual([
      'sales_summary.csv',
      'sales_report.pdf',
    ]);
    expect(sim.stats.jobsQueued[SALES]).toBe(1);

    const queued = sim.control.jobs()[0];
    expect(queued?.questions).toEqual([
      { name: 'Region', value: 'AMER' },
      { name: 'StartDate', value: '2024-05-01' },
      { name: 'Channels', value: 'Retail,Online' },
    ]);
    expect(queued?.priority).toBe('High');

    expect(calls().slice(0, 4)).toEqual([
      `GET /webapi/v3/workflows/${SALES}`,
      `GET /webapi/v3/workflows/${SALES}/questions`,
      `GET /webapi/v3/workflows/${SALES}/jobs`,
      `POST /webapi/v3/workflows/${SALES}/jobs`,
    ]);
    expect(
      calls()
        .slice(4)
        .every((call) => call === `GET /webapi/v3/jobs/${job.id}`),
    ).toBe(true);

    const dir = await mkdtemp(join(tmpdir(), 'alteryx-out-'));
    try {
      const csv = result.outputs[0];
      if (!csv) throw new Error('no output');
      const saved = await client.saveOutput(job.id, csv, join(dir, 'summary.csv'));
      expect(saved.format).toBe('Csv');
      const bytes = await readFile(join(dir, 'summary.csv'));
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.subarray(3).toString('utf8')).toBe('region,revenue\nEMEA,1200.50\n');
      expect(saved.bytes).toBe(bytes.byteLength);
      expect(await readdir(dir)).toEqual(['summary.csv']);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('sends defaults for unanswered questions', async () => {
    const { client, sim } = setup();
    await client.queueJob(SALES, { answers: { StartDate: '2024-06-01' } });
    expect(sim.control.jobs()[0]?.questions).toEqual([
      { name: 'Region', value: 'EMEA' },
      { name: 'StartDate', value: '2024-06-01' },
      { name: 'Channels', value: 'Retail' },
    ]);
  });

  it('sends an empty questions array for a workflow without questions', async () => {
    const { client, sent } = setup();
    await client.queueJob(CLEANUP);
    const post = sent.find((request) => request.method === 'POST' && request.path.endsWith('/jobs'));
    expect(JSON.parse(post?.body ?? '')).toEqual({ questions: [] });
  });

  it('reports Completed with disposition Error as failed', async () => {
    const { client } = setup();
    const job = await client.queueJob(INVENTORY);
    const error = await job.wait().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AlteryxJobFailedError);
    const failed = error as AlteryxJobFailedError;
    expect(failed.state).toBe('Completed');
    expect(failed.outcome).toBe('Error');
    expect(failed.nodeMessages[0]?.messageType).toBe('ERROR');
    expect(failed.messages).toEqual([
      { status: 3, text: 'Input Data (1): file not found: inventory_2024_05.csv', toolId: 1 },
    ]);
    expect(failed.message).toContain('status Completed, disposition Error');
    expect(failed.message).toContain('file not found: inventory_2024_05.csv');
    expect(failed.jobId).toBe(job.id);
  });

  it('reports status Error as failed', async () => {
    const { client, sim } = setup();
    sim.control.setScenario(CLEANUP, 'error');
    const job = await client.queueJob(CLEANUP);
    await expect(job.wait()).rejects.toBeInstanceOf(AlteryxJobFailedError);
  });

  it('treats warnings as success unless asked otherwise', async () => {
    const { client } = setup();
    const job = await client.queueJob(LEDGER, {
      answers: { FiscalYear: 2024 },
      credentialId: 'cred-finance',
    });
    const result = await job.wait();
    expect(result.job.disposition).toBe('Warning');
    expect(result.warnings).toHaveLength(1);

    const strict = await client.queueJob(LEDGER, {
      answers: { FiscalYear: '2024' },
      credentialId: 'cred-finance',
    });
    await expect(strict.wait({ warningsAsErrors: true })).rejects.toBeInstanceOf(AlteryxJobFailedError);
  });

  it('reports a job cancelled by an administrator', async () => {
    const { client, sim } = setup();
    sim.control.setScenario(CLEANUP, 'cancelled-by-admin');
    const job = await client.queueJob(CLEANUP);
    const error = await job.wait().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).state).toBe('Cancelled');
  });

  it('reads failure messages from the admin route when the job has none', async () => {
    const { client, sent } = setup({}, {}, [
      {
        match: (request) => request.method === 'GET' && /\/v3\/jobs\/[0-9a-f]{24}$/.test(request.path),
        respond: async (_request, forward) => {
          const job = (await (await forward()).json()) as Record<string, unknown>;
          return Response.json({ ...job, messages: [] });
        },
      },
    ]);
    const job = await client.queueJob(INVENTORY);
    const error = (await job.wait().catch((e: unknown) => e)) as AlteryxJobFailedError;
    expect(error.messages[0]?.text).toBe('Input Data (1): file not found: inventory_2024_05.csv');
    expect(sent.some((request) => request.path.endsWith(`/v3/jobs/${job.id}/messages`))).toBe(true);
  });

  it('attaches to a job queued earlier', async () => {
    const { client } = setup();
    const first = await client.queueJob(CLEANUP);
    const attached = await client.attachJob(first.id);
    expect(attached.workflowId).toBe(CLEANUP);
    expect((await attached.wait()).state).toBe('succeeded');
  });

  it('finds jobs created since a time', async () => {
    const { client, manual } = setup();
    await client.queueJob(CLEANUP);
    manual.advance(60_000);
    const since = manual.now();
    const second = await client.queueJob(CLEANUP);
    const found = await client.findJobsCreatedSince(CLEANUP, since);
    expect(found.map((job) => job.id)).toEqual([second.id]);
  });
});

describe('alteryx client: question checks', () => {
  it('rejects missing required answers before queueing', async () => {
    const { client, sim } = setup();
    const error = await client.queueJob(SALES, { answers: { Region: 'EMEA' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlteryxInvalidInputError);
    expect((error as AlteryxInvalidInputError).missing).toEqual(['StartDate']);
    expect((error as AlteryxInvalidInputError).message).toContain('missing answers for StartDate');
    expect(sim.stats.queueRequests[SALES]).toBeUndefined();
  });

  it('names the closest question for an unknown name', async () => {
    const { client, sim } = setup();
    const error = (await client
      .queueJob(SALES, { answers: { ...salesAnswers, Regoin: 'EMEA' } })
      .catch((e: unknown) => e)) as AlteryxInvalidInputError;
    expect(error.unknown).toEqual([{ name: 'Regoin', suggestion: 'Region' }]);
    expect(error.message).toContain("did you mean 'Region'?");
    expect(sim.stats.queueRequests[SALES]).toBeUndefined();
  });

  it('rejects a list value that is not an item key', async () => {
    const { client } = setup();
    const error = (await client
      .queueJob(SALES, { answers: { ...salesAnswers, Region: 'Americas' } })
      .catch((e: unknown) => e)) as AlteryxInvalidInputError;
    expect(error).toBeInstanceOf(AlteryxInvalidInputError);
    expect(error.message).toContain("'Americas' is the label of key 'AMER'");
  });

  it('requires a credential when the workflow does', async () => {
    const { client } = setup();
    const error = (await client
      .queueJob(LEDGER, { answers: { FiscalYear: '2024' } })
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AlteryxInvalidInputError);
    expect(error.message).toContain('set credentialId');
  });

  it('passes a server 400 on with its modelState', async () => {
    const { client } = setup({ standardWorkflowJobs: '400' });
    const error = (await client.queueJob(CLEANUP).catch((e: unknown) => e)) as AlteryxInvalidInputError;
    expect(error).toBeInstanceOf(AlteryxInvalidInputError);
    expect(error.status).toBe(400);
    expect(error.modelState.workflowId?.[0]).toContain('Only app workflows');
  });

  it('warns about question types the API may not answer', async () => {
    const { client, logger } = setup({
      workflows: defineAlteryxWorkflows([
        {
          id: '0123456789abcdef01234567',
          name: 'Store Map',
          questions: [
            { name: 'Area', questionType: 'QuestionMap', value: 'POLYGON EMPTY' },
            { name: 'Label', questionType: 'QuestionTextBox', value: 'x' },
          ],
        },
      ]),
    });
    await client.queueJob('0123456789abcdef01234567');
    const warnings = logger.records.filter((record) => record.message.includes('may not be answerable'));
    expect(warnings.map((record) => record.fields?.question)).toEqual(['Area']);
  });

  it('finds a workflow by exact name', async () => {
    const { client } = setup();
    expect((await client.findWorkflow('monthly sales app')).id).toBe(SALES);
    const missing = await client.findWorkflow('Monthly Sales').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain("similar names: 'Monthly Sales App'");
  });
});

describe('alteryx client: deadlines, abort and cancel', () => {
  it('times out on the overall deadline', async () => {
    const { client, sim } = setup();
    sim.control.setScenario(CLEANUP, 'never-finishes');
    const job = await client.queueJob(CLEANUP);
    const error = (await job.wait({ timeoutMs: 120_000 }).catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('deadline');
    expect(error.limitMs).toBe(120_000);
    expect(error.lastState).toBe('Running');
    expect(error.message).toContain('after 120000 ms');
    expect(error.message).toContain('no cancel call');
  });

  it('times out on the queue timeout', async () => {
    const { client, sim } = setup();
    sim.control.setScenario(CLEANUP, 'stuck-queued');
    const job = await client.queueJob(CLEANUP, { workerTag: 'etl' });
    const error = (await job.wait({ queueTimeoutMs: 30_000 }).catch((e: unknown) => e)) as TimeoutError;
    expect(error.clock).toBe('load');
    expect(error.message).toContain('the queue timeout');
    expect(error.message).toContain("worker tag ('etl')");
  });

  it('times out on the run timeout', async () => {
    const { client, sim } = setup();
    sim.control.setScenario(CLEANUP, 'never-finishes');
    const job = await client.queueJob(CLEANUP);
    const error = (await job
      .wait({ runTimeoutMs: 45_000, timeoutMs: 3_600_000 })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error.clock).toBe('execution');
    expect(error.message).toContain('the run timeout');
    expect(error.limitMs).toBe(45_000);
  });

  it('stops polling on abort and leaves the job running', async () => {
    const { client, sim, manual } = setup();
    sim.control.setScenario(CLEANUP, 'never-finishes');
    const job = await client.queueJob(CLEANUP);
    const controller = new AbortController();
    manual.setTimer(manual.now() + 10_000, () => controller.abort(new Error('scheduler shutdown')));

    const error = await job.wait({ signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toContain('keeps running on the server');
    expect(sim.control.jobs()[0]?.status).toBe('Running');
  });

  it('polls with growing pauses up to the cap', async () => {
    const { client, sim, sent } = setup({ runMs: 120_000 });
    const job = await client.queueJob(CLEANUP);
    await job.wait({ poll: { initialMs: 1000, factor: 2, maxMs: 8000 } });
    const times = sent
      .filter((request) => request.path.endsWith(`/v3/jobs/${job.id}`))
      .map((request) => request.atMs);
    const pauses = times.slice(1).map((time, index) => time - (times[index] as number));
    expect(pauses.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(sim.stats.jobsQueued[CLEANUP]).toBe(1);
  });

  it('refuses to cancel without sending anything', async () => {
    const { client, calls, sim } = setup();
    const job = await client.queueJob(CLEANUP);
    const before = calls().length;
    const error = await job.cancel().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlteryxCancelUnsupportedError);
    expect((error as Error).message).toContain('has no cancel call');
    expect(calls().length).toBe(before);
    expect(sim.control.jobs()[0]?.status).toBe('Running');
  });

  it('reports a 405 from the optional cancel route', async () => {
    const { client } = setup({ cancelRoute: '405' }, { cancelRoute: true });
    const job = await client.queueJob(CLEANUP);
    const error = (await job.cancel().catch((e: unknown) => e)) as AlteryxCancelUnsupportedError;
    expect(error).toBeInstanceOf(AlteryxCancelUnsupportedError);
    expect(error.status).toBe(405);
  });

  it('cancels through the optional route when the server has it', async () => {
    const { client, sim } = setup({ cancelRoute: 'works' }, { cancelRoute: true });
    const job = await client.queueJob(CLEANUP);
    await job.cancel();
    expect(sim.control.jobs()[0]?.status).toBe('Cancelled');
    await job.cancel();
    await expect(job.wait()).rejects.toBeInstanceOf(CancelledError);
  });
});
