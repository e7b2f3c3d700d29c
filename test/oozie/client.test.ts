import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CancelledError,
  InvalidInputError,
  NotFoundError,
  TimeoutError,
} from '../../src/errors/index.js';
import {
  OozieClient,
  OozieJobFailedError,
  OozieJobSuspendedError,
  OozieNegotiateRequiredError,
  OozieSafeModeError,
  OozieSubmitUnconfirmedError,
  oozieDetailOf,
} from '../../src/oozie/index.js';
import {
  createOozieSimulator,
  IN_PROCESS_OOZIE_URL,
  startOozieSimulator,
} from '../../src/simulator/oozie/index.js';
import { APP, setup } from './helpers.js';

function resumeJob(sim: ReturnType<typeof setup>['sim'], id: string): void {
  const job = sim.store.jobs.get(id);
  if (job?.kind === 'workflow') job.resume();
}

describe('oozie client: happy path', () => {
  it('submit and wait returns outputs and properties', async () => {
    const { client, sim } = setup();
    const submitted = await client.submitWorkflow({
      appPath: APP('daily-load'),
      properties: { runDate: '2024-05-01', queueName: 'default' },
      externalId: 'knimectl:daily:2024-05-01:1',
    });
    expect(submitted.adopted).toBe(false);

    const job = await client.waitForJob(submitted.id, { submittedAt: submitted.submittedAt });
    expect(job.status).toBe('SUCCEEDED');
    expect(job.outputs.extract).toEqual({ rows: '1200' });
    expect(job.outputs.publish).toEqual({ published: 'true' });
    expect(job.properties.runDate).toBe('2024-05-01');
    expect(job.properties['oozie.wf.external.id']).toBe('knimectl:daily:2024-05-01:1');
    expect(job.externalId).toBe('knimectl:daily:2024-05-01:1');
    expect(job.startedAt).toBe(Date.UTC(2024, 4, 1, 8, 31, 2));
    expect(job.endedAt).toBe(Date.UTC(2024, 4, 1, 8, 32, 12));
    expect(sim.stats.submissions).toBe(1);
  });

  it('request sequence is lookup, submit, then reads', async () => {
    const { client, sequence, requests } = setup();
    const submitted = await client.submitWorkflow({ appPath: APP('quick'), externalId: 'seq-1' });
    await client.waitForJob(submitted.id);
    const calls = sequence();
    expect(calls.slice(0, 2)).toEqual(['GET /v2/jobs', 'POST /v2/jobs']);
    expect(calls.slice(2).every((c) => c === 'GET /v2/job/{id}')).toBe(true);
    expect(requests[0]?.query).toEqual({ jobtype: 'wf', 'external-id': 'seq-1', 'user.name': 'etl' });
    expect(requests[1]?.query).toEqual({ action: 'start', 'user.name': 'etl' });
  });

  it('polling backs off while nothing changes', async () => {
    const { client, clock } = setup(
      { applications: { [APP('slow')]: { actions: [{ name: 'long', durationMs: 600_000 }] } } },
      {},
    );
    const { id } = await client.submitWorkflow({ appPath: APP('slow') });
    await client.waitForJob(id, { minPollMs: 1_000, maxPollMs: 30_000 });
    expect(clock.slept[0]).toBe(1_000);
    expect(clock.slept[1]).toBe(1_500);
    expect(Math.max(...clock.slept)).toBe(30_000);
    expect(clock.slept.length).toBeLessThan(40);
  });

  it('property values with markup survive the round trip', async () => {
    const { client } = setup();
    const tricky = `a<b>&"c"'d' ]]> </configuration>`;
    const { id } = await client.submitWorkflow({ appPath: APP('quick'), properties: { tricky } });
    const job = await client.getJob(id);
    expect(job.properties.tricky).toBe(tricky);
  });
});

