import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/runner.js';
import { RealClock } from '../../src/simulator/common/clock.js';
import { simulatedServer } from '../library/simulator.js';
import type { WorkflowSpec } from '../simulator/engine/workspace-builder.js';
import { createWorkDir, type WorkDir } from './support/workdir.js';

const example = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../examples/nightly-sales.yaml',
);

function salesWorkflows(reportFails: boolean): Record<string, WorkflowSpec> {
  return {
    '/Sales/Extract': {
      inputs: [
        { shortName: 'day', nodeIdPath: '1', example: '2026-01-01' },
        { shortName: 'region', nodeIdPath: '2', example: 'EMEA' },
      ],
      outputs: [{ shortName: 'rows', nodeIdPath: '3', example: 0 }],
      simulation: { outputs: { rows: { value: 1250 } } },
    },
    '/Sales/Report': {
      inputs: [{ shortName: 'summary', nodeIdPath: '1', example: '' }],
      outputs: [{ shortName: 'title', nodeIdPath: '2', example: '' }],
      simulation: reportFails
        ? { outcome: 'failure', failure: { node: 'Report Writer 0:7', message: 'Execute failed: disk full' } }
        : { outputs: { title: { template: `Sales report: \${input:summary}` } } },
    },
  };
}

let work: WorkDir;

beforeEach(() => {
  work = createWorkDir();
  writeFileSync(path.join(work.dir, 'crm-2026-12-04.done'), '');
});

afterEach(() => {
  work.remove();
});

describe('examples/nightly-sales.yaml', () => {
  it('runs extract, wait, transform and report', async () => {
    const server = await simulatedServer({ workflows: salesWorkflows(false) });
    const result = await runPipeline(example, {
      params: { date: '2026-12-04', inbox: work.dir },
      ledgerPath: work.ledgerPath,
      connections: { production: server.client },
    });

    const byName = Object.fromEntries(result.steps.map((step) => [step.name, step]));
    expect(result.steps.map((step) => [step.name, step.state])).toEqual([
      ['extract', 'succeeded'],
      ['crm-export', 'succeeded'],
      ['transform', 'succeeded'],
      ['report', 'succeeded'],
      ['notify-failure', 'skipped'],
    ]);
    expect(result.outcome).toBe('succeeded');
    expect(byName.transform!.outputs!.summary).toBe('1250 rows for 2026-12-04');
    expect(byName.report!.outputs!.title).toBe('Sales report: 1250 rows for 2026-12-04');
    expect(server.simulator.stats.executionsStarted).toBe(2);
  });

  it('runs the failure notice when the report fails', async () => {
    const server = await simulatedServer({ workflows: salesWorkflows(true) });
    const result = await runPipeline(example, {
      params: { date: '2026-12-04', inbox: work.dir },
      ledgerPath: work.ledgerPath,
      connections: { production: server.client },
      // The report retries twice after 30 s and 60 s; a clock 1000 times faster keeps that short.
      clock: new RealClock(1000),
    });
    expect(result.outcome).toBe('failed');
    expect(result.steps.map((step) => [step.name, step.state])).toEqual([
      ['extract', 'succeeded'],
      ['crm-export', 'succeeded'],
      ['transform', 'succeeded'],
      ['report', 'failed'],
      ['notify-failure', 'succeeded'],
    ]);
    expect(result.steps[3]!.error).toContain('Execute failed: disk full');
    expect(server.simulator.stats.executionsByWorkflow.get('/Sales/Report')).toBe(3);
  });
});
