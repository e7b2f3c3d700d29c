/**
 * examples/cross-system end to end: KNIME → Oozie → Alteryx → command against the three simulators
 * on 127.0.0.1, through the runner with in-process clients and through `knimectl pipeline run`
 * with CLI profiles.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlteryxClient } from '../../src/alteryx/index.js';
import { createClient } from '../../src/job/client.js';
import { OozieClient } from '../../src/oozie/index.js';
import { Ledger } from '../../src/pipeline/ledger/ledger.js';
import { runPipeline } from '../../src/pipeline/runner.js';
import {
  loadAlteryxWorkflowsFile,
  type RunningAlteryxSimulator,
  startAlteryxSimulator,
} from '../../src/simulator/alteryx/index.js';
import { RealClock } from '../../src/simulator/common/clock.js';
import { type RunningServerSimulator, startServerSimulator } from '../../src/simulator/index.js';
import {
  loadOozieSimulatorConfig,
  type RunningOozieSimulator,
  startOozieSimulator,
} from '../../src/simulator/oozie/index.js';
import { freshHome, runCli } from '../cli/helpers.js';
import { createWorkDir, type WorkDir } from './support/workdir.js';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const exampleDir = path.join(repoDir, 'examples', 'cross-system');
const REPORT_ID = '6560c0ffee0000000000aa01';
const API_KEY = 'sim-api-key';
const API_SECRET = 'sim-api-secret';

interface Simulators {
  knime: RunningServerSimulator;
  oozie: RunningOozieSimulator;
  alteryx: RunningAlteryxSimulator;
  close(): Promise<void>;
}

/**
 * Starts the three simulators as the example's README does: the packaged demo workspace, the
 * example's Oozie options and Alteryx workflows. The KNIME clock runs 20 times faster, so the
 * 3-second Sales Report takes 150 ms.
 */
async function startCrossSystemSimulators(): Promise<Simulators> {
  const oozieOptions = await loadOozieSimulatorConfig(path.join(exampleDir, 'oozie-simulator.json'));
  const workflows = await loadAlteryxWorkflowsFile(path.join(exampleDir, 'alteryx-workflows.yaml'));
  const knime = await startServerSimulator({
    workspace: path.join(repoDir, 'demo', 'workspace'),
    timeScale: 20,
  });
  const oozie = await startOozieSimulator({ ...oozieOptions, clock: new RealClock(1) });
  const alteryx = await startAlteryxSimulator({ workflows, clock: new RealClock(1) });
  return {
    knime,
    oozie,
    alteryx,
    async close() {
      await Promise.all([knime.close(), oozie.close(), alteryx.close()]);
    },
  };
}

/** Copies the example into `dir`, so that its downloads and manifest stay out of the checkout. */
function copyExample(dir: string): string {
  cpSync(exampleDir, dir, { recursive: true });
  return path.join(dir, 'pipeline.yaml');
}

let work: WorkDir;
let simulators: Simulators;

beforeEach(async () => {
  work = createWorkDir();
  simulators = await startCrossSystemSimulators();
});

afterEach(async () => {
  await simulators.close();
  work.remove();
});

function checkRemoteWorkRanOnce(): void {
  const knimeStats = simulators.knime.simulator.stats;
  expect(Object.fromEntries(knimeStats.executionsByWorkflow)).toEqual({ '/Demo/Sales Report': 1 });
  expect(simulators.oozie.simulator.stats.submissions).toBe(1);
  expect(simulators.alteryx.simulator.stats.jobsQueued).toEqual({ [REPORT_ID]: 1 });
}

