import { describe, expect, it } from 'vitest';
import { JOB_STATES } from '../../../src/simulator/engine/index.js';
import { deriveHubStates } from '../../../src/simulator/hub/index.js';

const COMBINED = new Set([
  'EXECUTING',
  'CONFIGURED',
  'IDLE',
  'UNDEFINED',
  'DISCARDED',
  'LOAD_ERROR',
  'EXECUTION_FAILED',
  'EXECUTION_CANCELLED',
  'EXECUTION_FINISHED',
  'INTERACTION_REQUIRED',
  'EXECUTION_FAILED_WITH_CONTENT',
  'LOADING',
  'NOT_EXECUTABLE',
  'SWAPPING',
  'VANISHED',
]);

describe('hub state derivation', () => {
  it.each([
    ['LOADING', false, 'LOADING', 'UNDEFINED', 'LOADING'],
    ['LOAD_ERROR', false, 'LOAD_ERROR', 'UNDEFINED', 'LOAD_ERROR'],
    ['IDLE', false, 'LOADED', 'IDLE', 'IDLE'],
    ['CONFIGURED', false, 'LOADED', 'CONFIGURED', 'CONFIGURED'],
    ['EXECUTING', false, 'LOADED', 'EXECUTING', 'EXECUTING'],
    ['RUNNING', false, 'LOADED', 'EXECUTING', 'EXECUTING'],
    ['EXECUTED', false, 'LOADED', 'EXECUTED', 'EXECUTION_FINISHED'],
    ['EXECUTION_FINISHED', false, 'LOADED', 'EXECUTION_FINISHED', 'EXECUTION_FINISHED'],
    ['EXECUTION_FAILED', false, 'LOADED', 'EXECUTION_FAILED', 'EXECUTION_FAILED'],
    [
      'EXECUTION_FAILED_WITH_CONTENT',
      false,
      'LOADED',
      'EXECUTION_FAILED_WITH_CONTENT',
      'EXECUTION_FAILED_WITH_CONTENT',
    ],
    ['EXECUTION_CANCELLED', false, 'LOADED', 'EXECUTION_CANCELLED', 'EXECUTION_CANCELLED'],
    ['INTERACTION_REQUIRED', false, 'LOADED', 'INTERACTION_REQUIRED', 'INTERACTION_REQUIRED'],
    ['NOT_EXECUTABLE', false, 'LOADED', 'NOT_EXECUTABLE', 'NOT_EXECUTABLE'],
    ['VANISHED', false, 'VANISHED', 'UNDEFINED', 'VANISHED'],
    ['DISCARDED', false, 'DISCARDED', 'UNDEFINED', 'DISCARDED'],
    ['UNDEFINED', false, 'UNDEFINED', 'UNDEFINED', 'UNDEFINED'],
    ['EXECUTION_FINISHED', true, 'SWAPPED', 'EXECUTION_FINISHED', 'EXECUTION_FINISHED'],
  ] as const)('maps %s (swapped %s)', (engineState, swapped, jobState, workflowState, state) => {
    expect(deriveHubStates(engineState, swapped)).toEqual({ jobState, workflowState, state });
  });

  it('gives only values of the combined enum', () => {
    for (const engineState of JOB_STATES) {
      for (const swapped of [false, true]) {
        const derived = deriveHubStates(engineState, swapped);
        expect(COMBINED.has(derived.state), `${engineState} → ${derived.state}`).toBe(true);
      }
    }
  });
});