describe('oozie client: failures', () => {
  it('failing action ends KILLED with its error', async () => {
    const { client } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('failing-load') });
    const error = await client.waitForJob(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OozieJobFailedError);
    const failed = error as OozieJobFailedError;
    expect(failed.state).toBe('KILLED');
    expect(failed.failingAction?.name).toBe('load');
    expect(failed.failingAction?.errorCode).toBe('1');
    expect(failed.failingAction?.errorMessage).toContain('exit code [1]');
    expect(failed.failingAction?.externalId).toMatch(/^job_/);
    expect(failed.killMessage).toContain('load failed');
    expect(failed.message).toContain('action "load" (shell) ended ERROR with 1: Main class');
  });

  it('unexpected failure ends FAILED', async () => {
    const { client } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('broken-cluster') });
    const error = (await client.waitForJob(id).catch((e: unknown) => e)) as OozieJobFailedError;
    expect(error.state).toBe('FAILED');
    expect(error.failingAction?.errorCode).toBe('JA009');
  });

  it('rejected submit is invalid input with the Oozie code', async () => {
    const { client, sim } = setup();
    const error = await client.submitWorkflow({ appPath: APP('no-such-app') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(oozieDetailOf(error)?.oozieCode).toBe('E0505');
    expect((error as Error).message).toContain('POST http://oozie.sim/oozie/v2/jobs');
    expect(sim.stats.submissions).toBe(0);
  });

  it('unknown job is not found from E0604', async () => {
    const { client } = setup();
    const error = await client.getJob('0000099-240501083000123-oozie-oozi-W').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(400);
    expect(oozieDetailOf(error)?.oozieCode).toBe('E0604');
  });

  it('coordinator id is rejected for workflow reads', async () => {
    const { client } = setup();
    await expect(client.getJob('0000001-240501083000123-oozie-oozi-C')).rejects.toThrow(/not a workflow job/);
    await expect(
      client.waitForJob('0000001-240501083000123-oozie-oozi-C', { watchActions: false }),
    ).rejects.toThrow(/only workflow jobs/);
  });

  it('coordinator status and kill work by id', async () => {
    const { client, sim, manual } = setup();
    const response = await sim.fetch(`${IN_PROCESS_OOZIE_URL}/v2/jobs?user.name=etl`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: `<configuration><property><name>user.name</name><value>etl</value></property><property><name>oozie.coord.application.path</name><value>${APP('hourly-coordinator')}</value></property></configuration>`,
    });
    const { id } = (await response.json()) as { id: string };
    manual.advance(0);
    expect(await client.getStatus(id)).toBe('RUNNING');
    const result = await client.kill(id);
    expect(result).toEqual({ command: 'kill', before: 'RUNNING', after: 'KILLED', effect: 'changed' });
  });
});

