import { describe, expect, it } from 'vitest';
import { outcomeOf, toStatus } from '../../src/job/states.js';

describe('state table', () => {
  it.each([
    ['UNDEFINED', 'unknown'],
    ['LOADING', 'loading'],
    ['LOAD_ERROR', 'failed'],
    ['IDLE', 'ready'],
    ['CONFIGURED', 'ready'],
    ['EXECUTING', 'running'],
    ['EXECUTED', 'succeeded'],
    ['INTERACTION_REQUIRED', 'paused'],
    ['RUNNING', 'running'],
    ['EXECUTION_FINISHED', 'succeeded'],
    ['EXECUTION_FAILED', 'failed'],
    ['EXECUTION_FAILED_WITH_CONTENT', 'failed'],
    ['EXECUTION_CANCELLED', 'cancelled'],
    ['NOT_EXECUTABLE', 'failed'],
    ['DISCARDED', 'gone'],
    ['VANISHED', 'gone'],
  ])('maps %s to %s before an execute request', (state, outcome) => {
    expect(outcomeOf(state)).toBe(outcome);
  });

  it('treats IDLE after an execute request as a failure', () => {
    expect(outcomeOf('IDLE', { executeRequested: true })).toBe('failed');
  });

  it('treats CONFIGURED after an execute request as queued', () => {
    expect(outcomeOf('CONFIGURED', { executeRequested: true })).toBe('queued');
  });

  it('lets a decisive Hub jobState win', () => {
    expect(outcomeOf('EXECUTING', { jobState: 'VANISHED' })).toBe('gone');
    expect(outcomeOf('IDLE', { jobState: 'LOADED' })).toBe('ready');
  });

  it('labels unknown states with their raw value', () => {
    const status = toStatus({ id: 'j', state: 'STOPPING_EXECUTION', nodeMessages: [], raw: {} });
    expect(status.outcome).toBe('unknown');
    expect(status.label).toBe('unknown(STOPPING_EXECUTION)');
    expect(status.terminal).toBe(false);
  });

  it('builds the status fields', () => {
    const status = toStatus(
      {
        id: 'j',
        state: 'EXECUTION_FAILED_WITH_CONTENT',
        workflow: '/W',
        nodeMessages: [
          { node: 'A', messageType: 'WARNING', message: 'w' },
          { node: 'B', messageType: 'ERROR', message: 'e' },
        ],
        startedAt: 1000,
        finishedAt: 4500,
        outputValues: { x: 1 },
        raw: {},
      },
      { executeRequested: true },
    );
    expect(status).toMatchObject({
      jobId: 'j',
      workflow: '/W',
      outcome: 'failed',
      terminal: true,
      partial: true,
      durationMs: 3500,
      outputs: { x: 1 },
      failedNodes: [{ node: 'B', messageType: 'ERROR', message: 'e' }],
    });
  });
});
