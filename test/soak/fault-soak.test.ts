/**
 * Fault soak: jobs through the in-process simulator while the creating and executing routes fail
 * with 10 % HTTP 5xx, 2 % connection resets and 1 % lost responses. The simulator's counters are the
 * truth. `KNIMECTL_SOAK_JOBS` sets the number of runs (default 100, a few seconds on two cores), and
 * `KNIMECTL_SOAK_CONCURRENCY` the runs in flight through one client (default 4).
 */
import { describe, expect, it } from 'vitest';
import { type FaultSoakReport, runFaultSoak } from './support/fault-soak.js';

const JOBS = positiveInteger('KNIMECTL_SOAK_JOBS', 100);
const CONCURRENCY = positiveInteger('KNIMECTL_SOAK_CONCURRENCY', 4);

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

describe(`fault soak with ${JOBS} runs`, () => {
  let report: FaultSoakReport;

  it('runs every job through the faults', { timeout: Math.max(60_000, JOBS * 200) }, async () => {
    report = await runFaultSoak({ jobs: JOBS, concurrency: CONCURRENCY, seed: 3 });

    expect(report.runs).toHaveLength(JOBS);
    expect(report.faults.serverError).toBeGreaterThan(0);
    expect(report.faults.reset).toBeGreaterThan(0);
    expect(report.faults.lostResponse).toBeGreaterThan(0);
  });

  it('executes no job twice', () => {
    expect(report.duplicateExecutions).toEqual([]);
    expect(report.executionsStarted).toBe(report.executionsFinished);
  });

  it('loses no outcome', () => {
    expect(report.lostOutcomes).toEqual([]);
    expect(report.phantomSuccesses).toEqual([]);
    const succeeded = report.runs.filter((run) => run.result === 'succeeded');
    expect(succeeded).toHaveLength(report.executionsStarted);
    expect(new Set(succeeded.map((run) => run.jobId)).size).toBe(succeeded.length);
  });

  it('returns the right output for every success', () => {
    expect(report.runs.filter((run) => run.result === 'wrong-output')).toEqual([]);
  });

  it('fails the rest with a typed error that names the request', () => {
    expect(report.untypedErrors).toEqual([]);
    const failed = report.runs.filter((run) => run.result !== 'succeeded');
    for (const run of failed) {
      expect(['server', 'network']).toContain(run.result);
      expect(run.message).toMatch(/^POST http:\/\/knime-server\.test\/\S+ /);
      expect(run.message).not.toMatch(/\n\s+at /);
    }
    // Only requests that were never retried may fail a run: 500s and resets on POST.
    expect(failed.length).toBeLessThanOrEqual(report.faults.serverError + report.faults.reset);
    expect(failed.length).toBeLessThan(JOBS * 0.15);
  });

  it('leaves no job behind on the server', () => {
    expect(report.leftOnServer).toBe(0);
  });
});