describe('oozie client: post-submit visibility', () => {
  it('job missing after submit is tolerated', async () => {
    const { client, requests } = setup({ invisibleAfterSubmit: 3 });
    const submitted = await client.submitWorkflow({ appPath: APP('quick') });
    const job = await client.waitForJob(submitted.id, { submittedAt: submitted.submittedAt });
    expect(job.status).toBe('SUCCEEDED');
    expect(requests.filter((r) => r.oozieCode === 'E0604')).toHaveLength(3);
  });

  it('job missing past the grace period is not found', async () => {
    const { client } = setup();
    const error = await client
      .waitForJob('0000099-240501083000123-oozie-oozi-W', { notFoundGraceMs: 5_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe('oozie client: idempotent submit', () => {
  it('lost submit response adopts the job, no duplicate', async () => {
    const { client, sim } = setup({
      faults: { rules: [{ method: 'POST', path: '/jobs$', lostResponseRate: 1 }] },
    });
    const submitted = await client.submitWorkflow({ appPath: APP('daily-load'), externalId: 'run-42' });
    expect(submitted.adopted).toBe(true);
    expect(sim.faults.counts.lostResponse).toBe(1);
    expect(sim.stats.submissions).toBe(1);
    expect(sim.stats.submissionsByExternalId['run-42']).toBe(1);
    const job = await client.waitForJob(submitted.id);
    expect(job.status).toBe('SUCCEEDED');
  });

  it('lost response with a lagging lookup still adopts', async () => {
    const { client, sim, requests } = setup({
      invisibleForMs: 4_000,
      invisibleAffectsLookup: true,
      faults: { rules: [{ method: 'POST', path: '/jobs$', lostResponseRate: 1 }] },
    });
    const submitted = await client.submitWorkflow({ appPath: APP('hanging-load'), externalId: 'run-43' });
    expect(submitted.adopted).toBe(true);
    expect(sim.stats.submissions).toBe(1);
    const lookups = requests.filter((r) => r.query['external-id'] === 'run-43');
    expect(lookups.length).toBeGreaterThan(2);
  });

  it('reset before the server works is not resubmitted', async () => {
    const { client, sim, requests } = setup({
      faults: { rules: [{ method: 'POST', path: '/jobs$', resetRate: 1 }] },
    });
    const error = await client
      .submitWorkflow({ appPath: APP('daily-load'), externalId: 'run-44', reconcileWindowMs: 10_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OozieSubmitUnconfirmedError);
    expect((error as OozieSubmitUnconfirmedError).externalId).toBe('run-44');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(sim.stats.submissions).toBe(0);
  });

  it('5xx on submit is not retried', async () => {
    const { client, requests } = setup({ faults: { rules: [{ method: 'POST', serverErrorRate: 1 }] } });
    const error = await client
      .submitWorkflow({ appPath: APP('daily-load'), reconcileWindowMs: 3_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OozieSubmitUnconfirmedError);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('same external id twice adopts the first job', async () => {
    const { client, sim } = setup();
    const first = await client.submitWorkflow({ appPath: APP('daily-load'), externalId: 'run-45' });
    const second = await client.submitWorkflow({ appPath: APP('daily-load'), externalId: 'run-45' });
    expect(second.id).toBe(first.id);
    expect(second.adopted).toBe(true);
    expect(sim.stats.submissionsByExternalId['run-45']).toBe(1);
  });

  it('safe mode waits, then fails without a job', async () => {
    const { client, sim } = setup({ systemMode: 'SAFEMODE' }, { safeModeWaitMs: 5_000 });
    const error = await client.submitWorkflow({ appPath: APP('daily-load') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OozieSafeModeError);
    expect(oozieDetailOf(error)?.oozieCode).toBe('E0002');
    expect(sim.stats.requests['POST /jobs']).toBeGreaterThan(1);
    expect(sim.stats.submissions).toBe(0);
  });
});

describe('oozie client: kill', () => {
  it('timeout kills the job', async () => {
    const { client, sim } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('hanging-load') });
    const error = await client.waitForJob(id, { timeoutMs: 120_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).clock).toBe('deadline');
    expect((error as TimeoutError).limitMs).toBe(120_000);
    expect((error as Error).message).toContain('120000 ms on the client clock');
    expect((error as Error).message).toContain('kill done (status KILLED)');
    expect(sim.store.jobs.get(id)?.status).toBe('KILLED');
    expect(sim.stats.commands.kill).toBe(1);
  });

  it('timeout without kill leaves the job running', async () => {
    const { client, sim } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('hanging-load') });
    await expect(client.waitForJob(id, { timeoutMs: 10_000, killOnTimeout: false })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(sim.store.jobs.get(id)?.status).toBe('RUNNING');
  });

  it('abort kills the job and reports cancel', async () => {
    const { client, sim } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('hanging-load') });
    const controller = new AbortController();
    let polls = 0;
    const error = await client
      .waitForJob(id, {
        signal: controller.signal,
        onProgress: () => {
          polls++;
          if (polls === 2) controller.abort(new Error('operator stop'));
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toContain('kill done (status KILLED)');
    expect(sim.store.jobs.get(id)?.status).toBe('KILLED');
  });

  it('kill of a finished job sends no command', async () => {
    const { client, sim, manual } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('quick') });
    manual.advance(10_000);
    const result = await client.kill(id);
    expect(result).toEqual({ command: 'kill', before: 'SUCCEEDED', after: 'SUCCEEDED', effect: 'skipped' });
    expect(sim.stats.commands.kill).toBeUndefined();
  });

  it('ineffective kill is reported as no effect', async () => {
    const { client } = setup({ killIneffective: true });
    const { id } = await client.submitWorkflow({ appPath: APP('hanging-load') });
    const result = await client.kill(id);
    expect(result.effect).toBe('no-effect');
    expect(result.after).toBe('RUNNING');
  });

  it('KILLED after own kill is a cancel', async () => {
    const { client } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('hanging-load') });
    const result = await client.kill(id);
    expect(result.effect).toBe('changed');
    await expect(client.waitForJob(id)).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('oozie client: suspended jobs', () => {
  it('fail policy throws and leaves it suspended', async () => {
    const { client, sim } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('suspending-load') });
    const error = await client.waitForJob(id, { onSuspended: 'fail' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OozieJobSuspendedError);
    expect((error as OozieJobSuspendedError).state).toBe('SUSPENDED');
    expect(sim.store.jobs.get(id)?.status).toBe('SUSPENDED');
  });

  it('resume policy resumes and succeeds', async () => {
    const { client, sim } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('suspending-load') });
    const job = await client.waitForJob(id, { onSuspended: 'resume' });
    expect(job.status).toBe('SUCCEEDED');
    expect(sim.stats.commands.resume).toBe(1);
  });

  it('wait policy waits for an operator resume', async () => {
    const { client, sim, manual } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('suspending-load') });
    const statuses: string[] = [];
    const job = await client.waitForJob(id, {
      onSuspended: 'wait',
      watchActions: false,
      timeoutMs: 3_600_000,
      onProgress: (progress) => {
        statuses.push(progress.status);
        if (progress.status !== 'SUSPENDED') return;
        // An operator resumes the job five minutes later.
        manual.setTimer(manual.now() + 300_000, () => resumeJob(sim, id));
      },
      maxPollMs: 60_000,
    });
    expect(job.status).toBe('SUCCEEDED');
    expect(statuses.slice(0, 2)).toEqual(['RUNNING', 'SUSPENDED']);
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    expect(sim.stats.commands.resume).toBeUndefined();
  });

  it('wait policy times out while suspended', async () => {
    const { client, sim } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('suspending-load') });
    const error = await client
      .waitForJob(id, { onSuspended: 'wait', timeoutMs: 600_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).lastState).toBe('SUSPENDED');
    expect(sim.stats.commands.resume).toBeUndefined();
    expect(sim.store.jobs.get(id)?.status).toBe('KILLED');
  });

  it('paused timeout ends a suspended wait', async () => {
    const { client, sim } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('suspending-load') });
    const error = await client
      .waitForJob(id, { onSuspended: 'wait', pausedTimeoutMs: 120_000, timeoutMs: 3_600_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).clock).toBe('no-progress');
    expect((error as TimeoutError).limitMs).toBe(120_000);
    expect((error as Error).message).toContain('stayed paused (SUSPENDED)');
    expect(sim.store.jobs.get(id)?.status).toBe('KILLED');
  });

  it('start-manual action fails under fail policy', async () => {
    const { client } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('manual-load') });
    const error = await client.waitForJob(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OozieJobSuspendedError);
    expect((error as Error).message).toContain(
      'action "load" waits for manual intervention (START_MANUAL, JA006',
    );
  });
});

