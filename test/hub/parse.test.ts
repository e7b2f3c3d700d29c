import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors/index.js';
import { parseHubJob } from '../../src/hub/parse.js';
import { toStatus } from '../../src/job/states.js';

const REQUEST = { method: 'GET', url: 'http://api.hub.test/jobs/6f1c0e2a-4d1b-4c39-9a55-0b7e9f7d2c11' };
const ID = '6f1c0e2a-4d1b-4c39-9a55-0b7e9f7d2c11';

function outcome(body: Record<string, unknown>, executeRequested = true): string {
  return toStatus(parseHubJob({ id: ID, ...body }, REQUEST), { executeRequested }).label;
}

describe('hub job parsing', () => {
  it('prefers workflowState over the deprecated state', () => {
    const job = parseHubJob(
      { id: ID, state: 'IDLE', jobState: 'LOADED', workflowState: 'EXECUTING' },
      REQUEST,
    );
    expect(job.state).toBe('EXECUTING');
    expect(job.jobState).toBe('LOADED');
  });

  it('falls back to state without workflowState', () => {
    expect(parseHubJob({ id: ID, state: 'EXECUTION_FINISHED' }, REQUEST).state).toBe('EXECUTION_FINISHED');
  });

  it('takes lifecycle values of state as jobState', () => {
    const job = parseHubJob({ id: ID, state: 'LOAD_ERROR', workflowState: 'UNDEFINED' }, REQUEST);
    expect(job.jobState).toBe('LOAD_ERROR');
  });

  it('names the missing state fields', () => {
    expect(() => parseHubJob({ id: ID, name: 'x' }, REQUEST)).toThrow(ProtocolError);
    expect(() => parseHubJob({ id: ID, name: 'x' }, REQUEST)).toThrow(
      `returned job ${ID} without any of the fields "workflowState", "state" and "jobState"`,
    );
  });

  it('rejects a body that is not a job', () => {
    expect(() => parseHubJob([1, 2], REQUEST)).toThrow('returned no usable job');
    expect(() => parseHubJob({ state: 'IDLE' }, REQUEST)).toThrow('without the field "id"');
  });

  it('reads timestamps, outputs and resources', () => {
    const job = parseHubJob(
      {
        id: ID,
        workflowState: 'EXECUTION_FINISHED',
        createdAt: '2025-07-01T10:00:00.123456+02:00[Europe/Berlin]',
        startedExecutionAt: '2025-07-01T10:00:05.000001+02:00[Europe/Berlin]',
        finishedExecutionAt: '2025-07-01T10:00:09.500002+02:00[Europe/Berlin]',
        outputValues: { 'json-output': { score: 0.12 } },
        outputResources: { report: 'report.csv' },
        nodeMessages: [{ node: 'Python Script 12:3', messageType: 'ERROR', message: 'boom' }],
        creatorName: 'Data Team',
        futureField: { added: 'by a Hub upgrade' },
      },
      REQUEST,
    );
    expect(job.createdAt).toBe(Date.parse('2025-07-01T08:00:00.123Z'));
    expect((job.finishedAt ?? 0) - (job.startedAt ?? 0)).toBe(4500);
    expect(job.outputValues).toEqual({ 'json-output': { score: 0.12 } });
    expect(job.outputResources).toEqual(['report']);
    expect(job.nodeMessages).toEqual([{ node: 'Python Script 12:3', messageType: 'ERROR', message: 'boom' }]);
    expect(job.owner).toBe('Data Team');
    expect(job.raw.futureField).toEqual({ added: 'by a Hub upgrade' });
  });
});

describe('hub terminal states', () => {
  it.each([
    [{ jobState: 'LOADED', workflowState: 'EXECUTION_FINISHED' }, 'succeeded'],
    [{ state: 'EXECUTION_FINISHED' }, 'succeeded'],
    [{ jobState: 'SWAPPED', workflowState: 'EXECUTION_FINISHED' }, 'succeeded'],
    [{ jobState: 'LOADED', workflowState: 'EXECUTION_FAILED' }, 'failed'],
    [{ jobState: 'LOADED', workflowState: 'EXECUTION_FAILED_WITH_CONTENT' }, 'failed'],
    [{ jobState: 'LOADED', workflowState: 'NOT_EXECUTABLE' }, 'failed'],
    [{ jobState: 'LOAD_ERROR', workflowState: 'UNDEFINED' }, 'failed'],
    [{ jobState: 'LOADED', workflowState: 'IDLE' }, 'failed'],
    [{ jobState: 'LOADED', workflowState: 'EXECUTION_CANCELLED' }, 'cancelled'],
    [{ jobState: 'VANISHED', workflowState: 'UNDEFINED' }, 'gone'],
    [{ jobState: 'DISCARDED', workflowState: 'UNDEFINED' }, 'gone'],
    [{ jobState: 'LOADED', workflowState: 'INTERACTION_REQUIRED' }, 'paused'],
    [{ jobState: 'LOAD_REQUESTED', workflowState: 'UNDEFINED' }, 'queued'],
    [{ jobState: 'LOADING', workflowState: 'UNDEFINED' }, 'loading'],
    [{ jobState: 'LOADED', workflowState: 'EXECUTING' }, 'running'],
    [{ jobState: 'SWAPPING', workflowState: 'EXECUTING' }, 'running'],
    [{ jobState: 'LOADED', workflowState: 'RETRYING_SOMEHOW' }, 'unknown(RETRYING_SOMEHOW)'],
  ])('%o after execute is %s', (body, expected) => {
    expect(outcome(body)).toBe(expected);
  });

  it('takes IDLE before an execute request as ready', () => {
    expect(outcome({ jobState: 'LOADED', workflowState: 'IDLE' }, false)).toBe('ready');
  });
});