describe('examples/cross-system', () => {
  it('runs KNIME, Oozie, Alteryx and the manifest', async () => {
    const file = copyExample(work.dir);
    const result = await runPipeline(file, {
      params: { date: '2026-12-04' },
      ledgerPath: work.ledgerPath,
      pollIntervalMs: 20,
      connections: {
        knime: createClient({ url: simulators.knime.url, validateUrl: false }),
        hadoop: new OozieClient({ baseUrl: simulators.oozie.url, user: 'etl' }),
        alteryx: new AlteryxClient({
          baseUrl: simulators.alteryx.url,
          apiKey: API_KEY,
          apiSecret: API_SECRET,
        }),
      },
    });

    expect(result.error).toBeNull();
    expect(result.outcome).toBe('succeeded');
    expect(result.steps.map((step) => [step.name, step.state])).toEqual([
      ['summarize', 'succeeded'],
      ['load-warehouse', 'succeeded'],
      ['report', 'succeeded'],
      ['manifest', 'succeeded'],
    ]);
    checkRemoteWorkRanOnce();

    const [summarize, load, report, manifest] = result.steps;
    const oozieJob = simulators.oozie.simulator.store.jobs.get(String(load!.outputs!.jobId)) as unknown as {
      conf: Map<string, string>;
    };
    expect(oozieJob.conf.get('businessDay')).toBe('2026-12-04');
    expect(oozieJob.conf.get('knimeJob')).toBe(summarize!.outputs!.jobId);
    expect(JSON.parse(oozieJob.conf.get('summaryJson')!)['table-data']).toEqual([['EMEA', 2, 2130.5]]);

    const alteryxJob = simulators.alteryx.simulator.control.jobs()[0]!;
    expect(alteryxJob.questions).toContainEqual({
      name: 'WarehouseTable',
      value: 'warehouse.sales_summary_daily',
    });
    expect(alteryxJob.questions).toContainEqual({ name: 'BusinessDay', value: '2026-12-04' });
    expect(report!.outputs!.disposition).toBe('Success');

    const reportFile = path.join(work.dir, 'out', '2026-12-04', 'revenue_report.csv');
    expect(readFileSync(reportFile, 'utf8')).toBe('region,orders,total\nEMEA,2,2130.5\n');

    expect(manifest!.outputs!.loadedRows).toBe('1');
    const written = JSON.parse(
      readFileSync(path.join(work.dir, 'out', '2026-12-04', 'manifest.json'), 'utf8'),
    );
    expect(written).toMatchObject({
      businessDay: '2026-12-04',
      runId: result.runId,
      knimeJob: summarize!.outputs!.jobId,
      oozieJob: load!.outputs!.jobId,
      alteryxJob: report!.outputs!.jobId,
      loadedRows: 1,
    });
    expect(written.reportFiles).toEqual({ 'revenue_report.csv': reportFile });

    const ledger = Ledger.open(work.ledgerPath);
    try {
      expect(ledger.checkConsistency()).toEqual([]);
      expect(ledger.getRun(result.runId).outcome).toBe('succeeded');
    } finally {
      ledger.close();
    }
  });

  it('runs through knimectl pipeline run with profiles', async () => {
    const file = copyExample(work.dir);
    const home = freshHome();
    const configDir = path.join(home, '.config', 'knimectl');
    mkdirSync(configDir, { recursive: true });
    const configFile = path.join(configDir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        profiles: {
          knime: { server: simulators.knime.url },
          hadoop: { oozie: simulators.oozie.url, user: 'etl' },
          alteryx: { alteryx: simulators.alteryx.url, user: API_KEY },
        },
      }),
    );
    chmodSync(configFile, 0o600);

    const result = await runCli(
      [
        'pipeline',
        'run',
        file,
        '--param',
        'date=2026-12-04',
        '--ledger',
        work.ledgerPath,
        '--poll-interval',
        '50ms',
        '--json',
      ],
      { env: { HOME: home, KNIMECTL_PASSWORD_ALTERYX: API_SECRET }, cwd: work.dir },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain(API_SECRET);
    expect(result.stdout).not.toContain(API_SECRET);
    checkRemoteWorkRanOnce();
    expect(existsSync(path.join(work.dir, 'out', '2026-12-04', 'manifest.json'))).toBe(true);
  });
});