describe('oozie client: authentication', () => {
  it('Negotiate challenge without SPNEGO is a clear error', async () => {
    const { client } = setup({ auth: 'kerberos-stub' });
    const error = await client.getStatus('0000001-240501083000123-oozie-oozi-W').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OozieNegotiateRequiredError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('curl --negotiate');
    expect((error as AuthenticationError).status).toBe(401);
  });

  it('SPNEGO token provider logs in once, then reuses the cookie', async () => {
    let tokens = 0;
    const { client, requests } = setup(
      { auth: 'kerberos-stub' },
      {
        auth: {
          type: 'spnego',
          token: async (host) => {
            tokens++;
            expect(host).toBe('oozie.sim');
            return 'YIIFAKETOKEN';
          },
        },
      },
    );
    const { id } = await client.submitWorkflow({ appPath: APP('quick') });
    const job = await client.waitForJob(id);
    expect(job.status).toBe('SUCCEEDED');
    expect(tokens).toBe(1);
    expect(requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('pre-obtained hadoop.auth cookie is accepted', async () => {
    const { sim } = setup({ auth: 'kerberos-stub' });
    const login = await sim.fetch(`${IN_PROCESS_OOZIE_URL}/v2/admin/status`, {
      headers: { authorization: 'Negotiate YIIFAKE' },
    });
    const value = /hadoop\.auth="([^"]+)"/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    expect(value).toBeDefined();
    const client = new OozieClient({
      baseUrl: IN_PROCESS_OOZIE_URL,
      fetch: sim.fetch,
      auth: { type: 'cookie', value: value! },
    });
    expect(await client.getSystemMode()).toBe('NORMAL');
  });

  it('expired cookie triggers one new SPNEGO login', async () => {
    let tokens = 0;
    const { client, manual } = setup(
      { auth: 'kerberos-stub', tokenValiditySeconds: 60 },
      { auth: { type: 'spnego', token: async () => `T${++tokens}` } },
    );
    await client.getSystemMode();
    manual.advance(120_000);
    await client.getSystemMode();
    expect(tokens).toBe(2);
  });

  it('Basic behind a proxy works; a wrong password hides it', async () => {
    const proxy = { proxyBasicAuth: [{ username: 'svc', password: 'right-pass' }] };
    const ok = setup(proxy, { auth: { type: 'basic', username: 'svc', password: 'right-pass' } });
    expect(await ok.client.getSystemMode()).toBe('NORMAL');

    const bad = setup(proxy, { auth: { type: 'basic', username: 'svc', password: 'wrong-pass' } });
    const error = await bad.client.getSystemMode().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).not.toBeInstanceOf(OozieNegotiateRequiredError);
    expect(
      JSON.stringify({ message: (error as Error).message, request: (error as AuthenticationError).request }),
    ).not.toContain('wrong-pass');
  });
});

