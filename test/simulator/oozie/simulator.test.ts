import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_APP_ROOT,
  loadOozieSimulatorConfig,
  serveOozieSimulatorFromCli,
  startOozieSimulator,
} from '../../../src/simulator/oozie/index.js';
import { BASE, setup } from './helpers.js';

const RFC_822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

describe('oozie simulator: discovery', () => {
  it('versions lists 0, 1 and 2', async () => {
    const { sim } = setup();
    const response = await sim.fetch('http://oozie.sim/oozie/versions');
    expect(await response.json()).toEqual([0, 1, 2]);
  });

  it('admin status and build version', async () => {
    const { sim } = setup({ systemMode: 'SAFEMODE' });
    const status = await sim.fetch(`${BASE}/admin/status`);
    expect(await status.json()).toEqual({ systemMode: 'SAFEMODE' });
    const build = await sim.fetch(`${BASE}/admin/build-version`);
    expect(((await build.json()) as { buildVersion: string }).buildVersion).toBe('5.2.1-sim');
  });

  it('JSON content type quotes the charset', async () => {
    const { sim } = setup();
    const response = await sim.fetch(`${BASE}/admin/status`);
    expect(response.headers.get('content-type')).toBe('application/json; charset="UTF-8"');
  });

  it('unknown protocol version is 404 without oozie headers', async () => {
    const { sim } = setup({ versions: [0, 1] });
    const response = await sim.fetch(`${BASE}/admin/status`);
    expect(response.status).toBe(404);
    expect(response.headers.get('oozie-error-code')).toBeNull();
  });
});