describe('oozie client: retries', () => {
  it('5xx on GET is retried', async () => {
    const { client, sim, requests } = setup({
      faults: { seed: 3, rules: [{ method: 'GET', path: '/job/', serverErrorRate: 0.5 }] },
    });
    const { id } = await client.submitWorkflow({ appPath: APP('quick') });
    const job = await client.waitForJob(id);
    expect(job.status).toBe('SUCCEEDED');
    expect(sim.faults.counts.serverError).toBeGreaterThan(0);
    expect(requests.some((r) => typeof r.status === 'number' && r.status >= 500)).toBe(true);
  });

  it('persistent 5xx on GET gives up with a server error', async () => {
    const { client, requests } = setup(
      { faults: { rules: [{ method: 'GET', path: '/admin/', serverErrorRate: 1 }] } },
      {
        retry: { maxRetries: 2, baseDelayMs: 10 },
      },
    );
    const error = await client.getSystemMode().catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('server');
    expect(requests).toHaveLength(3);
  });

  it('connection reset on GET is retried', async () => {
    const { client, sim } = setup({
      faults: { seed: 5, rules: [{ method: 'GET', path: '/admin/', resetRate: 0.5 }] },
    });
    for (let i = 0; i < 5; i++) expect(await client.getSystemMode()).toBe('NORMAL');
    expect(sim.faults.counts.reset).toBeGreaterThan(0);
  });
});

describe('oozie client: protocol and rerun', () => {
  it('auto protocol falls back to v1', async () => {
    const { client, requests } = setup({ versions: [0, 1] }, { protocol: 'auto' });
    expect(await client.getSystemMode()).toBe('NORMAL');
    expect(requests.map((r) => r.path)).toEqual(['/versions', '/v1/admin/status']);
  });

  it('auto protocol rejects a v0-only server', async () => {
    const { client } = setup({ versions: [0] }, { protocol: 'auto' });
    await expect(client.getSystemMode()).rejects.toThrow(/needs 1 or 2/);
  });

  it('rerun from failed nodes succeeds after a fix', async () => {
    const { client } = setup({ rerunHeals: true });
    const { id } = await client.submitWorkflow({ appPath: APP('failing-load') });
    await expect(client.waitForJob(id)).rejects.toBeInstanceOf(OozieJobFailedError);
    await client.rerun(id, { appPath: APP('failing-load'), failNodes: true });
    const job = await client.waitForJob(id);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.run).toBe(1);
  });

  it('rerun of a running job is rejected by Oozie', async () => {
    const { client } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('hanging-load') });
    const error = await client.rerun(id, { appPath: APP('hanging-load') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(oozieDetailOf(error)?.oozieCode).toBe('E0805');
  });

  it('log is plain text of the job', async () => {
    const { client } = setup();
    const { id } = await client.submitWorkflow({ appPath: APP('failing-load') });
    await client.waitForJob(id).catch(() => undefined);
    const log = await client.getLog(id, { kind: 'errorlog' });
    expect(log).toContain('E0729');
  });
});