describe('oozie simulator: submit', () => {
  it('submit with action=start is RUNNING at once', async () => {
    const { submit, info } = setup();
    const response = await submit('daily-load');
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(id).toMatch(/^0000001-\d{15}-oozie-sim-W$/);
    const { body } = await info(id);
    expect(body?.status).toBe('RUNNING');
    expect(body?.actions.map((a: { name: string }) => a.name)).toEqual([':start:', 'extract']);
  });

  it('submit without action stays PREP until start', async () => {
    const { submit, info, command } = setup();
    const { id } = (await (await submit('daily-load', {}, 'user.name=etl')).json()) as { id: string };
    expect((await info(id)).body?.status).toBe('PREP');
    expect((await command(id, 'start')).status).toBe(200);
    expect((await info(id)).body?.status).toBe('RUNNING');
  });

  it('wrong content type is 400 E0300', async () => {
    const { sim } = setup();
    const response = await sim.fetch(`${BASE}/jobs?action=start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('oozie-error-code')).toBe('E0300');
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('anonymous submit without user.name is 400 E0401', async () => {
    const { sim, configXml } = setup();
    const response = await sim.fetch(`${BASE}/jobs?action=start`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: configXml({ 'oozie.wf.application.path': `${DEFAULT_APP_ROOT}/daily-load` }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('oozie-error-message')).toBe(
      'E0401: Missing configuration property [user.name]',
    );
  });

  it('two application paths are 400 E0302', async () => {
    const { submit } = setup();
    const response = await submit('daily-load', { 'oozie.coord.application.path': `${DEFAULT_APP_ROOT}/x` });
    expect(response.headers.get('oozie-error-code')).toBe('E0302');
  });

  it('unknown application is 400 E0505 by default', async () => {
    const { submit } = setup();
    const response = await submit('no-such-app');
    expect(response.status).toBe(400);
    expect(response.headers.get('oozie-error-code')).toBe('E0505');
  });

  it('unknown application runs when configured', async () => {
    const { submit } = setup({ unknownApplication: 'success' });
    expect((await submit('no-such-app')).status).toBe(201);
  });

  it('authenticated user overwrites user.name', async () => {
    const { submit, info } = setup();
    const response = await submit('daily-load', { 'user.name': 'mallory' }, 'action=start&user.name=etl');
    const { id } = (await response.json()) as { id: string };
    const { body } = await info(id);
    expect(body?.user).toBe('etl');
    expect(body?.conf).toContain('<value>etl</value>');
  });

  it('escaped property values survive', async () => {
    const { submitId, info } = setup();
    const id = await submitId('daily-load', { note: 'a &amp; b &lt;c&gt;' });
    expect((await info(id)).body?.conf).toContain('<value>a &amp; b &lt;c&gt;</value>');
  });

  it('stats count submissions per app path and external id', async () => {
    const { sim, submitId } = setup();
    await submitId('daily-load', { 'oozie.wf.external.id': 'run-1' });
    await submitId('daily-load', { 'oozie.wf.external.id': 'run-2' });
    expect(sim.stats.submissions).toBe(2);
    expect(sim.stats.submissionsByAppPath[`${DEFAULT_APP_ROOT}/daily-load`]).toBe(2);
    expect(sim.stats.submissionsByExternalId['run-1']).toBe(1);
    expect(sim.stats.requests['POST /jobs']).toBe(2);
  });

  it('dryrun creates nothing', async () => {
    const { sim, submit } = setup();
    const response = await submit('daily-load', {}, 'action=dryrun&user.name=etl');
    expect(response.status).toBe(201);
    expect(sim.stats.submissions).toBe(0);
  });
});

describe('oozie simulator: workflow life cycle', () => {
  it('success walks start, actions and end with RFC 822 dates', async () => {
    const { submitId, info, clock } = setup();
    const id = await submitId('daily-load');
    clock.advance(70_000);
    const { body } = await info(id);
    expect(body?.status).toBe('SUCCEEDED');
    expect(body?.actions.map((a: { name: string }) => a.name)).toEqual([
      ':start:',
      'extract',
      'load',
      'publish',
      'end',
    ]);
    expect(body?.startTime).toBe('Wed, 01 May 2024 08:31:02 GMT');
    expect(body?.endTime).toBe('Wed, 01 May 2024 08:32:12 GMT');
    for (const action of body?.actions ?? []) expect(action.startTime).toMatch(RFC_822);
    const extract = body?.actions[1];
    expect(extract.data).toContain('rows=1200');
    expect(extract.externalId).toMatch(/^job_\d+_\d{4}$/);
  });

  it('failing action ends KILLED through the kill node', async () => {
    const { submitId, info, clock } = setup();
    const id = await submitId('failing-load');
    clock.advance(60_000);
    const { body } = await info(id);
    expect(body?.status).toBe('KILLED');
    const load = body?.actions.find((a: { name: string }) => a.name === 'load');
    expect(load.status).toBe('ERROR');
    expect(load.errorCode).toBe('1');
    expect(load.transition).toBe('fail');
    const kill = body?.actions.find((a: { type: string }) => a.type === ':KILL:');
    expect(kill.errorCode).toBe('E0729');
    expect(kill.errorMessage).toContain('load failed');
  });

  it('unexpected failure ends FAILED', async () => {
    const { submitId, info, clock } = setup();
    const id = await submitId('broken-cluster');
    clock.advance(60_000);
    const { body } = await info(id);
    expect(body?.status).toBe('FAILED');
    expect(body?.actions.at(-1).errorCode).toBe('JA009');
  });

  it('start-manual action waits for a human', async () => {
    const { submitId, info, clock } = setup();
    const id = await submitId('manual-load');
    clock.advance(600_000);
    const { body } = await info(id);
    expect(body?.status).toBe('RUNNING');
    expect(body?.actions.at(-1).status).toBe('START_MANUAL');
  });

  it('suspend keeps the remaining time of the running action', async () => {
    const { submitId, info, clock, command } = setup();
    const id = await submitId('daily-load');
    clock.advance(10_000);
    await command(id, 'suspend');
    clock.advance(600_000);
    expect((await info(id)).body?.status).toBe('SUSPENDED');
    await command(id, 'resume');
    clock.advance(59_999);
    expect((await info(id)).body?.status).toBe('RUNNING');
    clock.advance(1);
    expect((await info(id)).body?.status).toBe('SUCCEEDED');
  });

  it('suspend-at-step suspends before that action', async () => {
    const { submitId, info, clock, command } = setup();
    const id = await submitId('suspending-load');
    clock.advance(25_000);
    const { body } = await info(id);
    expect(body?.status).toBe('SUSPENDED');
    expect(body?.actions.map((a: { name: string }) => a.name)).toEqual([':start:', 'extract']);
    await command(id, 'resume');
    clock.advance(50_000);
    expect((await info(id)).body?.status).toBe('SUCCEEDED');
  });

  it('kill is synchronous and kills the running action', async () => {
    const { submitId, info, command } = setup();
    const id = await submitId('hanging-load');
    expect((await command(id, 'kill')).status).toBe(200);
    const { body } = await info(id);
    expect(body?.status).toBe('KILLED');
    expect(body?.actions.at(-1).status).toBe('KILLED');
  });

  it('kill on a finished job is a silent no-op', async () => {
    const { sim, submitId, info, clock, command } = setup();
    const id = await submitId('quick');
    clock.advance(5_000);
    const response = await command(id, 'kill');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect((await info(id)).body?.status).toBe('SUCCEEDED');
    expect(sim.stats.commands.kill).toBe(1);
  });

  it('kill on a FAILED job keeps FAILED', async () => {
    const { submitId, info, clock, command } = setup();
    const id = await submitId('broken-cluster');
    clock.advance(60_000);
    await command(id, 'kill');
    expect((await info(id)).body?.status).toBe('FAILED');
  });

  it('legacy kill rewrites a finished job', async () => {
    const { submitId, info, clock, command } = setup({ legacyKillRewritesFinished: true });
    const id = await submitId('quick');
    clock.advance(5_000);
    await command(id, 'kill');
    expect((await info(id)).body?.status).toBe('KILLED');
  });

  it('ineffective kill leaves the job running', async () => {
    const { submitId, info, command } = setup({ killIneffective: true });
    const id = await submitId('hanging-load');
    expect((await command(id, 'kill')).status).toBe(200);
    expect((await info(id)).body?.status).toBe('RUNNING');
  });

  it('resume of a running job changes nothing', async () => {
    const { submitId, info, command } = setup();
    const id = await submitId('daily-load');
    expect((await command(id, 'resume')).status).toBe(200);
    expect((await info(id)).body?.status).toBe('RUNNING');
  });

  it('unsupported verb is 400 E0303', async () => {
    const { submitId, command } = setup();
    const id = await submitId('daily-load');
    const response = await command(id, 'explode');
    expect(response.headers.get('oozie-error-code')).toBe('E0303');
  });
});

describe('oozie simulator: rerun', () => {
  const rerun = async (ctx: ReturnType<typeof setup>, id: string, properties: Record<string, string>) =>
    ctx.sim.fetch(`${BASE}/job/${id}?action=rerun&user.name=etl`, {
      method: 'PUT',
      headers: { 'content-type': 'application/xml' },
      body: ctx.configXml({ 'user.name': 'etl', ...properties }),
    });

  it('rerun of a running job is 400 E0805', async () => {
    const ctx = setup();
    const id = await ctx.submitId('daily-load');
    const response = await rerun(ctx, id, {
      'oozie.wf.application.path': `${DEFAULT_APP_ROOT}/daily-load`,
      'oozie.wf.rerun.failnodes': 'true',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('oozie-error-code')).toBe('E0805');
  });

  it('rerun with both node options is 400 E0404', async () => {
    const ctx = setup();
    const id = await ctx.submitId('quick');
    ctx.clock.advance(5_000);
    const response = await rerun(ctx, id, {
      'oozie.wf.application.path': `${DEFAULT_APP_ROOT}/quick`,
      'oozie.wf.rerun.failnodes': 'true',
      'oozie.wf.rerun.skip.nodes': 'run',
    });
    expect(response.headers.get('oozie-error-code')).toBe('E0404');
  });

  it('rerun from failed nodes keeps the id and skips OK actions', async () => {
    const ctx = setup({ rerunHeals: true });
    const id = await ctx.submitId('failing-load');
    ctx.clock.advance(60_000);
    const response = await rerun(ctx, id, {
      'oozie.wf.application.path': `${DEFAULT_APP_ROOT}/failing-load`,
      'oozie.wf.rerun.failnodes': 'true',
    });
    expect(response.status).toBe(200);
    ctx.clock.advance(60_000);
    const { body } = await ctx.info(id);
    expect(body?.status).toBe('SUCCEEDED');
    expect(body?.run).toBe(1);
    const extract = body?.actions.filter((a: { name: string }) => a.name === 'extract');
    expect(extract).toHaveLength(1);
  });

  it('rerun without app path is 400 E0401', async () => {
    const ctx = setup();
    const id = await ctx.submitId('quick');
    ctx.clock.advance(5_000);
    const response = await rerun(ctx, id, { 'oozie.wf.rerun.failnodes': 'true' });
    expect(response.headers.get('oozie-error-code')).toBe('E0401');
  });
});

describe('oozie simulator: reads and quirks', () => {
  it('unknown job is 400 E0604, not 404', async () => {
    const { sim } = setup();
    const response = await sim.fetch(`${BASE}/job/0000099-240501083000123-oozie-oozi-W?show=info`);
    expect(response.status).toBe(400);
    expect(response.headers.get('oozie-error-code')).toBe('E0604');
    expect(response.headers.get('oozie-error-message')).toBe(
      'E0604: Job does not exist [0000099-240501083000123-oozie-oozi-W]',
    );
    expect(await response.text()).toContain('<html>');
  });

  it('job is invisible for N reads after submit', async () => {
    const { submitId, info } = setup({ invisibleAfterSubmit: 2 });
    const id = await submitId('daily-load');
    expect((await info(id)).response.headers.get('oozie-error-code')).toBe('E0604');
    expect((await info(id)).response.headers.get('oozie-error-code')).toBe('E0604');
    expect((await info(id)).body?.status).toBe('RUNNING');
  });

  it('job is invisible for a time after submit', async () => {
    const { sim, submitId, info, clock } = setup({ invisibleForMs: 5_000, invisibleAffectsLookup: true });
    const id = await submitId('daily-load', { 'oozie.wf.external.id': 'lag-1' });
    expect((await info(id)).response.headers.get('oozie-error-code')).toBe('E0604');
    const hidden = await sim.fetch(`${BASE}/jobs?jobtype=wf&external-id=lag-1`);
    expect(await hidden.json()).toEqual({ id: null });
    clock.advance(5_000);
    expect((await info(id)).body?.status).toBe('RUNNING');
    const visible = await sim.fetch(`${BASE}/jobs?jobtype=wf&external-id=lag-1`);
    expect(await visible.json()).toEqual({ id });
  });

  it('submit without any application path is 400 E0405', async () => {
    const { sim, configXml } = setup();
    const response = await sim.fetch(`${BASE}/jobs?user.name=etl`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: configXml({ 'user.name': 'etl' }),
    });
    expect(response.headers.get('oozie-error-code')).toBe('E0405');
  });

  it('show=status returns only the status', async () => {
    const { sim, submitId } = setup();
    const id = await submitId('daily-load');
    const response = await sim.fetch(`${BASE}/job/${id}?show=status`);
    expect(await response.json()).toEqual({ status: 'RUNNING' });
  });

  it('action id reads one action', async () => {
    const { sim, submitId } = setup();
    const id = await submitId('daily-load');
    const response = await sim.fetch(`${BASE}/job/${id}@extract?show=info`);
    expect(((await response.json()) as { name: string }).name).toBe('extract');
    const missing = await sim.fetch(`${BASE}/job/${id}@nothing?show=info`);
    expect(missing.headers.get('oozie-error-code')).toBe('E0605');
  });

  it('log and errorlog are plain text', async () => {
    const { sim, submitId, clock } = setup();
    const id = await submitId('failing-load');
    clock.advance(60_000);
    const log = await sim.fetch(`${BASE}/job/${id}?show=log`);
    expect(log.headers.get('content-type')).toContain('text/plain');
    const text = await log.text();
    expect(text).toContain(`JOB[${id}]`);
    const errorLog = await (await sim.fetch(`${BASE}/job/${id}?show=errorlog`)).text();
    expect(errorLog).toContain('E0729');
    expect(errorLog).not.toContain('Start workflow job');
  });

  it('external-id lookup finds the job or returns null', async () => {
    const { sim, submitId } = setup();
    const id = await submitId('daily-load', { 'oozie.wf.external.id': 'knimectl:daily:1' });
    const found = await sim.fetch(
      `${BASE}/jobs?jobtype=wf&external-id=${encodeURIComponent('knimectl:daily:1')}`,
    );
    expect(await found.json()).toEqual({ id });
    const missing = await sim.fetch(`${BASE}/jobs?jobtype=wf&external-id=other`);
    expect(await missing.json()).toEqual({ id: null });
  });

  it('jobs list uses workflows and filters', async () => {
    const { sim, submitId, clock } = setup();
    await submitId('daily-load');
    clock.advance(1_000);
    const second = await submitId('failing-load');
    const response = await sim.fetch(
      `${BASE}/jobs?jobtype=wf&filter=${encodeURIComponent('name=failing-load;status=RUNNING')}`,
    );
    const body = (await response.json()) as {
      total: number;
      workflows: Array<{ id: string; actions?: unknown }>;
    };
    expect(body.total).toBe(1);
    expect(body.workflows[0]?.id).toBe(second);
    expect(body.workflows[0]?.actions).toBeUndefined();
  });

  it('docShapes lists under jobs', async () => {
    const { sim, submitId } = setup({ docShapes: true });
    await submitId('daily-load');
    const body = (await (await sim.fetch(`${BASE}/jobs`)).json()) as Record<string, unknown>;
    expect(body.jobs).toHaveLength(1);
    expect(body.workflows).toBeUndefined();
  });

  it('safe mode rejects commands with 503 E0002', async () => {
    const { submit } = setup({ systemMode: 'SAFEMODE' });
    const response = await submit('daily-load');
    expect(response.status).toBe(503);
    expect(response.headers.get('oozie-error-code')).toBe('E0002');
  });

  it('injected 5xx hits only the configured route', async () => {
    const { sim, submitId } = setup({
      faults: { rules: [{ method: 'GET', path: '/job/', serverErrorRate: 1 }] },
    });
    const id = await submitId('daily-load');
    const response = await sim.fetch(`${BASE}/job/${id}?show=status`);
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(sim.faults.counts.serverError).toBe(1);
  });
});

describe('oozie simulator: coordinators', () => {
  const submitCoordinator = async (ctx: ReturnType<typeof setup>) => {
    const response = await ctx.sim.fetch(`${BASE}/jobs?user.name=etl`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: ctx.configXml({
        'user.name': 'etl',
        'oozie.coord.application.path': `${DEFAULT_APP_ROOT}/hourly-coordinator`,
      }),
    });
    return ((await response.json()) as { id: string }).id;
  };

  it('coordinator info uses server keys and hides actions without len', async () => {
    const ctx = setup();
    const id = await submitCoordinator(ctx);
    expect(id).toMatch(/-C$/);
    ctx.clock.advance(0);
    const plain = (await ctx.info(id)).body;
    expect(plain?.coordJobId).toBe(id);
    expect(plain?.status).toBe('RUNNING');
    expect(plain?.actions).toEqual([]);
    const withActions = (await (
      await ctx.sim.fetch(`${BASE}/job/${id}?show=info&offset=1&len=10`)
    ).json()) as {
      actions: Array<{ externalId: string; status: string }>;
    };
    expect(withActions.actions).toHaveLength(1);
    expect(withActions.actions[0]?.externalId).toMatch(/-W$/);
  });

  it('coordinator runs its actions and succeeds', async () => {
    const ctx = setup();
    const id = await submitCoordinator(ctx);
    ctx.clock.advance(200_000);
    const body = (await ctx.info(id)).body;
    expect(body?.status).toBe('SUCCEEDED');
    expect(body?.total).toBe(2);
  });

  it('coordinator kill kills the running workflow', async () => {
    const ctx = setup();
    const id = await submitCoordinator(ctx);
    ctx.clock.advance(1_000);
    const actions = (await (await ctx.sim.fetch(`${BASE}/job/${id}?show=info&len=5`)).json()) as {
      actions: Array<{ externalId: string }>;
    };
    await ctx.command(id, 'kill');
    expect((await ctx.info(id)).body?.status).toBe('KILLED');
    expect((await ctx.info(actions.actions[0]!.externalId)).body?.status).toBe('KILLED');
  });
});

describe('oozie simulator: authentication', () => {
  it('anonymous request is 401 when not allowed', async () => {
    const { sim } = setup({ anonymousAllowed: false });
    const response = await sim.fetch(`${BASE}/jobs`);
    expect(response.status).toBe(401);
    expect(response.headers.get('oozie-error-code')).toBeNull();
    expect((await sim.fetch(`${BASE}/jobs?user.name=etl`)).status).toBe(200);
  });

  it('kerberos stub challenges, then accepts a token and the cookie', async () => {
    const { sim } = setup({ auth: 'kerberos-stub' });
    const challenge = await sim.fetch(`${BASE}/jobs`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toBe('Negotiate');

    const login = await sim.fetch(`${BASE}/jobs`, { headers: { authorization: 'Negotiate YIIFAKE' } });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')?.split(';')[0];
    expect(cookie).toMatch(/^hadoop\.auth="u=etl&/);

    const reuse = await sim.fetch(`${BASE}/jobs`, { headers: { cookie: cookie! } });
    expect(reuse.status).toBe(200);
  });

  it('kerberos cookie expires after its validity', async () => {
    const { sim, clock } = setup({ auth: 'kerberos-stub', tokenValiditySeconds: 60 });
    const login = await sim.fetch(`${BASE}/jobs`, { headers: { authorization: 'Negotiate YIIFAKE' } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    clock.advance(61_000);
    expect((await sim.fetch(`${BASE}/jobs`, { headers: { cookie } })).status).toBe(401);
  });

  it('basic proxy checks credentials and names the user', async () => {
    const { sim, configXml } = setup({ proxyBasicAuth: [{ username: 'svc', password: 's3cret' }] });
    expect((await sim.fetch(`${BASE}/jobs`)).headers.get('www-authenticate')).toBe('Basic realm="oozie"');
    const wrong = `Basic ${Buffer.from('svc:nope').toString('base64')}`;
    expect((await sim.fetch(`${BASE}/jobs`, { headers: { authorization: wrong } })).status).toBe(401);

    const right = `Basic ${Buffer.from('svc:s3cret').toString('base64')}`;
    const response = await sim.fetch(`${BASE}/jobs?action=start`, {
      method: 'POST',
      headers: { authorization: right, 'content-type': 'application/xml' },
      body: configXml({ 'user.name': 'etl', 'oozie.wf.application.path': `${DEFAULT_APP_ROOT}/daily-load` }),
    });
    const { id } = (await response.json()) as { id: string };
    const info = (await (
      await sim.fetch(`${BASE}/job/${id}`, { headers: { authorization: right } })
    ).json()) as {
      user: string;
    };
    expect(info.user).toBe('svc');
  });

  it('doAs by a non-proxy user is 401 E1400', async () => {
    const { sim } = setup({ proxyUsers: ['oozie-admin'] });
    const rejected = await sim.fetch(`${BASE}/jobs?user.name=etl&doAs=alice`);
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get('oozie-error-code')).toBe('E1400');
    expect((await sim.fetch(`${BASE}/jobs?user.name=oozie-admin&doAs=alice`)).status).toBe(200);
  });
});

describe('oozie simulator: serving', () => {
  it('loopback server answers on 127.0.0.1', async () => {
    const running = await startOozieSimulator();
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oozie$/);
      const response = await fetch(`${running.url}/versions`);
      expect(await response.json()).toEqual([0, 1, 2]);
    } finally {
      await running.close();
    }
  });

  it('CLI entry prints the URL first and reads a config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oozie-sim-'));
    const file = join(dir, 'oozie.json');
    await writeFile(
      file,
      JSON.stringify({
        replaceDefaults: true,
        applications: { 'hdfs:///apps/one': { scenario: 'success' } },
      }),
    );
    const lines: string[] = [];
    const running = await serveOozieSimulatorFromCli(
      { configFile: file, timeScale: 1000 },
      { write: (t) => lines.push(t) },
    );
    try {
      expect(lines[0]).toBe(`${running.url}\n`);
      expect([...running.simulator.store.applications.keys()]).toEqual(['hdfs:///apps/one']);
    } finally {
      await running.close();
    }
  });

  it('config file with an unknown key names the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oozie-sim-'));
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ invisibleAfterSubmits: 2 }));
    await expect(loadOozieSimulatorConfig(file)).rejects.toThrow(/invisibleAfterSubmits/);
  });
});