describe('oozie client: transport', () => {
  it('per-request timeout is retried, then reported', async () => {
    const sim = createOozieSimulator({ faults: { rules: [{ path: '/admin/', latencyMs: 200 }] } });
    const client = new OozieClient({
      baseUrl: IN_PROCESS_OOZIE_URL,
      fetch: sim.fetch,
      requestTimeoutMs: 20,
      retry: { maxRetries: 1, baseDelayMs: 1 },
    });
    const error = await client.getSystemMode().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).clock).toBe('request');
    expect((error as Error).message).toContain('per-request timeout of 20 ms');
    expect(sim.faults.counts.latency).toBe(2);
  });

  it('truncated body on GET is retried', async () => {
    const { client, sim } = setup({
      faults: { seed: 2, rules: [{ method: 'GET', path: '/job/', truncateRate: 0.5 }] },
    });
    const { id } = await client.submitWorkflow({ appPath: APP('quick') });
    const job = await client.waitForJob(id);
    expect(job.status).toBe('SUCCEEDED');
    expect(sim.faults.counts.truncate).toBeGreaterThan(0);
  });

  it('works over a loopback socket', async () => {
    const running = await startOozieSimulator({ auth: 'kerberos-stub', invisibleAfterSubmit: 1 });
    try {
      let tokens = 0;
      const client = new OozieClient({
        baseUrl: running.url,
        user: 'etl',
        auth: { type: 'spnego', token: async () => `T${++tokens}` },
        retry: { baseDelayMs: 1 },
      });
      const submitted = await client.submitWorkflow({ appPath: APP('quick'), externalId: 'loopback-1' });
      const job = await client.waitForJob(submitted.id, { minPollMs: 5, maxPollMs: 5 });
      expect(job.status).toBe('SUCCEEDED');
      expect(job.consoleUrl).toBe(`${running.url}?job=${submitted.id}`);
      expect(tokens).toBe(1);
    } finally {
      await running.close();
    }
  });

  it('logs and errors never contain the Basic password', async () => {
    const { client, logger } = setup(
      { proxyBasicAuth: [{ username: 'svc', password: 'right-pass' }] },
      { auth: { type: 'basic', username: 'svc', password: 'super-secret-pass' } },
    );
    const error = await client.submitWorkflow({ appPath: APP('quick') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const text = JSON.stringify({ records: logger.records, message: (error as Error).message, error });
    expect(text).not.toContain('super-secret-pass');
    expect(text).not.toContain(Buffer.from('svc:super-secret-pass').toString('base64'));
  });
});

describe('oozie client: job list', () => {
  it('lists by filter from the server shape', async () => {
    const { client, manual } = setup();
    await client.submitWorkflow({ appPath: APP('daily-load') });
    manual.advance(1_000);
    const failing = await client.submitWorkflow({ appPath: APP('failing-load') });
    const result = await client.listWorkflowJobs({ filter: { name: ['failing-load'], status: ['RUNNING'] } });
    expect(result.total).toBe(1);
    expect(result.jobs.map((job) => job.id)).toEqual([failing.id]);
    expect(result.jobs[0]?.actions).toEqual([]);
  });

  it('reads the document shape too', async () => {
    const { client } = setup({ docShapes: true });
    await client.submitWorkflow({ appPath: APP('daily-load') });
    const result = await client.listWorkflowJobs();
    expect(result.jobs).toHaveLength(1);
  });

  it('rejects filter values with separators', async () => {
    const { client } = setup();
    await expect(client.listWorkflowJobs({ filter: { name: ['a;status=KILLED'] } })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });
});

describe('oozie client: impersonation', () => {
  it('sends doAs on every request', async () => {
    const { client, requests, sim } = setup({ proxyUsers: ['etl'] }, { doAs: 'alice' });
    const { id } = await client.submitWorkflow({ appPath: APP('quick') });
    expect(requests.every((r) => r.query.doAs === 'alice')).toBe(true);
    expect(sim.store.jobs.get(id)?.user).toBe('alice');
  });
});
